export * from './demo-catalog.ts';
export * from './seed.ts';

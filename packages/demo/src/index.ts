export * from './demo-catalog.ts';
export * from './seed.ts';
export * from './demo-publishable-keys.ts';

export * from './demo-catalog.ts';
export * from './seed.ts';
export { DEMO_PASSWORD } from './seed-customers.ts';
export * from './demo-publishable-keys.ts';

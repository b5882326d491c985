import type { TestProject } from 'vitest/node';
import { startSystem, type SystemUrls } from './system.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    system: SystemUrls;
  }
}

export default async function setup(project: TestProject) {
  const started = Date.now();
  const { urls, stop } = await startSystem();
  console.log(`[test] system up in ${Date.now() - started} ms on ${process.env.DATABASE_URL ? 'DATABASE_URL server' : 'embedded PostgreSQL'}`);
  project.provide('system', urls);
  return stop;
}

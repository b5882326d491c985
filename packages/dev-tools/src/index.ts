// Development tools: the embedded PostgreSQL that `npm start` and the tests boot on a fresh machine, and
// creating and dropping databases on a server. Used by scripts/ and test/, never by a running service.
export * from './embedded-postgres.ts';
export * from './database-admin.ts';

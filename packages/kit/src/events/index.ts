export * from './nats-event-bus.ts';
export * from './outbox-relay.ts';
export * from './webhook-dispatcher.ts';
export * from './webhook-backoff.ts';
export * from './webhook-endpoints.ts';
export * from './event-relay.job.ts';
export * from './webhook-admin.service.ts';
export const WEBHOOKS_MIGRATIONS = new URL('./migrations', import.meta.url);
export const WEBHOOKS_TABLES = ['endpoints', 'deliveries', 'attempts', 'bus_events'] as const;

export * from './channel-context.ts';
export * from './money.ts';
export * from './error-codes.ts';
export * from './subgraph-list.ts';
export * from './hmac-key.ts';
export * from './input-rules.ts';
export * from './address-rules.ts';
export * from './access-token.ts';

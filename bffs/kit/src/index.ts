export * from './identity.ts';
export * from './demo-users.ts';
export * from './allow-list.ts';
export * from './channel-registry.ts';
export * from './gateway-client.ts';
export * from './bff-server.ts';
export * from './bff-config.ts';
export * from './start-channel-bff.ts';
export { SIGN_IN_OPERATIONS } from './channel-context.builder.ts';

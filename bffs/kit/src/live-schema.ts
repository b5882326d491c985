import { readFileSync } from 'node:fs';
import { buildSchema, GraphQLError, GraphQLObjectType, GraphQLScalarType, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import type { ChannelContext } from '@storegraph/schema';

/** What a live field needs at run time: its feed (an async iterator per subscriber) and, optionally, how to shape each item. */
export interface LiveField<TArgs = Record<string, unknown>> {
  subscribe: GraphQLFieldResolver<unknown, { channel: ChannelContext }, TArgs>;
  resolve?: GraphQLFieldResolver<unknown, { channel: ChannelContext }, TArgs>;
}

/** The live schema's SDL (live-schema.graphql): the contract codegen reads. */
export function liveSchemaText(): string {
  return readFileSync(new URL('./live-schema.graphql', import.meta.url), 'utf8');
}

/**
 * The live schema with every Subscription field bound to its feed. The types come from the SDL, so the served
 * schema and the generated types cannot differ; a field without a feed (or a feed without a field) stops the
 * BFF at start-up instead of answering "no subscribe" to the first client.
 */
export function buildLiveSchema(fields: Record<string, LiveField<any>>): GraphQLSchema {
  const schema = buildSchema(liveSchemaText());
  const minorUnits = schema.getType('MinorUnits');
  if (!(minorUnits instanceof GraphQLScalarType)) throw new Error('live-schema.graphql: MinorUnits must be a scalar');
  minorUnits.serialize = (v: unknown) => {
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new GraphQLError('MinorUnits must be a safe integer');
    return v;
  };
  const subscription = schema.getSubscriptionType();
  if (!(subscription instanceof GraphQLObjectType)) throw new Error('live-schema.graphql: no Subscription type');
  const declared = subscription.getFields();
  const unbound = Object.keys(declared).filter((name) => !fields[name]);
  const undeclared = Object.keys(fields).filter((name) => !declared[name]);
  if (unbound.length || undeclared.length) throw new Error(`live schema: fields without a feed [${unbound}], feeds without a field [${undeclared}]`);
  for (const [name, field] of Object.entries(fields)) {
    declared[name]!.subscribe = field.subscribe;
    // The feed yields the field's value itself, not a { field: value } payload.
    declared[name]!.resolve = field.resolve ?? ((item: unknown) => item);
  }
  const query = schema.getQueryType()!.getFields();
  query.live!.resolve = () => 'use subscriptions';
  return schema;
}

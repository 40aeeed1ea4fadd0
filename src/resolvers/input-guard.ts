import type { GraphQLFieldResolver, GraphQLSchema } from 'graphql';
import { storableInput } from '../domain/text.js';

const storable = <S, C>(resolve: GraphQLFieldResolver<S, C> | undefined): GraphQLFieldResolver<S, C> | undefined =>
  resolve && ((source, args, context, info) => resolve(source, storableInput(args) as typeof args, context, info));

/**
 * The one input-text guard, wrapped around every root field (queries, mutations,
 * subscriptions; over HTTP and WebSocket alike): NUL and lone surrogates in any text argument
 * (instructions, clearance notes, names, codes) are made storable before a resolver sees them,
 * as chat messages are (domain/text.ts), instead of failing in PostgreSQL as an internal error.
 * Only root fields: nested fields' arguments are numbers and enums, and wrapping every field
 * would cost every resolved value.
 */
export function guardInputText(schema: GraphQLSchema): GraphQLSchema {
  for (const root of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
    for (const field of Object.values(root?.getFields() ?? {})) {
      field.resolve = storable(field.resolve);
      field.subscribe = storable(field.subscribe);
    }
  }
  return schema;
}

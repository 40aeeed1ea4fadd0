import type { GraphQLFieldResolver, GraphQLSchema } from 'graphql';
import { storableInput } from '../domain/text.js';

const storable = <S, C>(resolve: GraphQLFieldResolver<S, C> | undefined): GraphQLFieldResolver<S, C> | undefined =>
  resolve && ((source, args, context, info) => resolve(source, storableInput(args) as typeof args, context, info));

/**
 * The one input-text guard, wrapped around every mutation (over HTTP and WebSocket alike): NUL and lone surrogates in any text argument
 * (instructions, clearance notes, names, codes) are made storable before a resolver sees them,
 * as chat messages are (domain/text.ts), instead of failing in PostgreSQL as an internal error.
 * Only mutations write: queries and live feeds read with their arguments as sent.
 */
export function guardInputText(schema: GraphQLSchema): GraphQLSchema {
  for (const field of Object.values(schema.getMutationType()?.getFields() ?? {})) field.resolve = storable(field.resolve);
  return schema;
}

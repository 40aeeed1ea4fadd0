import { getNullableType, GraphQLError, isListType, type DocumentNode, type GraphQLSchema, type ValidationRule } from 'graphql';
import depthLimit from 'graphql-depth-limit';
import { fieldExtensionsEstimator, getComplexity, simpleEstimator, type ComplexityEstimator } from 'graphql-query-complexity';

/**
 * The largest GraphQL request accepted, in bytes: an HTTP body and a WebSocket message alike
 * (ws would otherwise take messages of up to 100 MiB, bypassing the HTTP limit).
 */
export const MAX_GRAPHQL_MESSAGE_BYTES = 2 * 1024 * 1024;

/** Validation rules every operation passes, over HTTP and WebSocket alike. */
export const limitRules = (maxDepth: number): ValidationRule[] => [depthLimit(maxDepth) as ValidationRule];

/** What an unpaged list (an incident's timeline, a grid's children) is guessed to hold. */
export const UNPAGED_LIST_GUESS = 10;

/**
 * Every list costs its page size times what each item asks for: a field with a `first`
 * argument (its default included: `incidents`, `receipts`, `slots`, `outboxMessages`, `grids`)
 * costs `first` items, whether it returns a list or a Relay connection; any other list field
 * (`timeline`, `children`) costs UNPAGED_LIST_GUESS items. A connection's `edges` is the page
 * its field already counted.
 */
const pageSizeEstimator: ComplexityEstimator = ({ field, args, childComplexity }) => {
  const first: unknown = args['first'];
  if (typeof first === 'number') return 1 + Math.max(1, first) * childComplexity;
  if (!isListType(getNullableType(field.type)) || field.name === 'edges') return undefined;
  return 1 + UNPAGED_LIST_GUESS * childComplexity;
};

/** Refuses an operation whose estimated cost (list sizes × fields) exceeds `max`. */
export function assertCost(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown> | undefined, operationName: string | undefined | null, max: number): void {
  let cost: number;
  try {
    cost = getComplexity({
      schema,
      query: document,
      variables: variables ?? {},
      ...(operationName ? { operationName } : {}),
      estimators: [fieldExtensionsEstimator(), pageSizeEstimator, simpleEstimator({ defaultComplexity: 1 })],
    });
  } catch (err) {
    // Estimating coerces the variables first, so a bad variable surfaces here.
    if (err instanceof GraphQLError) throw new GraphQLError(err.message, { extensions: { code: 'BAD_USER_INPUT' } });
    throw err;
  }
  if (cost > max) {
    throw new GraphQLError(`query cost ${cost} exceeds the limit of ${max}; ask for fewer items or fields`, { extensions: { code: 'BAD_USER_INPUT', cost, limit: max } });
  }
}

import type { Scope } from '../scope.js';

/** The GraphQL context of one HTTP request or one WebSocket operation. */
export interface GqlContext {
  readonly scope: Scope;
}

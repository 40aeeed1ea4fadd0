import type { Scope } from '../scope.js';
import type { BotsPort } from '../services/bots.port.js';

/** The GraphQL context of one HTTP request or one WebSocket operation. */
export interface GqlContext {
  readonly scope: Scope;
  /** The bots of this hub instance, when they run. */
  readonly bots: BotsPort | null;
}

import type { Place } from '../domain/places.js';

/**
 * What the rest of the hub may know of the WeChat bots. Bots are an adapter (`src/bots/`): the
 * GraphQL context and the health checks see them only through this port, so nothing outside
 * `bots/` imports the bot runtime.
 */

export type BotState = 'starting' | 'scan' | 'logged_in' | 'logged_out' | 'error' | 'stopped';

/** One bot account as `/readyz`, `/bot/login` and the `bots` query show it. */
export interface BotAccountStatus {
  name: string;
  puppet: string;
  state: BotState;
  /** The WeChat name the account logged in as. */
  user: string | null;
  /** While waiting for a scan (wechat4u): the login QR code's content. */
  qr: string | null;
  since: Date;
  error: string | null;
}

/** Demo mode's simulated WeChat: speak into a grid's mock group, get the bot's replies there. */
export interface DemoChatPort {
  /** `place`: a WeChat location message sent after the text and image. */
  speak(gridCode: string, from: string, text: string | null, image: Uint8Array | null, place?: Place | null): Promise<string[]>;
}

/** The bots of one hub instance, as the API sees them. */
export interface BotsPort {
  /** A copy of every account's state. */
  status(): BotAccountStatus[];
  /** The simulated WeChat in demo mode (mock puppet); null on a real puppet. */
  readonly demo: DemoChatPort | null;
}

import type { ChannelPolicy } from '../domain/channel-policy.js';

/** One message as a channel sends it. */
export interface ChannelMessage {
  readonly text: string;
  /** @-mention everyone (WeCom `@all`). */
  readonly mentionAll: boolean;
  /** People to @-mention by mobile number. */
  readonly mentionMobiles: readonly string[];
}

/**
 * What one request to a channel came to. `retry`: a passing fault (network, 5xx, an unknown
 * error code), tried again with back-off; `rate_limited`: the robot said "too many", it rests;
 * `never`: the target itself is wrong (a revoked key), the message fails at once.
 */
export type ChannelOutcome = { readonly ok: true } | { readonly ok: false; readonly kind: 'retry' | 'rate_limited' | 'never'; readonly error: string };

/**
 * A second way to reach a grid besides its WeChat group (a WeCom group robot today; a DingTalk
 * robot or an SMS gateway would be one more adapter). Adapters do the I/O; pacing, retries and
 * durability are the channel worker's, driven by the adapter's policy.
 */
export interface Channel {
  /** The kind stored with a grid's channel and its messages (`wecom`). */
  readonly kind: string;
  readonly policy: ChannelPolicy;
  /** A target as the API may show it (secrets masked), or a DomainError when it is not one. */
  validate(target: string): { target: string; hint: string };
  send(target: string, message: ChannelMessage): Promise<ChannelOutcome>;
}

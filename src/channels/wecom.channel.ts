import { WECOM_POLICY } from '../domain/channel-policy.js';
import { DomainError } from '../domain/errors.js';
import type { Channel, ChannelMessage, ChannelOutcome } from './channel.port.js';

/** WeCom's documented robot webhook (developer.work.weixin.qq.com/document/path/91770). */
export const WECOM_WEBHOOK_URL = 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send';

/** errcode 45009: over the robot's 20 messages a minute. */
const RATE_LIMITED = 45009;
/** errcodes that mean the webhook itself is wrong (invalid or revoked key): retrying cannot help. */
const BAD_TARGET = new Set([93000, 40001, 40014, 42001]);

/** How long one request may take before it counts as a passing fault. */
const REQUEST_TIMEOUT_MS = 10_000;

/**
 * A WeCom (企业微信) group robot: `POST {base}?key=KEY` with
 * `{"msgtype":"text","text":{"content","mentioned_list","mentioned_mobile_list"}}`, answered by
 * `{"errcode":0,"errmsg":"ok"}`. `base` is WeCom's URL (WECOM_WEBHOOK_URL lets tests and private
 * gateways use another); only webhooks under it are accepted, so the hub posts nowhere else.
 */
export function wecomChannel(base: string = WECOM_WEBHOOK_URL): Channel {
  const expected = new URL(base);
  return {
    kind: 'wecom',
    policy: WECOM_POLICY,
    validate(input) {
      const raw = input.trim();
      let url: URL;
      try {
        // A bare key is accepted too: it is what the robot's settings show last.
        url = /^[\w-]{8,128}$/.test(raw) ? new URL(`${expected.origin}${expected.pathname}?key=${raw}`) : new URL(raw);
      } catch {
        throw new DomainError('BAD_USER_INPUT', 'not a WeCom robot webhook URL');
      }
      const key = url.searchParams.get('key') ?? '';
      if (url.origin !== expected.origin || url.pathname !== expected.pathname || !/^[\w-]{8,128}$/.test(key) || [...url.searchParams.keys()].some((k) => k !== 'key')) {
        throw new DomainError('BAD_USER_INPUT', `a WeCom robot webhook looks like ${expected.origin}${expected.pathname}?key=…`);
      }
      const target = `${expected.origin}${expected.pathname}?key=${key}`;
      return { target, hint: `${expected.host}…key=${key.slice(0, 4)}…${key.slice(-4)}` };
    },
    async send(target, message: ChannelMessage): Promise<ChannelOutcome> {
      const mentioned = message.mentionAll ? ['@all'] : [];
      const body = { msgtype: 'text', text: { content: message.text, mentioned_list: mentioned, mentioned_mobile_list: [...message.mentionMobiles] } };
      let res: Response;
      try {
        res = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
      } catch (err) {
        return { ok: false, kind: 'retry', error: `request failed: ${err instanceof Error ? err.message : String(err)}` };
      }
      if (!res.ok) return { ok: false, kind: 'retry', error: `HTTP ${res.status}` };
      let reply: { errcode?: number; errmsg?: string };
      try {
        reply = (await res.json()) as typeof reply;
      } catch {
        return { ok: false, kind: 'retry', error: 'the reply was not JSON' };
      }
      if (reply.errcode === 0) return { ok: true };
      const error = `errcode ${String(reply.errcode)}: ${reply.errmsg ?? ''}`;
      if (reply.errcode === RATE_LIMITED) return { ok: false, kind: 'rate_limited', error };
      return { ok: false, kind: reply.errcode !== undefined && BAD_TARGET.has(reply.errcode) ? 'never' : 'retry', error };
    },
  };
}

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a robot accepted. */
export interface RobotMessage {
  key: string;
  content: string;
  mentionedList: string[];
  mentionedMobileList: string[];
  at: number;
}

/**
 * A local stand-in for WeCom's group-robot webhook (developer.work.weixin.qq.com/document/path/91770):
 * `POST /cgi-bin/webhook/send?key=KEY` with `{"msgtype":"text","text":{content, mentioned_list,
 * mentioned_mobile_list}}`, answered `{"errcode":0,"errmsg":"ok"}`. Keys must be registered
 * (else 93000); content over 2,048 bytes is 40058; over 20 messages a minute per key is 45009.
 * `now` is the clock the limit is counted on (the hub's test clock).
 */
export async function startWecomServer(now: () => number) {
  const keys = new Set<string>();
  const accepted: RobotMessage[] = [];
  const refusals: Array<{ key: string; errcode: number }> = [];
  /** Per key: the times of the requests it counted (WeCom counts every request). */
  const counted = new Map<string, number[]>();
  /** Keys that answer 45009 to their next request, whatever the count (a limit hit elsewhere). */
  const throttleNext = new Set<string>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const reply = (errcode: number, errmsg: string) => {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ errcode, errmsg }));
      };
      const url = new URL(req.url ?? '/', 'http://localhost');
      const key = url.searchParams.get('key') ?? '';
      if (req.method !== 'POST' || url.pathname !== '/cgi-bin/webhook/send') return void res.writeHead(404).end();
      if (!keys.has(key)) return (refusals.push({ key, errcode: 93000 }), reply(93000, 'invalid webhook url'));
      const times = (counted.get(key) ?? []).filter((t) => t > now() - 60_000);
      if (throttleNext.delete(key) || times.length >= 20) return (refusals.push({ key, errcode: 45009 }), reply(45009, 'api freq out of limit'));
      counted.set(key, [...times, now()]);
      let body: { msgtype?: string; text?: { content?: string; mentioned_list?: string[]; mentioned_mobile_list?: string[] } };
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof body;
      } catch {
        return reply(40001, 'invalid json');
      }
      if (body.msgtype !== 'text' || typeof body.text?.content !== 'string') return reply(40008, 'invalid message type');
      if (Buffer.byteLength(body.text.content, 'utf8') > 2048) return (refusals.push({ key, errcode: 40058 }), reply(40058, 'content exceed max length'));
      accepted.push({ key, content: body.text.content, mentionedList: body.text.mentioned_list ?? [], mentionedMobileList: body.text.mentioned_mobile_list ?? [], at: now() });
      reply(0, 'ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/cgi-bin/webhook/send`;
  return {
    base,
    accepted,
    refusals,
    /** A new robot; returns its webhook URL. */
    robot(key: string): string {
      keys.add(key);
      return `${base}?key=${key}`;
    },
    throttleNext: (key: string) => void throttleNext.add(key),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

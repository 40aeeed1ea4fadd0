import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { startHub, type Hub } from '../main.js';
import type { Config } from '../config.js';
import { createLogger } from '../infra/logger.js';
import { BOT_NAME, chatConsoleIntro } from '../texts/zh/index.js';

const SAY = `mutation Say($grid: String!, $from: String!, $text: String, $image: String, $location: PlaceInput) {
  simulateMessage(grid: $grid, from: $from, text: $text, image: $image, location: $location)
}`;

interface Location {
  latitude: number;
  longitude: number;
  name: string | null;
}

/** `/location 30.5612,104.0213 桂花堰社区服务中心`: coordinates, then an optional name. */
function parseLocation(args: string): Location {
  const m = /^(-?\d+(?:\.\d+)?)\s*[,，]\s*(-?\d+(?:\.\d+)?)\s*(.*)$/.exec(args.trim());
  if (!m) throw new Error('usage: /location LATITUDE,LONGITUDE [NAME]');
  return { latitude: Number(m[1]), longitude: Number(m[2]), name: m[3]!.trim() || null };
}

interface Target {
  url: string;
  token: string;
  hub: Hub | null;
}

/** The hub `npm start` runs on this machine (PORT, ADMIN_TOKEN or DATA_DIR/admin-token), if it answers. */
async function runningHub(cfg: Config): Promise<Target | null> {
  const file = join(resolve(cfg.dataDir), 'admin-token');
  const token = cfg.adminToken ?? (existsSync(file) ? readFileSync(file, 'utf8').trim() : null);
  if (!token) return null;
  const url = `http://127.0.0.1:${cfg.port}/graphql`;
  try {
    const res = await fetch(url.replace('/graphql', '/healthz'), { signal: AbortSignal.timeout(1500) });
    return res.ok ? { url, token, hub: null } : null;
  } catch {
    return null;
  }
}

async function say(t: Target, grid: string, from: string, text: string | null, image: string | null, location: Location | null = null): Promise<string[]> {
  const res = await fetch(t.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${t.token}` },
    body: JSON.stringify({ query: SAY, variables: { grid, from, text, image, location } }),
  });
  const body = (await res.json()) as { data?: { simulateMessage: string[] } | null; errors?: Array<{ message: string }> };
  if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join('; '));
  return body.data?.simulateMessage ?? [];
}

/**
 * `gridhub chat --grid CODE --as NAME` (demo mode): a console that speaks into the grid's mock
 * WeChat group as that member (or role word) and prints the bot's replies. It talks to the hub
 * running on this machine (`npm start`), or starts one in-process when none answers.
 * `/image FILE` sends a photo; `/location LAT,LNG [NAME]` a WeChat location; `/as NAME` changes
 * the speaker; `/quit` ends.
 */
export async function runChat(cfg: Config, grid: string, as: string): Promise<void> {
  let target = await runningHub(cfg);
  if (!target) {
    process.stderr.write('no hub answers on this machine: starting one in-process (demo mode)…\n');
    const hub = await startHub({ config: { ...cfg, port: 0, host: '127.0.0.1' }, log: createLogger(cfg.logLevel === 'info' ? 'warn' : cfg.logLevel) });
    target = { url: hub.url, token: cfg.adminToken ?? hub.adminToken!, hub };
  }
  let speaker = as;
  const prompt = () => `${grid.toUpperCase()} ${speaker}> `;
  const rl = createInterface({ input: process.stdin, output: process.stdout, prompt: prompt(), terminal: process.stdin.isTTY });
  if (process.stdin.isTTY) process.stdout.write(`${chatConsoleIntro(grid.toUpperCase(), speaker)}\n`);
  const interactive = Boolean(process.stdin.isTTY);
  if (interactive) rl.prompt();
  try {
    for await (const line of rl) {
      const text = line.trim();
      if (text === '/quit') break;
      try {
        let replies: string[] = [];
        if (text.startsWith('/as ')) speaker = text.slice(4).trim() || speaker;
        else if (text.startsWith('/image ')) replies = await say(target, grid, speaker, null, readFileSync(text.slice(7).trim()).toString('base64'));
        else if (text.startsWith('/location ')) replies = await say(target, grid, speaker, null, null, parseLocation(text.slice(10)));
        else if (text) replies = await say(target, grid, speaker, line, null);
        for (const r of replies) process.stdout.write(`${BOT_NAME}: ${r.replace(/\n/g, '\n          ')}\n`);
      } catch (err) {
        process.stderr.write(`gridhub chat: ${(err as Error).message}\n`);
      }
      rl.setPrompt(prompt());
      if (interactive) rl.prompt();
    }
  } finally {
    rl.close();
    await target.hub?.stop();
  }
}

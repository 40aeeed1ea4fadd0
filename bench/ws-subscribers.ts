/**
 * A child process holding graphql-ws subscribers for the instruction benchmark, so the
 * 10,000 client sockets do not share the hub's file-descriptor limit or event loop.
 * Parent → child: `{ url, n, query, headers }`, later `'report'` and `'close'`.
 * Child → parent: `'ready'`, then `{ arrivals }` (epoch milliseconds per subscriber, 0 = none).
 */
import { performance } from 'node:perf_hooks';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

interface Start {
  url: string;
  n: number;
  query: string;
  headers: Record<string, string>;
}

const now = () => performance.timeOrigin + performance.now();

async function main(start: Start): Promise<void> {
  const arrivals = new Array<number>(start.n).fill(0);
  const clients: Client[] = [];
  let got = 0;
  const open = (i: number, attempt = 0): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const c = createClient({ url: start.url, webSocketImpl: WebSocket, connectionParams: start.headers, retryAttempts: 0, lazy: false, on: { connected: () => resolve(), error: reject } });
      clients.push(c);
      c.subscribe({ query: start.query }, {
        next: () => {
          if (arrivals[i] === 0) {
            arrivals[i] = now();
            if (++got === start.n) process.send!({ arrivals });
          }
        },
        error: () => undefined,
        complete: () => undefined,
      });
    }).catch(async (err: unknown) => {
      if (attempt >= 3) throw new Error(`subscriber ${i} could not connect: ${String((err as { message?: string }).message ?? err)}`);
      await new Promise((r) => setTimeout(r, 200));
      return open(i, attempt + 1);
    });
  // Batches of 100: a larger burst overflows the listen backlog on a busy machine.
  for (let s = 0; s < start.n; s += 100) await Promise.all(Array.from({ length: Math.min(100, start.n - s) }, (_, k) => open(s + k)));
  process.on('message', (m) => {
    if (m === 'report') process.send!({ arrivals });
    if (m === 'close') {
      // dispose() is typed `void | Promise<void>`; a failure exits non-zero, as an unhandled rejection did.
      Promise.all(clients.map(async (c) => c.dispose())).then(
        () => process.exit(0),
        (err: unknown) => {
          console.error(err);
          process.exit(1);
        },
      );
    }
  });
  process.send!('ready');
}

process.once('message', (m: Start) => {
  main(m).catch((err: unknown) => {
    console.error(String(err));
    process.exit(1);
  });
});

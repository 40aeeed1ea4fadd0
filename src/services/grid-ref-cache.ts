import type { PubSub } from '../infra/pubsub.js';

/** What a report needs of its grid: the id, the code and the ltree path. */
export interface GridRef {
  readonly id: number;
  readonly code: string;
  readonly path: string;
}

/**
 * Grid refs by code, so a report does not read its grid through the ORM each time. Entries
 * are dropped when `gridChanged` says a grid moved or was deleted (through Redis, on every
 * instance), right away by the GridService that changed it, and after `ttlMs` in any case, so
 * a lost message cannot keep a stale entry. Unknown codes are never cached.
 */
export class GridRefCache {
  private readonly entries = new Map<string, { ref: GridRef; until: number }>();

  constructor(
    private readonly ttlMs = 30_000,
    private readonly max = 10_000,
  ) {}

  get(code: string): GridRef | null {
    const e = this.entries.get(code);
    if (!e) return null;
    if (e.until < performance.now()) {
      this.entries.delete(code);
      return null;
    }
    return e.ref;
  }

  set(ref: GridRef): void {
    // A Map iterates in insertion order: dropping the first key drops the oldest entry.
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(ref.code, { ref: { id: ref.id, code: ref.code, path: ref.path }, until: performance.now() + this.ttlMs });
  }

  forget(code: string): void {
    this.entries.delete(code);
  }
}

const caches = new WeakMap<PubSub, GridRefCache>();

/** The process-wide cache for the hub whose pub/sub this is; it listens to `gridChanged`. */
export function gridRefCacheFor(pubsub: PubSub): GridRefCache {
  const cache = caches.get(pubsub);
  if (cache) return cache;
  const created = new GridRefCache();
  caches.set(pubsub, created);
  const changes = pubsub.subscribe('gridChanged', '');
  void (async () => {
    for await (const e of changes) if (e.kind === 'MOVED' || e.kind === 'DELETED') created.forget(e.code);
  })().catch(() => {
    // The feed ended (shutdown, Redis gone): no cache can be trusted without it.
    caches.delete(pubsub);
  });
  return created;
}

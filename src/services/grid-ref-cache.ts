import type { Repeater } from '@repeaterjs/repeater';
import type { GridChangedEvent, PubSub } from '../infra/pubsub.js';

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
 * a lost message cannot keep a stale entry. Unknown codes are never cached. One per hub, built
 * and closed by the composition root: it listens to `gridChanged` from construction to `close`.
 */
export class GridRefCache {
  private readonly entries = new Map<string, { ref: GridRef; until: number }>();
  private readonly changes: Repeater<GridChangedEvent>;
  private readonly following: Promise<void>;
  /** False once the feed ended: without it no entry can be trusted, so nothing is served. */
  private trusted = true;

  constructor(
    pubsub: PubSub,
    private readonly ttlMs = 30_000,
    private readonly max = 10_000,
  ) {
    const changes = (this.changes = pubsub.subscribe('gridChanged', ''));
    this.following = (async () => {
      for await (const e of changes) if (e.kind === 'MOVED' || e.kind === 'DELETED') this.forget(e.code);
    })()
      .catch(() => {
        // The feed failed (Redis gone): fall through to the database from now on.
      })
      .finally(() => {
        this.trusted = false;
        this.entries.clear();
      });
  }

  /** Stops following `gridChanged`; the cache serves nothing afterwards. */
  async close(): Promise<void> {
    await this.changes.return(undefined);
    await this.following;
  }

  get(code: string): GridRef | null {
    if (!this.trusted) return null;
    const e = this.entries.get(code);
    if (!e) return null;
    if (e.until < performance.now()) {
      this.entries.delete(code);
      return null;
    }
    return e.ref;
  }

  set(ref: GridRef): void {
    if (!this.trusted) return;
    // A Map iterates in insertion order: dropping the first key drops the oldest entry.
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(ref.code, { ref: { id: ref.id, code: ref.code, path: ref.path }, until: performance.now() + this.ttlMs });
  }

  forget(code: string): void {
    this.entries.delete(code);
  }
}

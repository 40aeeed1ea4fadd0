import { existsSync } from 'node:fs';
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from './logger.js';

/** What `take` hands out: the items spooled so far, and `done` to drop them once they are safe elsewhere. */
export interface SpoolBatch<T> {
  readonly items: readonly T[];
  done(): Promise<void>;
}

/**
 * An append-only file of JSON lines for what must not be lost while the database is away
 * (the bot's inbox spools messages it could not store). `append` resolves only after the
 * line is on disk (fsync), so a crash right after loses nothing. `take` moves the file aside
 * and reads it; the taken file stays until `done`, so a crash while the items are replayed
 * replays them again at the next `take` (replaying must therefore be idempotent). Appends and
 * takes of one spool run one at a time.
 */
export class Spool<T> {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    readonly file: string,
    private readonly log: Logger,
  ) {}

  /** Whether anything waits to be taken (cheap: two stat calls). */
  get pending(): boolean {
    return existsSync(this.file) || existsSync(this.taken);
  }

  append(item: T): Promise<void> {
    return this.serial(async () => {
      await mkdir(dirname(this.file), { recursive: true });
      const fh = await open(this.file, 'a', 0o600);
      try {
        await fh.write(`${JSON.stringify(item)}\n`);
        await fh.sync();
      } finally {
        await fh.close();
      }
    });
  }

  /** Everything spooled so far (a batch a crash left behind first), or null when nothing is. */
  take(): Promise<SpoolBatch<T> | null> {
    return this.serial(async () => {
      if (!existsSync(this.taken)) {
        if (!existsSync(this.file)) return null;
        await rename(this.file, this.taken);
      }
      const items = this.parse(await readFile(this.taken, 'utf8'));
      return {
        items,
        done: () =>
          this.serial(async () => {
            await unlink(this.taken).catch((err: NodeJS.ErrnoException) => {
              if (err.code !== 'ENOENT') throw err;
            });
          }),
      };
    });
  }

  private get taken(): string {
    return `${this.file}.taken`;
  }

  private parse(text: string): T[] {
    const items: T[] = [];
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        items.push(JSON.parse(line) as T);
      } catch {
        // Only a crash in the middle of an append leaves a torn line, and that append never resolved.
        this.log.warn({ component: 'spool', file: this.file, line: line.slice(0, 200) }, 'skipped a torn spool line');
      }
    }
    return items;
  }

  private serial<R>(fn: () => Promise<R>): Promise<R> {
    const next = this.chain.then(fn);
    this.chain = next.catch(() => undefined);
    return next;
  }
}

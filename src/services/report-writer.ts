import type { EntityManager } from '@mikro-orm/postgresql';
import { formatCode } from '../domain/codes.js';
import { query } from '../repositories/sql.js';

/** One report, validated and ready to store. */
export interface PendingReport {
  day: string;
  gridId: number;
  path: string;
  reporterId: number | null;
  description: string;
  category: string;
  urgent: boolean;
  location: string | null;
  colour: string | null;
  deadlineAt: Date;
  at: Date;
  actorRole: string;
  photos: string[];
  /** Idempotency key of the channel that sent it (see IncidentEntity.sourceKey). */
  sourceKey: string | null;
}

interface Waiting {
  report: PendingReport;
  resolve: (code: string) => void;
  reject: (err: unknown) => void;
}

const MAX_BATCH = 500;

/**
 * Group commit for reports. Gap-free day codes need one counter row per day, whose lock lasts
 * until commit; taking it once per report limits ingest to one commit at a time. The writer
 * stores every report waiting at that moment in one transaction: the counter moves by the
 * batch size, incidents and their first timeline entries go in as two bulk inserts.
 */
export class ReportWriter {
  private queue: Waiting[] = [];
  private flushing = false;

  constructor(private readonly em: EntityManager) {}

  submit(report: PendingReport): Promise<string> {
    return new Promise((resolve, reject) => {
      this.queue.push({ report, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length) {
        const batch = this.queue.splice(0, MAX_BATCH);
        try {
          const codes = await this.store(batch.map((w) => w.report));
          batch.forEach((w, i) => w.resolve(codes[i]!));
        } catch (err) {
          for (const w of batch) w.reject(err);
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  private async store(reports: PendingReport[]): Promise<string[]> {
    return this.em.fork().transactional(async (tx) => {
      const codes: string[] = new Array<string>(reports.length);
      const days = [...new Set(reports.map((r) => r.day))].sort();
      for (const day of days) {
        const idx = reports.flatMap((r, i) => (r.day === day ? [i] : []));
        const [row] = await query<{ last: number }>(
          tx,
          `insert into incident_day_seq (day, last) values (?, ?) on conflict (day) do update set last = incident_day_seq.last + excluded.last returning last`,
          [day, idx.length],
        );
        const first = row!.last - idx.length + 1;
        idx.forEach((i, k) => (codes[i] = formatCode('E', day, first + k)));
      }
      const values: unknown[] = [];
      const tuples = reports.map((r, i) => {
        values.push(codes[i], r.gridId, r.path, r.reporterId, r.description, r.category, r.urgent, r.location, r.colour, r.deadlineAt, r.at, r.at, r.sourceKey);
        return `(?, ?, ?::ltree, ?, ?, ?, ?, ?, 'reported', ?, ?, ?, ?, ?)`;
      });
      const ids = await query<{ id: number; code: string }>(
        tx,
        `insert into incident (code, grid_id, path, reporter_id, description, category, urgent, location, status, dispute_colour, deadline_at, created_at, updated_at, source_key)
         values ${tuples.join(', ')} returning id, code`,
        values,
      );
      const idOf = new Map(ids.map((r) => [r.code, r.id]));
      const ev: unknown[] = [];
      const evTuples = reports.map((r, i) => {
        ev.push(idOf.get(codes[i]!), r.actorRole, r.reporterId, r.description, JSON.stringify(r.photos), r.at);
        return `(?, 'report', null, 'reported', ?, ?, ?, ?::jsonb, ?)`;
      });
      await query(tx, `insert into incident_event (incident_id, event, from_state, to_state, actor_role, actor_member_id, note, photos, at) values ${evTuples.join(', ')}`, ev);
      return codes;
    });
  }
}

const writers = new WeakMap<object, ReportWriter>();

/** The process-wide writer for a database (entity managers forked from one ORM share it). */
export function reportWriterFor(em: EntityManager): ReportWriter {
  const key = em.getDriver();
  let w = writers.get(key);
  if (!w) writers.set(key, (w = new ReportWriter(em.fork())));
  return w;
}

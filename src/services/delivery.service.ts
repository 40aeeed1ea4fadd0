import type { Actor } from '../domain/actor.js';
import { DomainError } from '../domain/errors.js';
import { PAGE_LIMITS, pageSize } from '../domain/paging.js';
import { query } from '../repositories/sql.js';
import type { ServiceDeps } from './context.js';
import { GridService } from './grid.service.js';

export interface DeliveryRow {
  id: string;
  roomId: string;
  gridCode: string | null;
  kind: string;
  ref: string | null;
  text: string;
  status: string;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  sentAt: Date | null;
}

const STATUSES = new Set(['pending', 'sent', 'failed']);

/** What the bot has queued and sent, for the groups of grids in the actor's subtree. */
export class DeliveryService {
  constructor(private readonly deps: ServiceDeps) {}

  async list(actor: Actor, filter: { under?: string | null; ref?: string | null; status?: string | null }, first: number): Promise<DeliveryRow[]> {
    pageSize(first, PAGE_LIMITS.rows);
    if (filter.status && !STATUSES.has(filter.status)) throw new DomainError('BAD_USER_INPUT', `status must be one of ${[...STATUSES].join(', ')}`);
    const scopePath = await new GridService(this.deps).scopePath(actor, filter.under);
    const where: string[] = [];
    const params: unknown[] = [];
    // Messages to groups not bound to a grid (replies there) are the operator's to see.
    if (scopePath) {
      where.push('g.path <@ ?::ltree');
      params.push(scopePath);
    }
    if (filter.ref) {
      where.push('o.ref = ?');
      params.push(filter.ref.trim().toUpperCase());
    }
    if (filter.status) {
      where.push('o.status = ?');
      params.push(filter.status);
    }
    params.push(first);
    const rows = await query<{ id: string; room_id: string; code: string | null; kind: string; ref: string | null; text: string; status: string; attempts: number; last_error: string | null; created_at: Date; sent_at: Date | null }>(
      this.deps.em,
      `select o.id, o.room_id, g.code, o.kind, o.ref, o.text, o.status, o.attempts, o.last_error, o.created_at, o.sent_at
       from outbox_message o left join grid g on g.id = o.grid_id
       ${where.length ? `where ${where.join(' and ')}` : ''} order by o.id desc limit ?`,
      params,
    );
    return rows.map((r) => ({ id: String(r.id), roomId: r.room_id, gridCode: r.code, kind: r.kind, ref: r.ref, text: r.text, status: r.status, attempts: r.attempts, lastError: r.last_error, createdAt: r.created_at, sentAt: r.sent_at }));
  }
}

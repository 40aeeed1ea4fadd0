import type { Actor } from '../domain/actor.js';
import { DomainError } from '../domain/errors.js';
import { PAGE_LIMITS, pageSize } from '../domain/paging.js';
import { OutboxRepository, type DeliveryRow } from '../repositories/outbox.repository.js';
import type { ServiceDeps } from './context.js';
import type { GridService } from './grid.service.js';

export type { DeliveryRow };

const STATUSES = new Set(['pending', 'sent', 'failed', 'undeliverable']);

/** What the bot has queued and sent, for the groups of grids in the actor's subtree. */
export class DeliveryService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly grids: GridService,
  ) {}

  async list(actor: Actor, filter: { under?: string | null; ref?: string | null; status?: string | null }, first: number): Promise<DeliveryRow[]> {
    pageSize(first, PAGE_LIMITS.rows);
    if (filter.status && !STATUSES.has(filter.status)) throw new DomainError('BAD_USER_INPUT', `status must be one of ${[...STATUSES].join(', ')}`);
    const scopePath = await this.grids.scopePath(actor, filter.under);
    // Messages to groups not bound to a grid (replies there) are the operator's to see.
    return new OutboxRepository(this.deps.em).deliveries({ scopePath, ref: filter.ref ? filter.ref.trim().toUpperCase() : null, status: filter.status || null }, first);
  }
}

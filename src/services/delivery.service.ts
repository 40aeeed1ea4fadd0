import type { Actor } from '../domain/actor.js';
import { DomainError } from '../domain/errors.js';
import { OutboxRepository, type DeliveryRow } from '../repositories/outbox.repository.js';
import type { ServiceDeps } from './context.js';
import type { GridService } from './grid.service.js';

export type { DeliveryRow };

const STATUSES = new Set(['pending', 'sent', 'failed']);
const MAX_PAGE = 200;

/** What the bot has queued and sent, for the groups of grids in the actor's subtree. */
export class DeliveryService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly grids: GridService,
  ) {}

  async list(actor: Actor, filter: { under?: string | null; ref?: string | null; status?: string | null }, first: number): Promise<DeliveryRow[]> {
    if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE) throw new DomainError('BAD_USER_INPUT', `first must be between 1 and ${MAX_PAGE}`);
    if (filter.status && !STATUSES.has(filter.status)) throw new DomainError('BAD_USER_INPUT', `status must be one of ${[...STATUSES].join(', ')}`);
    const scopePath = await this.grids.scopePath(actor, filter.under);
    // Messages to groups not bound to a grid (replies there) are the operator's to see.
    return new OutboxRepository(this.deps.em).deliveries({ scopePath, ref: filter.ref ? filter.ref.trim().toUpperCase() : null, status: filter.status || null }, first);
  }
}

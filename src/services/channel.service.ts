import type { Actor } from '../domain/actor.js';
import { DomainError } from '../domain/errors.js';
import { PAGE_LIMITS, pageSize } from '../domain/paging.js';
import type { Channel } from '../channels/channel.port.js';
import { wecomChannel } from '../channels/wecom.channel.js';
import { secretBox } from '../infra/secret-box.js';
import { ChannelRepository, type GridChannelRow } from '../repositories/channel.repository.js';
import type { ServiceDeps } from './context.js';
import { DeliveryLedger } from './delivery-ledger.service.js';
import { assertMay, type GridService } from './grid.service.js';

export type { GridChannelRow };

/** The second channels a grid can have, by kind (channels/channel.port.ts). */
export const channelsOf = (deps: Pick<ServiceDeps, 'config'>): Readonly<Record<string, Channel>> => ({ wecom: wecomChannel(deps.config.channels.wecomWebhookUrl) });

/**
 * Grids' second channels (a WeCom robot besides the WeChat group): set and cleared by admins and
 * commanders inside their subtree, like group bindings; the target is sealed at rest and only a
 * masked hint is ever shown.
 */
export class ChannelService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly grids: GridService,
  ) {}

  /** Sets grid `code`'s WeCom robot webhook, or clears it when `url` is null (its pending messages fail; grids they were to tell become unreachable). */
  async setWecomWebhook(actor: Actor, code: string, url: string | null): Promise<GridChannelRow | null> {
    assertMay(actor, 'group.bind');
    const grid = await this.grids.get(actor, code);
    const channel = channelsOf(this.deps)['wecom']!;
    const repo = new ChannelRepository(this.deps.em);
    const now = this.deps.clock.now();
    if (url === null) {
      const tell = await this.deps.em.transactional(async (tx) => {
        const failed = await new ChannelRepository(tx).remove(grid.id, channel.kind, 'the grid’s webhook was removed');
        if (failed === null) throw new DomainError('NOT_FOUND', `grid ${grid.code} has no WeCom webhook`);
        return new DeliveryLedger(this.deps).channelFailed(tx, failed);
      });
      tell();
      return null;
    }
    const { target, hint } = channel.validate(url);
    await repo.upsert(grid.id, channel.kind, secretBox(this.deps.config.channels.secretKey).seal(target), hint, actor.memberId, now);
    const [row] = await repo.list(grid.path, 1);
    return row ?? null;
  }

  /** The grids under `under` (default the actor's subtree) that have a second channel, with their message counts. */
  async list(actor: Actor, under: string | null, first: number): Promise<GridChannelRow[]> {
    assertMay(actor, 'group.bind');
    pageSize(first, PAGE_LIMITS.rows);
    return new ChannelRepository(this.deps.em).list(await this.grids.scopePath(actor, under), first);
  }
}

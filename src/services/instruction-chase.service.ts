import { gridDeadline } from '../domain/delivery.js';
import { CHASE_STAGES, stageDue, type ChaseStage } from '../domain/instruction-chase.js';
import { ChannelRepository } from '../repositories/channel.repository.js';
import { channelParts, FALLBACK_CHANNEL } from './delivery-ledger.service.js';
import { instructionReminderText, overdueListText } from '../texts/zh/index.js';
import { InstructionRepository, type ChaseCandidate, type ChasedReceipt } from '../repositories/instruction.repository.js';
import { OutboxRepository, type OutboxDraft } from '../repositories/outbox.repository.js';
import type { ServiceDeps } from './context.js';
import { MESSAGE_LANES, priorityOf } from '../domain/delivery-lanes.js';

export interface ChaseResult {
  code: string;
  stage: ChaseStage['name'];
  /** Silent grids claimed by the stage. */
  grids: number;
  /** Messages queued (reminders to the grids' groups, or lists to their parents' groups). */
  messages: number;
}

/**
 * Chases the silent (docs/domain-rules.md#instructions): runs every due stage of {@link CHASE_STAGES} for every active
 * instruction. A stage claims its receipts with one UPDATE whose column is the guard, and its
 * messages carry unique dedupe keys, so with two instances every reminder is sent once.
 */
export class InstructionChaseService {
  constructor(private readonly deps: ServiceDeps) {}

  /** Walks every active instruction, `batch` at a time, so a backlog of old ones never hides a new urgent one. */
  async run(now: Date, batch = 200): Promise<ChaseResult[]> {
    const results: ChaseResult[] = [];
    const repo = new InstructionRepository(this.deps.em);
    for (let afterId = 0; ; ) {
      const page = await repo.chaseCandidates(batch, afterId);
      for (const i of page) results.push(...(await this.chase(i, now)));
      if (page.length < batch) return results;
      afterId = page[page.length - 1]!.id;
    }
  }

  private async chase(i: ChaseCandidate, now: Date): Promise<ChaseResult[]> {
    const results: ChaseResult[] = [];
    const tz = this.deps.config.timeZone;
    for (const stage of CHASE_STAGES) {
      const deadline = stage.duty === 'ack' ? i.ack_deadline_at : i.result_deadline_at;
      if (i.chased.includes(stage.name) || !stageDue(stage, i.issued_at, deadline, now)) continue;
      const result = await this.deps.em.transactional(async (tx) => {
        const repo = new InstructionRepository(tx);
        const claimed = await repo.claimStage(i.id, stage, now);
        if (!claimed.length) return null;
        const drafts: OutboxDraft[] = [];
        if (stage.action === 'remind') {
          // Each grid is reminded of its own deadline: its window started when it was told.
          const told = new Map(claimed.map((c) => [c.gridId, c.deliveredAt]));
          const chiefs = await repo.chiefsOf(claimed.map((c) => c.gridId));
          for (const c of claimed) {
            const own = gridDeadline(i.issued_at, deadline, told.get(c.gridId) ?? null) ?? deadline;
            drafts.push({ gridId: c.gridId, text: instructionReminderText(i.code, i.title, stage.duty, own, now, tz), dedupeKey: `${i.code}:${stage.name}:${c.gridId}`, kind: 'reminder', priority: priorityOf(MESSAGE_LANES.instructionReminder), ref: i.code, mentionMemberIds: chiefs.get(c.gridId) ?? [] });
          }
        } else {
          const byParent = new Map<number, ChasedReceipt[]>();
          for (const c of claimed) if (c.parentId !== null) byParent.set(c.parentId, [...(byParent.get(c.parentId) ?? []), c]);
          const chiefs = await repo.chiefsOf([...byParent.keys()]);
          for (const [parentId, list] of byParent) {
            drafts.push({
              gridId: parentId,
              text: overdueListText(i.code, i.title, stage.duty, list.map((c) => c.name)),
              dedupeKey: `${i.code}:${stage.name}:${parentId}`,
              kind: 'reminder',
              priority: priorityOf(MESSAGE_LANES.instructionReminder),
              ref: i.code,
              mentionMemberIds: chiefs.get(parentId) ?? [],
            });
          }
        }
        const messages = await new OutboxRepository(tx).enqueueForGrids(drafts, now);
        // Grids (or parents) without a WeChat group hear it through their second channel.
        await new ChannelRepository(tx).enqueue(FALLBACK_CHANNEL, drafts.flatMap((d) => channelParts(FALLBACK_CHANNEL, { ...d, ref: d.ref ?? null })), now, true);
        return { code: i.code, stage: stage.name, grids: claimed.length, messages };
      });
      if (!result) continue;
      results.push(result);
      if (stage.action === 'overdue') this.deps.pubsub.publish('instructionChanged', { path: i.scope_path, code: i.code, kind: 'overdue', at: now.toISOString() });
    }
    return results;
  }
}

import { dueActions, periodsToOpen, type RoundAction } from '../domain/clearance-periods.js';
import { clearanceReminderText, missedListText, rollCallText } from '../texts/zh/index.js';
import { ClearanceRepository, type RoundRow } from '../repositories/clearance.repository.js';
import { OutboxRepository, type OutboxDraft } from '../repositories/outbox.repository.js';
import { timesOf, type ClearanceService } from './clearance.service.js';
import type { ServiceDeps } from './context.js';
import { MESSAGE_LANES, priorityOf } from '../domain/delivery-lanes.js';

/** What one tick did, for the log and the tests. */
export interface ClearanceTickResult {
  /** Rounds this tick opened (codes), caught-up ones included. */
  opened: string[];
  /** Of those, rounds opened more than a tick after their period began, after earlier rounds (an outage). */
  caughtUp: string[];
  /** Messages queued: roll-calls, reminders to silent grids, missed lists to parent grids. */
  rollCalls: number;
  reminders: number;
  missedLists: number;
  /** Slots marked missed. */
  missed: number;
}

/** A round opened this long after its period began was missed while no instance ran. */
const CATCH_UP_AFTER_MS = 2 * 60_000;

/**
 * The clearance schedule, driven by a job tick with the time injected: open each period's
 * round (and any a downtime skipped), post the roll-call, remind the silent before the deadline,
 * mark them missed at it and tell their parent grid's chief. Every step is claimed by a
 * once-only stamp on the round in the transaction that queues its messages (with dedupe keys),
 * so two instances never do it twice, whatever the lock does.
 */
export class ClearanceScheduleService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly clearance: ClearanceService,
  ) {}

  async tick(now: Date): Promise<ClearanceTickResult> {
    const result: ClearanceTickResult = { opened: [], caughtUp: [], rollCalls: 0, reminders: 0, missedLists: 0, missed: 0 };
    const repo = new ClearanceRepository(this.deps.em);
    for (const period of this.deps.config.clearance.periods) {
      const latest = await repo.latestKey(period);
      for (const w of periodsToOpen(period, latest, now, this.deps.config.timeZone)) {
        const { created } = await this.clearance.open(w, now);
        if (!created) continue;
        result.opened.push(w.code);
        // On a fresh database the first round simply opens mid-period; after that, lateness means an outage.
        if (latest !== null && now.getTime() - w.start.getTime() > CATCH_UP_AFTER_MS) result.caughtUp.push(w.code);
      }
    }
    if (result.caughtUp.length) this.deps.log.warn({ rounds: result.caughtUp }, 'clearance rounds caught up after an outage');
    for (const round of await repo.unclosed()) {
      const state = { rollCallSent: round.rollCallSentAt !== null, reminded: round.remindedAt !== null, closed: round.closedAt !== null };
      for (const action of dueActions(round, state, now)) await this.act(action, round, now, result);
    }
    return result;
  }

  private async act(action: RoundAction, round: RoundRow, now: Date, result: ClearanceTickResult): Promise<void> {
    switch (action) {
      case 'rollcall':
        result.rollCalls += await this.rollCall(round, now);
        return;
      case 'remind':
        result.reminders += await this.remind(round, now);
        return;
      case 'close': {
        const { lists, missed } = await this.close(round, now);
        result.missedLists += lists;
        result.missed += missed;
        return;
      }
    }
  }

  /** The roll-call to each still-silent grid's group, with that grid's own summary of the period. */
  private async rollCall(round: RoundRow, now: Date): Promise<number> {
    const times = timesOf(round, this.clearance.firstDay(round));
    return this.deps.em.transactional(async (tx) => {
      const repo = new ClearanceRepository(tx);
      if (!(await repo.claim(round.id, 'roll_call_sent_at', now))) return 0;
      const grids = await repo.pendingSummaries(round.id, round.startsAt, now);
      const drafts: OutboxDraft[] = grids.map((g) => ({
        gridId: g.gridId,
        text: rollCallText(times, g, g, this.deps.config.timeZone),
        dedupeKey: `clearance:rollcall:${round.code}:${g.gridId}`,
        kind: 'rollcall',
        priority: priorityOf(MESSAGE_LANES.rollcall),
        ref: round.code,
      }));
      return new OutboxRepository(tx).enqueueForGrids(drafts, now);
    });
  }

  /** Before the deadline: @-mention the chiefs of each grid that has not answered. */
  private async remind(round: RoundRow, now: Date): Promise<number> {
    const times = timesOf(round, this.clearance.firstDay(round));
    return this.deps.em.transactional(async (tx) => {
      const repo = new ClearanceRepository(tx);
      if (!(await repo.claim(round.id, 'reminded_at', now))) return 0;
      const drafts: OutboxDraft[] = (await repo.silent(round.id)).map((g) => ({
        gridId: g.gridId,
        text: clearanceReminderText(times, g, this.deps.config.timeZone),
        dedupeKey: `clearance:remind:${round.code}:${g.gridId}`,
        kind: 'reminder',
        priority: priorityOf(MESSAGE_LANES.clearanceReminder),
        ref: round.code,
        mentionMemberIds: g.chiefIds,
      }));
      return new OutboxRepository(tx).enqueueForGrids(drafts, now);
    });
  }

  /** At the deadline: the silent are marked missed and each parent grid's chief gets the list. */
  private async close(round: RoundRow, now: Date): Promise<{ lists: number; missed: number }> {
    const times = timesOf(round, this.clearance.firstDay(round));
    const done = await this.deps.em.transactional(async (tx) => {
      const repo = new ClearanceRepository(tx);
      if (!(await repo.claim(round.id, 'closed_at', now))) return null;
      const parents = await repo.markMissed(round.id, now);
      const drafts: OutboxDraft[] = parents.map((p) => ({
        gridId: p.gridId,
        text: missedListText(times, p, p.missed, this.deps.config.timeZone),
        dedupeKey: `clearance:missed:${round.code}:${p.gridId}`,
        kind: 'missed',
        priority: priorityOf(MESSAGE_LANES.missedSummary),
        ref: round.code,
        mentionMemberIds: p.chiefIds,
      }));
      return { lists: await new OutboxRepository(tx).enqueueForGrids(drafts, now), missed: parents.reduce((n, p) => n + p.missed.length, 0) };
    });
    if (!done) return { lists: 0, missed: 0 };
    this.clearance.publish({ path: '', period: round.period, round: round.code, kind: 'missed', grid: null, at: now.toISOString() });
    return done;
  }
}

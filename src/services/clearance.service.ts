import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../domain/actor.js';
import { isLate, periodAt, periodOfDate, roundTimes, type ClearancePeriod, type PeriodWindow, type RoundTimes } from '../domain/clearance-periods.js';
import type { ConfirmationOutcome } from '../domain/clearance-record.js';
import { clearanceRecord, mayConfirm, CONFIRM_ROLES, type ClearanceRecord } from '../domain/clearance-record.js';
import { DomainError } from '../domain/errors.js';
import { filter, pipe } from '@graphql-yoga/subscription';
import { isWithin } from '../domain/grid-levels.js';
import type { ClearanceChangedEvent } from '../infra/pubsub.js';
import { ClearanceRepository, type ChildProgress, type ProgressCounts, type RoundRow, type SlotRow } from '../repositories/clearance.repository.js';
import type { SlotStatus } from '../domain/clearance-record.js';
import { PAGE_LIMITS, pageSize } from '../domain/paging.js';
import type { ServiceDeps } from './context.js';
import { GridService } from './grid.service.js';

export interface ConfirmClearanceInput {
  /** The grid answering; default the actor's own grid. */
  grid?: string | null;
  period: ClearancePeriod;
  note?: string | null;
  zeroReport: boolean;
  /** Where the answer came from: `graphql` or `bot`. */
  source: string;
}

export interface ConfirmClearanceResult extends ConfirmationOutcome {
  readonly round: RoundRow;
  readonly slot: SlotRow;
}

/** A round as one scope sees it: the same for every subscriber of that scope and period. */
export interface RoundView {
  readonly round: RoundRow;
  readonly scopePath: string;
  readonly progress: ProgressCounts;
  readonly children: ChildProgress[];
}

export interface GridRecord extends ClearanceRecord {
  readonly gridCode: string;
  readonly period: ClearancePeriod;
  readonly entries: Array<SlotRow & { roundCode: string; firstDay: Date; deadlineAt: Date }>;
}

const MAX_NOTE = 2000;

/** The round's times as the domain knows them, from its stored row. */
export const timesOf = (r: RoundRow, firstDay: string): RoundTimes => ({
  period: r.period,
  key: r.key,
  code: r.code,
  start: r.startsAt,
  end: r.endsAt,
  firstDay,
  rollCallAt: r.rollCallAt,
  remindAt: r.remindAt,
  deadlineAt: r.deadlineAt,
});

/**
 * Clearance (日清、周清、月清, docs/domain-rules.md#clearance): rounds, the answers to them (GraphQL and the bot call
 * `confirm`), live progress under a scope, and each grid's record for the assessment.
 */
/** At most one clearance progress push per scope and period per this many milliseconds. */
const PROGRESS_PUSH_INTERVAL_MS = 1000;

export class ClearanceService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly grids: GridService,
  ) {}

  /** The same service over a fresh entity manager: a live feed outlives any one unit of work. */
  private fresh(): ClearanceService {
    const deps = { ...this.deps, em: this.deps.em.fork() };
    return new ClearanceService(deps, new GridService(deps));
  }

  private repo(em: EntityManager = this.deps.em) {
    return new ClearanceRepository(em);
  }

  private get zone() {
    return this.deps.config.timeZone;
  }

  /** The first day (`YYYY-MM-DD`) of a stored round, in the grid time zone. */
  firstDay(r: RoundRow): string {
    return periodAt(r.period, r.startsAt, this.zone).firstDay;
  }

  private assertRun(period: ClearancePeriod): void {
    if (!this.deps.config.clearance.periods.includes(period)) {
      throw new DomainError('BAD_USER_INPUT', `${period} clearance rounds are not run here (CLEARANCE_PERIODS)`, { reason: 'PERIOD_NOT_RUN', period });
    }
  }

  /**
   * Opens the round of period `w` with a slot per grid at the configured levels, once: the
   * scheduler, a catch-up and the first answer of a period may all call it.
   */
  async open(w: PeriodWindow, now: Date, em: EntityManager = this.deps.em): Promise<{ round: RoundRow; created: boolean; targets: number }> {
    const times = roundTimes(w, this.deps.config.clearance, this.zone);
    const opened = await em.transactional((tx) => this.repo(tx).open(times, this.deps.config.clearance.levels, now));
    if (opened.created) this.publish({ path: '', period: w.period, round: w.code, kind: 'opened', grid: null, at: now.toISOString() });
    return opened;
  }

  /**
   * A grid answers the current round of `period` (#日清 …, #零报告, or `confirmClearance`). Any
   * time in the period counts; after the deadline it is marked late. A zero report from a grid
   * with open overdue incidents is accepted and flagged with their codes. A repeat changes nothing.
   */
  async confirm(actor: Actor, input: ConfirmClearanceInput): Promise<ConfirmClearanceResult> {
    if (!mayConfirm(actor.role)) {
      throw new DomainError('FORBIDDEN', `role ${actor.role} may not confirm clearance; allowed: ${CONFIRM_ROLES.join(', ')}`, { reason: 'ROLE_MAY_NOT_CONFIRM', role: actor.role, period: input.period });
    }
    this.assertRun(input.period);
    const note = input.note?.trim() || null;
    if (note && note.length > MAX_NOTE) throw new DomainError('BAD_USER_INPUT', `note must be at most ${MAX_NOTE} characters`);
    const code = input.grid ?? actor.gridCode;
    if (!code) throw new DomainError('BAD_USER_INPUT', 'name the grid that confirms');
    const grid = await this.grids.get(actor, code);
    const now = this.deps.clock.now();
    const { round } = await this.open(periodAt(input.period, now, this.zone), now);
    const result = await this.deps.em.transactional(async (tx) => {
      const repo = this.repo(tx);
      const slot = await repo.slotForUpdate(round.id, grid.id);
      if (!slot) {
        const levels = this.deps.config.clearance.levels;
        throw new DomainError('BAD_USER_INPUT', `${grid.code} is not asked for ${input.period} clearance: grids at levels ${levels.join(', ')} confirm it`, {
          reason: 'GRID_NOT_IN_ROUND',
          grid: grid.code,
          period: input.period,
          levels,
        });
      }
      if (slot.status === 'confirmed') return { slot, changed: false };
      const late = isLate(now, round.deadlineAt);
      const flaggedCodes = input.zeroReport ? await repo.overdueCodes(grid.path, now) : [];
      const answer = { zeroReport: input.zeroReport, late, note, flaggedCodes, at: now, memberId: actor.memberId, role: actor.role, source: input.source };
      await repo.confirm(slot.id, answer);
      return { slot: { ...slot, status: 'confirmed' as const, zeroReport: input.zeroReport, late, note, flaggedCodes, confirmedAt: now }, changed: true };
    });
    if (result.changed) this.publish({ path: grid.path, period: input.period, round: round.code, kind: 'confirmed', grid: grid.code, at: now.toISOString() });
    const { slot } = result;
    return {
      round,
      slot,
      period: input.period,
      gridCode: grid.code,
      zeroReport: slot.zeroReport,
      late: slot.late,
      flaggedCodes: slot.flaggedCodes,
      alreadyConfirmedAt: result.changed ? null : slot.confirmedAt,
      deadlineAt: round.deadlineAt,
    };
  }

  /** The round of `period` covering `date` (default today), as seen under `scope`; null when not opened. */
  async round(actor: Actor, period: ClearancePeriod, date: string | null, scope: string | null): Promise<RoundView | null> {
    const scopePath = await this.grids.scopePath(actor, scope);
    const w = date ? periodOfDate(period, date, this.zone) : periodAt(period, this.deps.clock.now(), this.zone);
    return this.view(period, w.key, scopePath);
  }

  /**
   * The current round of `period` under `scope` (default the actor's subtree): at once, then
   * again after a related change, at most once a second; computed once per period and scope in
   * this hub. Related: the event's path lies under the scope or contains it (a round opened or
   * closed for the whole tree).
   */
  async watchProgress(actor: Actor, period: ClearancePeriod, scope: string | null): Promise<AsyncIterable<RoundView | null>> {
    const path = await this.grids.scopePath(actor, scope);
    return this.deps.feeds.watch(`clearance|${period}|${path}`, {
      when: () =>
        pipe(
          this.deps.pubsub.subscribe('clearanceChanged', ''),
          filter((e: ClearanceChangedEvent) => e.period === period && (isWithin(e.path, path) || isWithin(path, e.path))),
        ),
      coalesceMs: PROGRESS_PUSH_INTERVAL_MS,
      // A fresh entity manager per push: the feed outlives any one.
      compute: () => this.fresh().currentView(period, path),
    });
  }

  /** The current round of `period` under an already-checked scope path. */
  async currentView(period: ClearancePeriod, scopePath: string): Promise<RoundView | null> {
    return this.view(period, periodAt(period, this.deps.clock.now(), this.zone).key, scopePath);
  }

  private async view(period: ClearancePeriod, key: string, scopePath: string): Promise<RoundView | null> {
    const repo = this.repo();
    const round = await repo.find(period, key);
    if (!round) return null;
    const [progress, children] = await Promise.all([repo.progress(round.id, scopePath), repo.childProgress(round.id, scopePath)]);
    return { round, scopePath, progress, children };
  }

  /**
   * A grid's answer to today's daily round (the round is opened if the schedule has not yet, as
   * the first answer would): its slot and the deadline; null when daily rounds are not run here
   * or the grid is not asked (not at a clearance level).
   */
  async today(gridId: number): Promise<{ slot: SlotRow; deadlineAt: Date } | null> {
    if (!this.deps.config.clearance.periods.includes('daily')) return null;
    const now = this.deps.clock.now();
    const { round } = await this.open(periodAt('daily', now, this.zone), now);
    const slot = await this.repo().slotOf(round.id, gridId);
    return slot ? { slot, deadlineAt: round.deadlineAt } : null;
  }

  /** Slots of a round under a scope path already checked, ordered by grid code (keyset on the code). */
  async slots(roundId: number, scopePath: string, status: SlotStatus | null, first: number, after: string | null): Promise<SlotRow[]> {
    pageSize(first, PAGE_LIMITS.smallRows);
    return this.repo().slots(roundId, scopePath, status, first, after);
  }

  /** A grid's record over its latest `last` rounds of `period`: on-time rate and streak (考核). */
  async record(actor: Actor, gridCode: string, period: ClearancePeriod, last: number): Promise<GridRecord> {
    pageSize(last, PAGE_LIMITS.history, 'last');
    const grid = await this.grids.get(actor, gridCode);
    const now = this.deps.clock.now().getTime();
    const entries = await this.repo().history(grid.id, period, last);
    const outcomes = entries.map((e) => ({ status: e.status, late: e.late, zeroReport: e.zeroReport, flagged: e.flaggedCodes.length > 0, deadlinePassed: e.deadlineAt.getTime() < now }));
    return { ...clearanceRecord(outcomes), gridCode: grid.code, period, entries };
  }

  publish(event: ClearanceChangedEvent): void {
    this.deps.pubsub.publish('clearanceChanged', event);
  }
}

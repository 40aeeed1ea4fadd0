import type { Actor } from '../domain/actor.js';
import { dayKey, dayRange } from '../domain/day-key.js';
import { DomainError } from '../domain/errors.js';
import { medianHours, rankLeague, splitPeriod, today } from '../domain/stats-period.js';
import { StatsRepository, type FiguresRow, type StatsDimension } from '../repositories/stats.repository.js';
import type { ServiceDeps } from './context.js';
import type { GridService } from './grid.service.js';

/** The figures of docs/domain-rules.md#incidents for one scope or slice. */
export interface Figures {
  readonly reported: number;
  readonly handledOnSite: number;
  readonly closed: number;
  /** Closed by the deadline. */
  readonly onTime: number;
  readonly overdue: number;
  readonly open: number;
  readonly rated: number;
  readonly satisfied: number;
  readonly medianHoursToClose: number | null;
}

/** One slice of a breakdown: `key` is a grid id, a category, a department name ('' for none) or a day (`yyyy-mm-dd`). */
export interface Slice extends Figures {
  readonly key: string;
}

/**
 * A scope's figures for a period, with its breakdowns computed on first demand and kept: a live
 * push is shared by every socket watching that scope, so each breakdown is computed once per push.
 */
export interface StatsSnapshot extends Figures {
  readonly path: string;
  readonly from: Date;
  readonly to: Date;
  readonly now: Date;
  readonly breakdowns: Map<StatsDimension, Promise<Slice[]>>;
}

/** A child grid's place in the 考核 league of a period. */
export interface LeagueEntry {
  readonly gridId: number;
  readonly rank: number;
  readonly score: number | null;
  readonly figures: Figures;
  readonly disposalRate: number | null;
  readonly onTimeRate: number | null;
  readonly satisfactionRate: number | null;
  readonly clearanceRounds: number;
  readonly clearanceOnTime: number;
  readonly clearanceOnTimeRate: number | null;
}

const ZERO: Figures = { reported: 0, handledOnSite: 0, closed: 0, onTime: 0, overdue: 0, open: 0, rated: 0, satisfied: 0, medianHoursToClose: null };
const ratio = (n: number, d: number): number | null => (d === 0 ? null : n / d);

function toFigures(r: FiguresRow): Figures {
  const { key: _key, close, ...counts } = r;
  return { ...counts, medianHoursToClose: medianHours(close) };
}

/** At most one live-figures push per scope per this many milliseconds. */
export const STATS_PUSH_INTERVAL_MS = 1000;

/**
 * Figures, breakdowns and the league, read from the trigger-kept rollups (never a scan of the
 * incidents): a subtree's period is a range of its root's rollup rows.
 */
export class StatsService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly grids: GridService,
  ) {}

  private repo(): StatsRepository {
    // A fresh entity manager per computation: breakdowns of a live push outlive the scope that made it.
    return new StatsRepository(this.deps.orm.em.fork());
  }

  private async compute(path: string, from: Date, to: Date, now: Date, by: StatsDimension): Promise<FiguresRow[]> {
    const { timeZone } = this.deps.config;
    return this.repo().figures({ path, split: splitPeriod(from, to, timeZone), now, today: today(now, timeZone), timeZone, by });
  }

  private async snapshot(path: string, from: Date, to: Date, now: Date): Promise<StatsSnapshot> {
    const [row] = await this.compute(path, from, to, now, 'total');
    return { ...(row ? toFigures(row) : ZERO), path, from, to, now, breakdowns: new Map() };
  }

  private async scopeOf(actor: Actor, scope: string | null, from: Date, to: Date): Promise<string> {
    if (!(from.getTime() < to.getTime())) throw new DomainError('BAD_USER_INPUT', 'from must be before to');
    return this.grids.scopePath(actor, scope);
  }

  /** Figures for incidents reported under `scope` (default the actor's subtree) in [from, to). */
  async stats(actor: Actor, scope: string | null, from: Date, to: Date): Promise<StatsSnapshot> {
    const path = await this.scopeOf(actor, scope, from, to);
    return this.snapshot(path, from, to, this.deps.clock.now());
  }

  /** The snapshot's figures by child grid, category, department or day (slices with no incident left out); computed once per snapshot. */
  breakdown(s: StatsSnapshot, by: StatsDimension): Promise<Slice[]> {
    let slices = s.breakdowns.get(by);
    if (!slices) {
      slices = this.compute(s.path, s.from, s.to, s.now, by).then((rows) =>
        rows.map((r) => ({ key: r.key, ...toFigures(r) })).sort((a, b) => (by === 'grid' || by === 'day' ? 0 : b.reported - a.reported) || a.key.localeCompare(b.key)));
      s.breakdowns.set(by, slices);
    }
    return slices;
  }

  /**
   * The 考核 league of the child grids of `scope` for [from, to): disposal, on-time, satisfaction
   * and clearance on-time rates (clearance rounds that started in the period), scored and ranked
   * by src/domain/stats-period.ts#LEAGUE_WEIGHTS. Every child is listed, with or without incidents.
   */
  async league(actor: Actor, scope: string | null, from: Date, to: Date): Promise<LeagueEntry[]> {
    const path = await this.scopeOf(actor, scope, from, to);
    const now = this.deps.clock.now();
    const repo = this.repo();
    const children = await repo.childIds(path);
    const [slices, clearance] = await Promise.all([this.compute(path, from, to, now, 'grid'), repo.clearance(children, from, to, now)]);
    const byGrid = new Map(slices.map((r) => [Number(r.key), toFigures(r)]));
    const cleared = new Map(clearance.map((c) => [c.gridId, c]));
    return rankLeague(children.map((gridId) => {
      const f = byGrid.get(gridId) ?? ZERO;
      const c = cleared.get(gridId) ?? { judged: 0, onTime: 0 };
      return {
        gridId,
        figures: f,
        disposalRate: ratio(f.handledOnSite, f.reported),
        onTimeRate: ratio(f.onTime, f.closed),
        satisfactionRate: ratio(f.satisfied, f.rated),
        clearanceRounds: c.judged,
        clearanceOnTime: c.onTime,
        clearanceOnTimeRate: ratio(c.onTime, c.judged),
      };
    }));
  }

  /**
   * Today's figures (grid time zone) under `scope`, pushed after incidents change there, at most
   * once a second. Visibility is checked here, per watcher; the figures are then computed once
   * per scope and push for every watcher in this hub, not once per socket.
   */
  async watch(actor: Actor, scope: string | null): Promise<AsyncIterable<StatsSnapshot>> {
    const path = await this.grids.scopePath(actor, scope);
    const { pubsub, clock, config } = this.deps;
    return this.deps.feeds.watch(`stats|${path}`, {
      when: () => pubsub.subscribe('incidentChanged', path),
      coalesceMs: STATS_PUSH_INTERVAL_MS,
      atOnce: false,
      compute: () => {
        const now = clock.now();
        const { from, to } = dayRange(dayKey(now, config.timeZone), config.timeZone);
        return this.snapshot(path, from, to, now);
      },
    });
  }

  /** Counts the rollups' days in the configured zone (TZ_GRID), recounting them when it changed. */
  useConfiguredTimeZone(): Promise<boolean> {
    return new StatsRepository(this.deps.em).useTimeZone(this.deps.config.timeZone);
  }
}

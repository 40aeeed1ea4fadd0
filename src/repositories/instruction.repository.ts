import type { EntityManager } from '@mikro-orm/postgresql';
import type { ChaseStage, Duty } from '../domain/instruction-chase.js';
import type { GridLevel } from '../domain/grid-levels.js';
import { InstructionReceiptEntity } from '../entities/instruction-receipt.entity.js';
import { query } from './sql.js';

/** Counts over a set of receipts (contract: `progress { targets acknowledged reported overdue }`). */
export interface ProgressCounts {
  targets: number;
  acknowledged: number;
  reported: number;
  /** Silent past its own deadline now (windows run from when each grid was told). */
  overdue: number;
  /** Told: its group (or second channel) was sent the instruction, or it answered. */
  delivered: number;
  /** Not told and no channel left to tell it (listed to the issuer). */
  unreachable: number;
  /** Still being told: neither delivered nor unreachable yet. */
  delivering: number;
}

export interface NewInstructionRow {
  code: string;
  grade: string;
  title: string;
  body: string | null;
  scopeGridId: number;
  scopePath: string;
  levels: GridLevel[];
  ackDeadlineAt: Date;
  resultDeadlineAt: Date;
  mentionChiefs: boolean;
  issuedByMemberId: number | null;
  issuerRole: string;
  issuerPath: string;
  issuedAt: Date;
}

/** A receiving grid with a bound group, its items and its chiefs: what the outbox message needs. */
export interface ReceivingGroup {
  gridId: number;
  items: string[];
  chiefIds: number[];
}

export interface Answer {
  instructionId: number;
  gridId: number;
  memberId: number | null;
  name: string | null;
  role: string;
  text: string | null;
  at: Date;
}

export interface AnswerOutcome {
  /** This answer was the grid's first of its kind: it counted. */
  first: boolean;
  acknowledged: boolean;
  reported: boolean;
  /** When the grid was told (this answer's time when the send was not recorded yet): its windows run from here. */
  deliveredAt: Date;
}

/** An active instruction the chase looks at. */
export interface ChaseCandidate { id: number; code: string; title: string; scope_path: string; issued_at: Date; ack_deadline_at: Date; result_deadline_at: Date; chased: string[] }

/** A receipt claimed by a chase stage. */
export interface ChasedReceipt {
  gridId: number;
  parentId: number | null;
  name: string;
  /** When the grid was told: its deadline is the instruction's window from here. */
  deliveredAt: Date;
}

/** A receipt's own deadline for a duty: the instruction's window run from when the grid was told (null while it is not). */
const DUE = (duty: 'ack' | 'result') => `(r.delivered_at + (i.${duty}_deadline_at - i.issued_at))`;

/**
 * Counts over receipts `r` of instruction `i` at `now`. Overdue is per grid: only a grid that
 * was told can be late, and its clock started then (domain/delivery.ts).
 */
const COUNTS = (now: string) => `count(*)::int as targets, count(r.acknowledged_at)::int as acknowledged, count(r.reported_at)::int as reported,
  count(*) filter (where (r.acknowledged_at is null and ${now} > ${DUE('ack')}) or (r.reported_at is null and ${now} > ${DUE('result')}))::int as overdue,
  count(r.delivered_at)::int as delivered,
  count(*) filter (where r.delivered_at is null and r.unreachable_at is not null)::int as unreachable,
  count(*) filter (where r.delivered_at is null and r.unreachable_at is null)::int as delivering`;

const asCounts = (r: ProgressCounts | undefined): ProgressCounts => ({
  targets: r?.targets ?? 0, acknowledged: r?.acknowledged ?? 0, reported: r?.reported ?? 0, overdue: r?.overdue ?? 0,
  delivered: r?.delivered ?? 0, unreachable: r?.unreachable ?? 0, delivering: r?.delivering ?? 0,
});

/** Instructions and their receipts: the fan-out, the answers, the figures and the chase, each a set-based statement. */
export class InstructionRepository {
  constructor(private readonly em: EntityManager) {}

  /** Receipts of an instruction under `path` (all when empty), silent ones first, with their grids. */
  receipts(instructionId: number, path: string, onlySilent: boolean, first: number): Promise<InstructionReceiptEntity[]> {
    const qb = this.em.createQueryBuilder(InstructionReceiptEntity, 'r').select('*').leftJoinAndSelect('r.grid', 'g').where({ instruction: instructionId });
    if (path) qb.andWhere('r.path <@ ?::ltree', [path]);
    if (onlySilent) qb.andWhere({ reportedAt: null });
    return qb.orderBy({ reportedAt: 'asc nulls first', acknowledgedAt: 'asc nulls first', path: 'asc' }).limit(first).getResultList();
  }

  /** The unreachable receipts under `path` (not told, no channel left), in tree order, with their grids and how many there are. */
  async unreachable(instructionId: number, path: string, first: number): Promise<{ rows: InstructionReceiptEntity[]; total: number }> {
    const where = { instruction: instructionId, deliveredAt: null, unreachableAt: { $ne: null } };
    const qb = this.em.createQueryBuilder(InstructionReceiptEntity, 'r').select('*').leftJoinAndSelect('r.grid', 'g').where(where);
    const count = this.em.createQueryBuilder(InstructionReceiptEntity, 'r').where(where);
    if (path) {
      qb.andWhere('r.path <@ ?::ltree', [path]);
      count.andWhere('r.path <@ ?::ltree', [path]);
    }
    const [rows, total] = await Promise.all([qb.orderBy({ path: 'asc' }).limit(first).getResultList(), count.getCount()]);
    return { rows, total };
  }

  /** The next gap-free code number of `day`; the row lock lasts until the issuing transaction ends. */
  async nextSeq(day: string): Promise<number> {
    const [row] = await query<{ last: number }>(this.em, `insert into instruction_day_seq (day, last) values (?, 1) on conflict (day) do update set last = instruction_day_seq.last + 1 returning last`, [day]);
    return row!.last;
  }

  async insert(row: NewInstructionRow): Promise<number> {
    const [r] = await query<{ id: number }>(
      this.em,
      `insert into instruction (code, grade, title, body, scope_grid_id, scope_path, levels, ack_deadline_at, result_deadline_at, mention_chiefs, targets, status, chased, amendments, issued_by_member_id, issuer_role, issuer_path, issued_at)
       values (?, ?, ?, ?, ?, ?::ltree, ?::jsonb, ?, ?, ?, 0, 'active', '[]'::jsonb, 0, ?, ?, ?::ltree, ?) returning id`,
      [row.code, row.grade, row.title, row.body, row.scopeGridId, row.scopePath, JSON.stringify(row.levels), row.ackDeadlineAt, row.resultDeadlineAt, row.mentionChiefs, row.issuedByMemberId, row.issuerRole, row.issuerPath, row.issuedAt],
    );
    return r!.id;
  }

  /** Grids under `scopePath` (not the scope itself) at `levels`, by code: where items may go. */
  async targetIdsByCode(scopePath: string, levels: readonly GridLevel[], codes: readonly string[]): Promise<Map<string, number>> {
    if (!codes.length) return new Map();
    const rows = await query<{ id: number; code: string }>(
      this.em,
      `select id, code from grid where code in (select jsonb_array_elements_text(?::jsonb)) and path <@ ?::ltree and nlevel(path) > nlevel(?::ltree)
         and level in (select jsonb_array_elements_text(?::jsonb))`,
      [JSON.stringify(codes), scopePath, scopePath, JSON.stringify(levels)],
    );
    return new Map(rows.map((r) => [r.code, r.id]));
  }

  /**
   * One receipt per grid of the subtree at the given levels, in one INSERT … SELECT over the
   * ltree index, each with its own items; records the count on the instruction. A grid that no
   * channel reaches (no bound group, no second channel) is unreachable from `now` on.
   */
  async insertReceipts(instructionId: number, scopePath: string, levels: readonly GridLevel[], itemsByGrid: ReadonlyMap<number, string[]>, now: Date): Promise<{ targets: number; unreachable: number }> {
    const items = Object.fromEntries([...itemsByGrid].map(([id, list]) => [String(id), list]));
    const [row] = await query<{ n: number; u: number }>(
      this.em,
      `with ins as (
         insert into instruction_receipt (instruction_id, grid_id, path, level, parent_id, items, unreachable_at, unreachable_reason)
         select ?, g.id, g.path, g.level, g.parent_id, coalesce(?::jsonb -> g.id::text, '[]'::jsonb), case when c.reachable then null else ?::timestamptz end,
                case when c.reachable then null else 'no_channel' end
           from grid g
           cross join lateral (select exists (select 1 from chat_group cg where cg.grid_id = g.id) or exists (select 1 from grid_channel gc where gc.grid_id = g.id) as reachable) c
          where g.path <@ ?::ltree and nlevel(g.path) > nlevel(?::ltree) and g.level in (select jsonb_array_elements_text(?::jsonb))
         returning unreachable_at is not null as u)
       update instruction set targets = (select count(*) from ins) where id = ? returning targets as n, (select count(*) filter (where u) from ins)::int as u`,
      [instructionId, JSON.stringify(items), now, scopePath, scopePath, JSON.stringify(levels), instructionId],
    );
    return { targets: row!.n, unreachable: row!.u };
  }

  /**
   * The receiving grids that have a bound group, with their items and chiefs (only those in
   * `gridIds`, or only those with items). Grids without a group are left out here already, so
   * no message is drafted for them.
   */
  async receivingGroups(instructionId: number, gridIds: readonly number[] | null = null, withItemsOnly = false): Promise<ReceivingGroup[]> {
    const rows = await query<{ grid_id: number; items: string[]; chiefs: number[] }>(
      this.em,
      `select r.grid_id, r.items,
              coalesce((select json_agg(m.id order by m.id) from member m where m.grid_id = r.grid_id and m.role = 'chief'), '[]'::json) as chiefs
         from instruction_receipt r join chat_group cg on cg.grid_id = r.grid_id
        where r.instruction_id = ? ${withItemsOnly ? 'and jsonb_array_length(r.items) > 0' : ''} ${gridIds ? 'and r.grid_id in (select (jsonb_array_elements_text(?::jsonb))::int)' : ''}`,
      gridIds ? [instructionId, JSON.stringify(gridIds)] : [instructionId],
    );
    return rows.map((r) => ({ gridId: r.grid_id, items: r.items ?? [], chiefIds: r.chiefs ?? [] }));
  }

  /** Chiefs of the given grids, by grid. */
  async chiefsOf(gridIds: readonly number[]): Promise<Map<number, number[]>> {
    if (!gridIds.length) return new Map();
    const rows = await query<{ grid_id: number; ids: number[] }>(
      this.em,
      `select grid_id, json_agg(id order by id) as ids from member where role = 'chief' and grid_id in (select (jsonb_array_elements_text(?::jsonb))::int) group by grid_id`,
      [JSON.stringify(gridIds)],
    );
    return new Map(rows.map((r) => [r.grid_id, r.ids]));
  }

  /** Progress over the receipts under `underPath` ('' = all). */
  async progress(instructionId: number, underPath: string, now: Date): Promise<ProgressCounts> {
    const [row] = await query<ProgressCounts>(
      this.em,
      `select ${COUNTS('?::timestamptz')} from instruction_receipt r join instruction i on i.id = r.instruction_id
        where r.instruction_id = ? and (?::text = '' or r.path <@ ?::ltree)`,
      [now, now, instructionId, underPath, underPath || ''],
    );
    return asCounts(row);
  }

  /** Progress per grid level, in tree order. */
  async progressByLevel(instructionId: number, underPath: string, now: Date): Promise<Array<ProgressCounts & { level: GridLevel }>> {
    return query<ProgressCounts & { level: GridLevel }>(
      this.em,
      `select r.level, ${COUNTS('?::timestamptz')} from instruction_receipt r join instruction i on i.id = r.instruction_id
        where r.instruction_id = ? and (?::text = '' or r.path <@ ?::ltree) group by r.level`,
      [now, now, instructionId, underPath, underPath || ''],
    );
  }

  /** Progress per child of the grid at `parentPath`, each over the child's whole subtree, by child code. */
  async progressByChild(instructionId: number, parentPath: string, now: Date): Promise<Array<ProgressCounts & { code: string; name: string; level: GridLevel }>> {
    return query<ProgressCounts & { code: string; name: string; level: GridLevel }>(
      this.em,
      `with per as (
         select subpath(r.path, 0, nlevel(?::ltree) + 1) as child, ${COUNTS('?::timestamptz')}
           from instruction_receipt r join instruction i on i.id = r.instruction_id
          where r.instruction_id = ? and r.path <@ ?::ltree and nlevel(r.path) > nlevel(?::ltree)
          group by 1)
       select g.code, g.name, g.level, per.targets, per.acknowledged, per.reported, per.overdue, per.delivered, per.unreachable, per.delivering
         from per join grid g on g.path = per.child order by g.code`,
      [parentPath, now, now, instructionId, parentPath, parentPath],
    );
  }

  /**
   * The instruction a bare `收到` or `#反馈` in a grid's group means: the latest active one the
   * grid has not reported on yet, else the latest active one.
   */
  async latestForGrid(gridId: number): Promise<string | null> {
    const [row] = await query<{ code: string }>(
      this.em,
      `select i.code from instruction_receipt r join instruction i on i.id = r.instruction_id
        where r.grid_id = ? and i.status = 'active'
        order by (r.reported_at is null) desc, i.issued_at desc, i.id desc limit 1`,
      [gridId],
    );
    return row?.code ?? null;
  }

  /** Active instructions `gridId` received and has not reported on yet, newest first, with the count of all of them. */
  async unansweredBy(gridId: number, limit: number): Promise<{ rows: Array<{ code: string; title: string; acknowledged: boolean; resultDeadlineAt: Date }>; total: number }> {
    const rows = await query<{ code: string; title: string; acknowledged: boolean; resultDeadlineAt: string; total: string }>(
      this.em,
      `select i.code, i.title, r.acknowledged_at is not null as acknowledged, i.result_deadline_at as "resultDeadlineAt", count(*) over () as total
         from instruction_receipt r join instruction i on i.id = r.instruction_id
        where r.grid_id = ? and i.status = 'active' and r.reported_at is null
        order by i.issued_at desc, i.id desc limit ?`,
      [gridId, limit],
    );
    return { rows: rows.map(({ total: _t, ...r }) => ({ ...r, resultDeadlineAt: new Date(r.resultDeadlineAt) })), total: rows.length ? Number(rows[0]!.total) : 0 };
  }

  /**
   * Records an answer for one receipt: the first acknowledgement (or result) sets who and when,
   * later ones are only logged. A result also acknowledges. Null when the grid did not receive it.
   */
  async answer(duty: Duty, a: Answer): Promise<AnswerOutcome | null> {
    const [before] = await query<{ acknowledged_at: Date | null; reported_at: Date | null; delivered_at: Date | string | null }>(
      this.em,
      `select acknowledged_at, reported_at, delivered_at from instruction_receipt where instruction_id = ? and grid_id = ? for update`,
      [a.instructionId, a.gridId],
    );
    if (!before) return null;
    const firstAck = before.acknowledged_at === null;
    const firstResult = before.reported_at === null;
    await query(
      this.em,
      `update instruction_receipt set answers = answers + 1,
         delivered_via = case when delivered_at is null then 'answer' else delivered_via end, delivered_at = coalesce(delivered_at, ?),
         acknowledged_at = coalesce(acknowledged_at, ?), ack_member_id = case when acknowledged_at is null then ? else ack_member_id end,
         ack_name = case when acknowledged_at is null then ? else ack_name end, ack_role = case when acknowledged_at is null then ? else ack_role end
         ${duty === 'result' ? `, reported_at = coalesce(reported_at, ?), result_text = case when reported_at is null then ? else result_text end,
         result_member_id = case when reported_at is null then ? else result_member_id end, result_name = case when reported_at is null then ? else result_name end,
         result_role = case when reported_at is null then ? else result_role end` : ''}
       where instruction_id = ? and grid_id = ?`,
      [a.at, a.at, a.memberId, a.name, a.role, ...(duty === 'result' ? [a.at, a.text, a.memberId, a.name, a.role] : []), a.instructionId, a.gridId],
    );
    const first = duty === 'ack' ? firstAck : firstResult;
    await query(
      this.em,
      `insert into instruction_answer (instruction_id, grid_id, kind, counted, member_id, name, role, text, at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [a.instructionId, a.gridId, duty, first, a.memberId, a.name, a.role, a.text, a.at],
    );
    return { first, acknowledged: true, reported: duty === 'result' || !firstResult, deliveredAt: before.delivered_at === null ? a.at : new Date(before.delivered_at) };
  }

  /**
   * Active instructions with a chase stage not yet run, oldest first (ids follow issue order), a
   * page of `limit` after the id `afterId` (keyset), so the chase reaches every one of them.
   */
  async chaseCandidates(limit: number, afterId = 0): Promise<ChaseCandidate[]> {
    const rows = await query<{ id: number; code: string; title: string; scope_path: string; issued_at: Date | string; ack_deadline_at: Date | string; result_deadline_at: Date | string; chased: string[] }>(
      this.em,
      `select id, code, title, scope_path::text as scope_path, issued_at, ack_deadline_at, result_deadline_at, chased
         from instruction where status = 'active' and jsonb_array_length(chased) < 4 and id > ?
        order by id limit ?`,
      [afterId, limit],
    );
    // Raw rows carry timestamps as the driver gives them.
    return rows.map((r) => ({ ...r, issued_at: new Date(r.issued_at), ack_deadline_at: new Date(r.ack_deadline_at), result_deadline_at: new Date(r.result_deadline_at) }));
  }

  /**
   * Claims every receipt still silent on the stage's duty, not yet chased at this stage, and
   * due by its own clock (the stage's fraction of the window, run from when the grid was told);
   * a grid still being told, or unreachable, is not chased. The stage is recorded as run once
   * no receipt is left that could still become due. The column set by this one UPDATE is the
   * guard: a second instance running the same stage finds nothing left to claim.
   */
  async claimStage(instructionId: number, stage: ChaseStage, now: Date): Promise<ChasedReceipt[]> {
    const silent = stage.duty === 'ack' ? 'acknowledged_at' : 'reported_at';
    const rows = await query<{ grid_id: number; parent_id: number | null; name: string; delivered_at: Date | string }>(
      this.em,
      `with claimed as (
         update instruction_receipt r set ${stage.column} = ?
           from instruction i
          where i.id = r.instruction_id and r.instruction_id = ? and r.${silent} is null and r.${stage.column} is null
            and r.delivered_at is not null and r.delivered_at + (i.${stage.duty}_deadline_at - i.issued_at) * ?::float8 <= ?::timestamptz
          returning r.grid_id, r.parent_id, r.delivered_at)
       select c.grid_id, c.parent_id, c.delivered_at, g.name from claimed c join grid g on g.id = c.grid_id order by g.code`,
      [now, instructionId, stage.fraction, now],
    );
    await query(
      this.em,
      `update instruction set chased = chased || to_jsonb(?::text)
        where id = ? and not chased @> jsonb_build_array(?::text)
          and not exists (select 1 from instruction_receipt r where r.instruction_id = ? and r.${silent} is null and r.${stage.column} is null
                            and (r.delivered_at is not null or r.unreachable_at is null))`,
      [stage.name, instructionId, stage.name, instructionId],
    );
    return rows.map((r) => ({ gridId: r.grid_id, parentId: r.parent_id, name: r.name, deliveredAt: new Date(r.delivered_at) }));
  }

}

import { LockMode } from '@mikro-orm/core';
import { assertVisible, type Actor } from '../domain/actor.js';
import { isWithin } from '../domain/grid-levels.js';
import { formatCode, normalizeCode } from '../domain/codes.js';
import { dayKey } from '../domain/day-key.js';
import { DomainError } from '../domain/errors.js';
import { normalizeGridCode, type GridLevel } from '../domain/grid-levels.js';
import { ANSWER_ROLES, ISSUER_ROLES, resolvePolicy, type InstructionGrade } from '../domain/instruction-grades.js';
import type { Duty } from '../domain/instruction-chase.js';
import { PAGE_LIMITS, pageSize } from '../domain/paging.js';
import { amendText, cancelText, issuedText, type InstructionHead } from '../texts/zh/index.js';
import type { GridEntity } from '../entities/grid.entity.js';
import { InstructionEntity } from '../entities/instruction.entity.js';
import { InstructionReceiptEntity } from '../entities/instruction-receipt.entity.js';
import { InstructionUpdateEntity } from '../entities/instruction-update.entity.js';
import { MemberEntity } from '../entities/member.entity.js';
import { InstructionRepository, type AnswerOutcome, type ProgressCounts } from '../repositories/instruction.repository.js';
import { OutboxRepository } from '../repositories/outbox.repository.js';
import { ChannelRepository } from '../repositories/channel.repository.js';
import { channelParts, FALLBACK_CHANNEL } from './delivery-ledger.service.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import { filter, pipe } from '@graphql-yoga/subscription';
import type { InstructionChangedEvent, InstructionIssuedEvent } from '../infra/pubsub.js';
import type { ServiceDeps } from './context.js';
import { GridService } from './grid.service.js';
import { instructionPriority } from '../domain/delivery-lanes.js';

export interface InstructionItemInput {
  /** The grid the item belongs to (a receiving grid). */
  grid: string;
  text: string;
}

export interface IssueInstructionInput {
  /** The subtree to reach (a grid code); default the actor's own grid. */
  scope?: string | null;
  grade: InstructionGrade;
  title: string;
  body?: string | null;
  levels?: GridLevel[] | null;
  /** Minutes to acknowledge / to report the result; default from the grade. */
  ackWithin?: number | null;
  resultWithin?: number | null;
  mentionChiefs?: boolean | null;
  items?: readonly InstructionItemInput[] | null;
}

export interface AnswerInput {
  /** The instruction (typed loosely); default the grid's latest open one. */
  code?: string | null;
  /** The answering grid; default the actor's own. */
  grid?: string | null;
  text?: string | null;
  /** Who answered, as shown (a WeChat name); default the member's registered name. */
  by?: string | null;
}

export interface AnswerResult {
  instruction: InstructionEntity;
  grid: GridEntity;
  outcome: AnswerOutcome;
}

const MAX_TITLE = 200;
const MAX_TEXT = 2000;
const MAX_ITEMS = 200_000;

function text(value: string | null | undefined, max: number, what: string, required: boolean): string | null {
  const t = value?.trim() ?? '';
  if (!t) {
    if (required) throw new DomainError('BAD_USER_INPUT', `${what} must not be empty`);
    return null;
  }
  if (t.length > max) throw new DomainError('BAD_USER_INPUT', `${what} must be at most ${max} characters`);
  return t;
}

/**
 * "重大事件一键下达" (docs/domain-rules.md#instructions): one instruction to every grid of a subtree at once, every grid
 * acknowledging and reporting back, the centre watching the figures. GraphQL and the bot call
 * these same methods.
 */
/** At most this many progress pushes a second per instruction and visible part ("a few"). */
const PROGRESS_PUSH_INTERVAL_MS = 300;

/** An instruction with its progress as one viewer sees it: what instructionProgress pushes. */
export interface InstructionWithProgress {
  readonly instruction: InstructionEntity;
  readonly progress: ProgressCounts;
}

export class InstructionService {
  private readonly repo: InstructionRepository;

  constructor(
    private readonly deps: ServiceDeps,
    private readonly grids: GridService,
  ) {
    this.repo = new InstructionRepository(deps.em);
  }

  /** The same service over a fresh entity manager: a live feed outlives any one unit of work. */
  private fresh(): InstructionService {
    const deps = { ...this.deps, em: this.deps.em.fork() };
    return new InstructionService(deps, new GridService(deps));
  }

  /**
   * The instruction with this code, seen from the actor: visible to anyone whose subtree
   * contains its scope (the issuing side) or lies inside it (the receiving grids).
   */
  async get(actor: Actor, code: string): Promise<InstructionEntity> {
    const normal = normalizeCode(code);
    if (!normal || !normal.startsWith('I')) throw new DomainError('BAD_USER_INPUT', `${code} is not an instruction code (like I20261122-003)`);
    const found = await this.deps.em.findOne(InstructionEntity, { code: normal }, { populate: ['scopeGrid'] });
    if (!found || !(isWithin(found.scopePath, actor.path) || isWithin(actor.path, found.scopePath))) {
      throw new DomainError('NOT_FOUND', `instruction ${normal} not found in your scope`);
    }
    return found;
  }

  /** Instructions as they are issued whose scope lies inside `scope` (default the actor's subtree). */
  async watchIssued(actor: Actor, scope: string | null): Promise<AsyncIterable<InstructionIssuedEvent>> {
    const path = await this.grids.scopePath(actor, scope);
    return this.deps.feeds.watch(`instructionIssued|${path}`, { events: () => this.deps.pubsub.subscribe('instructionIssued', path) });
  }

  /**
   * The instruction with fresh progress over the part the actor sees: at once, then on every
   * change, at most a few pushes a second; computed once per instruction and visible part.
   */
  async watchProgress(actor: Actor, code: string): Promise<AsyncIterable<InstructionWithProgress>> {
    const found = await this.get(actor, code);
    const visible = this.visiblePath(actor, found);
    return this.deps.feeds.watch(`instructionProgress|${found.code}|${visible}`, {
      when: () =>
        pipe(
          this.deps.pubsub.subscribe('instructionChanged', found.scopePath),
          filter((e: InstructionChangedEvent) => e.code === found.code),
        ),
      coalesceMs: PROGRESS_PUSH_INTERVAL_MS,
      compute: async () => {
        // A fresh entity manager per push: the feed outlives any one.
        const fresh = this.fresh();
        const instruction = await fresh.get(actor, found.code);
        return { instruction, progress: await fresh.progress(actor, instruction) };
      },
    });
  }

  /** The part of an instruction's receipts the actor may count: its scope, or the actor's subtree inside it. */
  visiblePath(actor: Actor, i: InstructionEntity): string {
    return isWithin(actor.path, i.scopePath) ? actor.path : i.scopePath;
  }

  async progress(actor: Actor, i: InstructionEntity): Promise<ProgressCounts> {
    return this.repo.progress(i.id, this.visiblePath(actor, i), this.deps.clock.now());
  }

  async progressByLevel(actor: Actor, i: InstructionEntity) {
    return this.repo.progressByLevel(i.id, this.visiblePath(actor, i), this.deps.clock.now());
  }

  /** Per child of `under` (default: the grid at the top of what the actor sees), each over its subtree. */
  async progressByChild(actor: Actor, i: InstructionEntity, under: string | null) {
    const parentPath = under ? await this.pathUnder(actor, i, under) : this.visiblePath(actor, i);
    return this.repo.progressByChild(i.id, parentPath, this.deps.clock.now());
  }

  /** The path of grid `code`, which must lie in the part of the instruction the actor sees. */
  private async pathUnder(actor: Actor, i: InstructionEntity, code: string): Promise<string> {
    const grid = await this.grids.get(actor, code);
    if (!isWithin(grid.path, this.visiblePath(actor, i))) throw new DomainError('NOT_FOUND', `grid ${grid.code} is not under instruction ${i.code}'s scope`);
    return grid.path;
  }

  /** Receipts under the visible part, silent ones first; for lists of who answered and who did not. */
  async receipts(actor: Actor, i: InstructionEntity, first: number, onlySilent: boolean, under: string | null = null): Promise<Array<InstructionReceiptEntity>> {
    pageSize(first, PAGE_LIMITS.smallRows);
    const path = under ? await this.pathUnder(actor, i, under) : this.visiblePath(actor, i);
    return this.repo.receipts(i.id, path, onlySilent, first);
  }

  /** The receiving grids no channel reaches, under the visible part (or `under`), in tree order, and how many. */
  async unreachable(actor: Actor, i: InstructionEntity, first: number, under: string | null = null): Promise<{ rows: InstructionReceiptEntity[]; total: number }> {
    pageSize(first, PAGE_LIMITS.smallRows);
    const path = under ? await this.pathUnder(actor, i, under) : this.visiblePath(actor, i);
    return this.repo.unreachable(i.id, path, first);
  }

  /**
   * Issues an instruction: one transaction stores it, one receipt per receiving grid (one
   * INSERT … SELECT over the subtree) and one outbox message per bound group; then it is
   * published to every subscriber whose scope contains the instruction's scope.
   */
  async issue(actor: Actor, input: IssueInstructionInput): Promise<InstructionEntity> {
    if (!ISSUER_ROLES.includes(actor.role)) throw new DomainError('FORBIDDEN', `a ${actor.role} may not issue instructions; allowed: ${ISSUER_ROLES.join(', ')}`);
    const title = text(input.title, MAX_TITLE, 'title', true)!;
    const body = text(input.body, MAX_TEXT, 'body', false);
    const scopeCode = input.scope ?? actor.gridCode;
    if (!scopeCode) throw new DomainError('BAD_USER_INPUT', 'scope is required (a grid code)');
    const scope = await this.grids.get(actor, scopeCode);
    const policy = resolvePolicy(input.grade, scope.level, { levels: input.levels ?? null, ackWithinMinutes: input.ackWithin ?? null, resultWithinMinutes: input.resultWithin ?? null, mentionChiefs: input.mentionChiefs ?? null });
    const items = input.items ?? [];
    if (items.length > MAX_ITEMS) throw new DomainError('BAD_USER_INPUT', `at most ${MAX_ITEMS} items`);
    const itemsByCode = new Map<string, string[]>();
    for (const item of items) {
      const t = text(item.text, 500, 'item text', true)!;
      const code = normalizeGridCode(item.grid);
      itemsByCode.set(code, [...(itemsByCode.get(code) ?? []), t]);
    }
    const now = this.deps.clock.now();
    const ackDeadlineAt = new Date(now.getTime() + policy.ackMinutes * 60_000);
    const resultDeadlineAt = new Date(now.getTime() + policy.resultMinutes * 60_000);
    const tz = this.deps.config.timeZone;
    const day = dayKey(now, tz);

    const { instructionId: id, unreachable } = await this.deps.em.transactional(async (tx) => {
      const repo = new InstructionRepository(tx);
      const ids = await repo.targetIdsByCode(scope.path, policy.levels, [...itemsByCode.keys()]);
      const stray = [...itemsByCode.keys()].filter((c) => !ids.has(c));
      if (stray.length) throw new DomainError('BAD_USER_INPUT', `items for grids that do not receive this instruction: ${stray.slice(0, 20).join(', ')}`, { reason: 'ITEMS_FOR_OTHER_GRIDS', grids: stray.slice(0, 100) });
      const code = formatCode('I', day, await repo.nextSeq(day));
      const instructionId = await repo.insert({
        code, grade: input.grade, title, body, scopeGridId: scope.id, scopePath: scope.path, levels: policy.levels, ackDeadlineAt, resultDeadlineAt,
        mentionChiefs: policy.mentionChiefs, issuedByMemberId: actor.memberId, issuerRole: actor.role, issuerPath: actor.path, issuedAt: now,
      });
      const itemsByGrid = new Map([...itemsByCode].map(([c, list]) => [ids.get(c)!, list]));
      const { targets, unreachable } = await repo.insertReceipts(instructionId, scope.path, policy.levels, itemsByGrid, now);
      if (targets === 0) throw new DomainError('BAD_USER_INPUT', `no grid under ${scope.code} at levels ${policy.levels.join(', ')}`);
      const h: InstructionHead = { code, grade: input.grade, title, body, ackDeadline: ackDeadlineAt, resultDeadline: resultDeadlineAt };
      // Every receiving grid without items of its own gets the same text: one statement.
      await new OutboxRepository(tx).enqueueForSubtree(
        {
          scopePath: scope.path,
          levels: policy.levels,
          exceptGridIds: [...itemsByGrid.keys()],
          text: issuedText(h, [], now, tz),
          dedupePrefix: `${code}:issued:`,
          kind: 'instruction',
          priority: instructionPriority(input.grade),
          ref: code,
          mentionRoles: policy.mentionChiefs ? ['chief'] : [],
        },
        now,
      );
      const withItems = await repo.receivingGroups(instructionId, null, true);
      await new OutboxRepository(tx).enqueueForGrids(
        withItems.map((g) => ({
          gridId: g.gridId,
          text: issuedText(h, g.items, now, tz),
          dedupeKey: `${code}:issued:${g.gridId}`,
          kind: 'instruction',
          priority: instructionPriority(input.grade),
          ref: code,
          mentionMemberIds: policy.mentionChiefs ? g.chiefIds : [],
        })),
        now,
      );
      await this.enqueueSecondChannel(tx, { code, grade: input.grade, scopePath: scope.path, levels: policy.levels, itemsByGrid, mentionChiefs: policy.mentionChiefs, text: (items) => issuedText(h, items, now, tz) }, now);
      return { instructionId, unreachable };
    });
    const issued = await this.deps.em.findOneOrFail(InstructionEntity, id, { populate: ['scopeGrid'] });
    this.deps.pubsub.publish('instructionIssued', {
      path: issued.scopePath,
      code: issued.code,
      grade: issued.grade,
      title: issued.title,
      body: issued.body ?? null,
      scopeCode: scope.code,
      levels: issued.levels,
      targets: issued.targets,
      status: issued.status,
      ackDeadlineAt: issued.ackDeadlineAt.toISOString(),
      resultDeadlineAt: issued.resultDeadlineAt.toISOString(),
      issuedAt: issued.issuedAt.toISOString(),
      unreachable,
    });
    return issued;
  }

  /**
   * The instruction through the grids' second channels (WeCom robots), in the issuing
   * transaction: grade I to every receiving grid that has one, @all (both channels at once);
   * other grades only to grids without a WeChat group. Grids with items get their own text.
   */
  private async enqueueSecondChannel(
    tx: EntityManager,
    o: { code: string; grade: InstructionGrade; scopePath: string; levels: readonly GridLevel[]; itemsByGrid: ReadonlyMap<number, string[]>; mentionChiefs: boolean; text: (items: readonly string[]) => string },
    now: Date,
  ): Promise<void> {
    const channels = new ChannelRepository(tx);
    const both = o.grade === 'I';
    const mentionRoles = o.mentionChiefs && !both ? ['chief'] : [];
    const parts = channelParts(FALLBACK_CHANNEL, { gridId: 0, text: o.text([]), dedupeKey: '', kind: 'instruction', ref: o.code }).map((p) => p.text);
    await channels.enqueueForSubtree(
      FALLBACK_CHANNEL,
      { scopePath: o.scopePath, levels: o.levels, exceptGridIds: [...o.itemsByGrid.keys()], parts, dedupePrefix: `${FALLBACK_CHANNEL}:${o.code}:issued:`, kind: 'instruction', ref: o.code, mentionAll: both, mentionRoles, alsoBound: both },
      now,
    );
    const drafts = [...o.itemsByGrid].flatMap(([gridId, items]) =>
      channelParts(FALLBACK_CHANNEL, { gridId, text: o.text(items), dedupeKey: `${o.code}:issued:${gridId}`, kind: 'instruction', ref: o.code, mentionAll: both, mentionRoles }),
    );
    await channels.enqueue(FALLBACK_CHANNEL, drafts, now, !both);
  }

  /** A grid acknowledges (签收). Repeats are logged but count once. */
  acknowledge(actor: Actor, input: AnswerInput): Promise<AnswerResult> {
    return this.answer(actor, 'ack', input);
  }

  /** A grid reports its result (反馈); it acknowledges too when it had not. */
  reportResult(actor: Actor, input: AnswerInput): Promise<AnswerResult> {
    text(input.text, MAX_TEXT, 'result', true);
    return this.answer(actor, 'result', input);
  }

  private async answer(actor: Actor, duty: Duty, input: AnswerInput): Promise<AnswerResult> {
    if (!ANSWER_ROLES.includes(actor.role)) throw new DomainError('FORBIDDEN', `a ${actor.role} may not answer instructions; allowed: ${ANSWER_ROLES.join(', ')}`);
    const gridCode = input.grid ?? actor.gridCode;
    if (!gridCode) throw new DomainError('BAD_USER_INPUT', 'grid is required (the answering grid)');
    const grid = await this.grids.get(actor, gridCode);
    const code = input.code ?? (await this.repo.latestForGrid(grid.id));
    if (!code) throw new DomainError('NOT_FOUND', `no open instruction for grid ${grid.code}`, { reason: 'NO_OPEN_INSTRUCTION', grid: grid.code });
    const instruction = await this.get(actor, code);
    if (instruction.status === 'cancelled') throw new DomainError('CONFLICT', `instruction ${instruction.code} was cancelled`, { reason: 'INSTRUCTION_CANCELLED', code: instruction.code, state: 'cancelled' });
    const name = input.by?.trim() || (actor.memberId ? (await this.deps.em.findOne(MemberEntity, actor.memberId))?.name ?? null : null);
    const now = this.deps.clock.now();
    const outcome = await this.deps.em.transactional((tx) =>
      new InstructionRepository(tx).answer(duty, { instructionId: instruction.id, gridId: grid.id, memberId: actor.memberId, name, role: actor.role, text: text(input.text, MAX_TEXT, 'text', false), at: now }),
    );
    if (!outcome) throw new DomainError('NOT_FOUND', `grid ${grid.code} did not receive instruction ${instruction.code}`, { reason: 'INSTRUCTION_NOT_RECEIVED', code: instruction.code, grid: grid.code });
    if (outcome.first) this.deps.pubsub.publish('instructionChanged', { path: instruction.scopePath, code: instruction.code, kind: duty, at: now.toISOString() });
    return { instruction, grid, outcome };
  }

  /** The issuer (or someone above them with issuing rights) cancels; every group that got it is told. */
  cancel(actor: Actor, code: string, reason: string | null): Promise<InstructionEntity> {
    return this.update(actor, code, 'cancel', text(reason, MAX_TEXT, 'reason', false));
  }

  /** The issuer appends to the instruction; every group that got it gets the addition. */
  amend(actor: Actor, code: string, addition: string): Promise<InstructionEntity> {
    return this.update(actor, code, 'amend', text(addition, MAX_TEXT, 'text', true));
  }

  private async update(actor: Actor, code: string, kind: 'cancel' | 'amend', body: string | null): Promise<InstructionEntity> {
    if (!ISSUER_ROLES.includes(actor.role)) throw new DomainError('FORBIDDEN', `a ${actor.role} may not ${kind} instructions`);
    const found = await this.get(actor, code);
    // The issuer's own subtree lies within the actor's: the issuer, or a superior.
    assertVisible(actor, found.issuerPath, `instruction ${found.code}`);
    const now = this.deps.clock.now();
    const instruction = await this.deps.em.transactional(async (tx) => {
      const i = await tx.findOneOrFail(InstructionEntity, found.id, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (i.status === 'cancelled') throw new DomainError('CONFLICT', `instruction ${i.code} is already cancelled`, { reason: 'INSTRUCTION_CANCELLED', code: i.code, state: 'cancelled' });
      const seq = i.amendments + 1;
      i.amendments = seq;
      if (kind === 'cancel') {
        i.status = 'cancelled';
        i.cancelledAt = now;
        i.cancelReason = body;
      }
      tx.create(InstructionUpdateEntity, { instruction: i, seq, kind, text: body, actorRole: actor.role, actorMemberId: actor.memberId, at: now });
      await tx.flush();
      const message = kind === 'cancel' ? cancelText(i.code, i.title, body) : amendText(i.code, seq, body!);
      const groups = await new InstructionRepository(tx).receivingGroups(i.id);
      await new OutboxRepository(tx).enqueueForGrids(
        groups.map((g) => ({ gridId: g.gridId, text: message, dedupeKey: `${i.code}:update:${seq}:${g.gridId}`, kind: 'instruction', priority: instructionPriority(i.grade), ref: i.code })),
        now,
      );
      // Grade I went to every second channel too; otherwise the grids without a group heard it there.
      const parts = channelParts(FALLBACK_CHANNEL, { gridId: 0, text: message, dedupeKey: '', kind: 'instruction', ref: i.code }).map((p) => p.text);
      await new ChannelRepository(tx).enqueueForSubtree(
        FALLBACK_CHANNEL,
        { scopePath: i.scopePath, levels: i.levels, exceptGridIds: [], parts, dedupePrefix: `${FALLBACK_CHANNEL}:${i.code}:update:${seq}:`, kind: 'instruction', ref: i.code, mentionAll: false, mentionRoles: [], alsoBound: i.grade === 'I' },
        now,
      );
      return i;
    });
    this.deps.pubsub.publish('instructionChanged', { path: instruction.scopePath, code: instruction.code, kind, at: now.toISOString() });
    return instruction;
  }

  /** Appended texts and the cancellation, oldest first. */
  async updates(i: InstructionEntity): Promise<InstructionUpdateEntity[]> {
    return this.deps.em.find(InstructionUpdateEntity, { instruction: i.id }, { orderBy: { seq: 'asc' } });
  }
}

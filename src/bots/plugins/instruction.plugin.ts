import { DomainError, isDomainError } from '../../domain/errors.js';
import { gridDeadline } from '../../domain/delivery.js';
import type { InstructionEntity } from '../../entities/instruction.entity.js';
import type { AnswerResult } from '../../services/instruction.service.js';
import { ackReplyText, instructionProgressText, issueReplyText, LIST_LIMIT, resultReplyText, type UnreachableGrids } from '../../texts/zh/index.js';
import type { BotCommandContext, BotGroup, BotPlugin, BotReply } from '../plugin.js';

/** The grid of the group the message came from; an unbound group cannot answer for a grid. */
function groupGrid(group: BotGroup): string {
  if (!group.grid) throw new DomainError('BAD_USER_INPUT', 'this group is not bound to a grid', { reason: 'GROUP_NOT_BOUND' });
  return group.grid.code;
}

/** `ref` when it is an instruction code; an incident code here is a mistake, no code means "the latest". */
function instructionRef(ctx: BotCommandContext): string | null {
  const ref = ctx.parsed.ref;
  if (ref && !ref.startsWith('I')) throw new DomainError('BAD_USER_INPUT', `${ref} is not an instruction code`, { reason: 'NOT_AN_INSTRUCTION_CODE', ref });
  return ref;
}

/** The first line (at most 60 characters) is the title; the whole text is the body when there is more. */
function titleAndBody(text: string): { title: string; body: string | null } {
  const first = text.split('\n')[0]!.trim();
  const title = first.length > 60 ? `${first.slice(0, 60)}…` : first;
  return { title, body: text.trim() === title ? null : text.trim() };
}

async function instruct(ctx: BotCommandContext): Promise<BotReply> {
  const { parsed, scope, actor } = ctx;
  if (!parsed.grade) throw new DomainError('BAD_USER_INPUT', 'an instruction needs a grade', { reason: 'COMMAND_INCOMPLETE', need: 'grade' });
  if (!parsed.text.trim()) throw new DomainError('BAD_USER_INPUT', 'an instruction needs a text', { reason: 'COMMAND_INCOMPLETE', need: 'instruction_text' });
  const i = await scope.instructions.issue(actor, { scope: groupGrid(ctx.group), grade: parsed.grade, ...titleAndBody(parsed.text) });
  const head = { code: i.code, grade: i.grade, title: i.title, body: i.body ?? null, ackDeadline: i.ackDeadlineAt, resultDeadline: i.resultDeadlineAt };
  return { text: issueReplyText(head, i.targets, i.issuedAt, await unreachableOf(ctx, i)), ref: i.code };
}

/** The grids of an instruction no channel reaches, as the sender may see them (the first names and the count). */
async function unreachableOf(ctx: BotCommandContext, i: InstructionEntity): Promise<UnreachableGrids> {
  const { rows, total } = await ctx.scope.instructions.unreachable(ctx.actor, i, LIST_LIMIT);
  return { total, grids: rows.map((r) => ({ name: r.grid.name, reason: r.unreachableReason ?? null })) };
}

/** The answering grid's own result deadline: the window runs from when it was told. */
const ownResultDeadline = (a: AnswerResult): Date => gridDeadline(a.instruction.issuedAt, a.instruction.resultDeadlineAt, a.outcome.deliveredAt)!;

async function ack(ctx: BotCommandContext): Promise<BotReply | null> {
  let a;
  try {
    a = await ctx.scope.instructions.acknowledge(ctx.actor, { code: instructionRef(ctx), grid: groupGrid(ctx.group), text: ctx.parsed.text || null, by: ctx.sender.name });
  } catch (err) {
    // A bare 收到 with no code and no open instruction answers some ordinary notice: chat, not a command.
    if (isDomainError(err) && err.code === 'NOT_FOUND' && ctx.parsed.bare && !ctx.parsed.ref) return null;
    throw err;
  }
  // The grid had already signed: the answer is logged, but a bare 收到 from the next member needs no reply.
  if (!a.outcome.first && ctx.parsed.bare) return null;
  return { text: ackReplyText({ code: a.instruction.code, resultDeadline: ownResultDeadline(a), first: a.outcome.first, reported: a.outcome.reported }, ctx.now), ref: a.instruction.code };
}

async function result(ctx: BotCommandContext): Promise<BotReply> {
  if (!ctx.parsed.text.trim()) throw new DomainError('BAD_USER_INPUT', 'a result needs a text', { reason: 'COMMAND_INCOMPLETE', need: 'result_text' });
  const a = await ctx.scope.instructions.reportResult(ctx.actor, { code: instructionRef(ctx), grid: groupGrid(ctx.group), text: ctx.parsed.text, by: ctx.sender.name });
  return { text: resultReplyText({ code: a.instruction.code, resultDeadline: ownResultDeadline(a), first: a.outcome.first, reported: true }), ref: a.instruction.code };
}

/** `#进度 I…`: the figures as the centre sees them (incident codes belong to the incident plugin). */
async function progress(ctx: BotCommandContext): Promise<BotReply | null> {
  const ref = ctx.parsed.ref;
  if (!ref || !ref.startsWith('I')) return null;
  const i = await ctx.scope.instructions.get(ctx.actor, ref);
  const p = await ctx.scope.instructions.progress(ctx.actor, i);
  return { text: instructionProgressText({ code: i.code, title: i.title, cancelled: i.status === 'cancelled' }, p, await unreachableOf(ctx, i)), ref: i.code };
}

/** 重大事件一键下达 in the groups: issue (#指令), acknowledge (收到), report back (#反馈), progress (#进度 I…). */
export const instructionPlugin: BotPlugin = {
  name: 'instruction',
  commands: ['ack', 'result', 'instruct', 'progress'],
  async handle(ctx) {
    switch (ctx.parsed.command) {
      case 'instruct':
        return instruct(ctx);
      case 'ack':
        return ack(ctx);
      case 'result':
        return result(ctx);
      case 'progress':
        return progress(ctx);
      default:
        return null;
    }
  },
};

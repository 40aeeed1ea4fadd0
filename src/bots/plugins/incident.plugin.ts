import { categoryLabel, type CategoryId } from '../../domain/categories.js';
import { DomainError } from '../../domain/errors.js';
import { INCIDENT_STATE_LABELS, type IncidentEvent, type IncidentState } from '../../domain/incident-transitions.js';
import type { IncidentEntity } from '../../entities/incident.entity.js';
import type { BotCommandContext, BotPlugin, BotReply } from '../plugin.js';
import { formatDeadline, hoursBetween } from '../reply-format.js';

const label = (i: IncidentEntity) => `${i.code}【${categoryLabel(i.category as CategoryId)}】`;

/** `ref` must be an incident code (E…); otherwise the command is incomplete. */
function incidentRef(ctx: BotCommandContext): string {
  const ref = ctx.parsed.ref;
  if (!ref || !ref.startsWith('E')) throw new DomainError('BAD_USER_INPUT', 'an incident code is required');
  return ref;
}

async function report(ctx: BotCommandContext): Promise<BotReply> {
  const { scope, parsed, group, actor } = ctx;
  const incident = await scope.incidents.report(actor, {
    grid: group.grid!.code,
    description: parsed.text,
    category: parsed.category,
    urgent: parsed.urgent,
    sourceKey: `wechat:${group.botAccount}:${ctx.messageId}`,
  });
  const within = `限 ${hoursBetween(incident.createdAt, incident.deadlineAt)} 小时内处置`;
  const urgent = incident.urgent ? '（紧急）' : '';
  if (actor.role === 'resident') {
    // A resident's tip (网格粉丝): the grid's workers are told by name to check it.
    const workers = await scope.bindings.membersWithRole(group.grid!.id, ['worker', 'chief']);
    const told = workers.filter((m) => m.role === 'worker');
    const mention = told.length ? told : workers;
    return {
      text: `已登记 ${label(incident)}${urgent}，群众反映，请网格员核实，${within}`,
      mentionMemberIds: mention.map((m) => m.id),
      ref: incident.code,
    };
  }
  return { text: `已登记 ${label(incident)}${urgent}，${within}`, ref: incident.code };
}

async function step(ctx: BotCommandContext, event: IncidentEvent): Promise<BotReply> {
  const { scope, parsed, actor } = ctx;
  const code = incidentRef(ctx);
  const note = parsed.text || null;
  switch (event) {
    case 'handle': {
      const i = await scope.incidents.step(actor, code, 'handle', { note: note ?? '已就地处置' });
      return { text: `${i.code} 已就地处置，事件办结`, ref: i.code };
    }
    case 'close': {
      const i = await scope.incidents.step(actor, code, 'close', { note });
      return { text: `${i.code} 已结案`, ref: i.code };
    }
    case 'dispatch': {
      if (!note) throw new DomainError('BAD_USER_INPUT', 'dispatch needs a department');
      // The same act as the dispatchIncident mutation: accepted on the way when not yet accepted.
      const i = await scope.incidents.step(actor, code, 'dispatch', { department: note.split(/\s+/)[0]! });
      return { text: `${i.code} 已派单给${note.split(/\s+/)[0]}，${formatDeadline(i.deadlineAt, scope.deps.config.timeZone)}前办结`, ref: i.code };
    }
    case 'mediate': {
      if (!parsed.outcome) throw new DomainError('BAD_USER_INPUT', 'mediation needs 成功 or 失败');
      const before = await scope.incidents.get(actor, code);
      const colourBefore = before.disputeColour;
      const i = await scope.incidents.step(actor, code, 'mediate', { outcome: parsed.outcome, note });
      const turned = colourBefore !== i.disputeColour && i.disputeColour === 'yellow' ? '，调解三次未成，已转黄色（多部门联合化解）' : '';
      const outcome = parsed.outcome === 'success' ? '调解成功' : `调解失败（第 ${i.failedMediations} 次）`;
      return { text: `${i.code} 已记录：${outcome}${turned}`, ref: i.code };
    }
    case 'rate': {
      const satisfied = parsed.satisfied ?? true;
      const i = await scope.incidents.step(actor, code, 'rate', { satisfied, note });
      return { text: satisfied ? `${i.code} 评价满意，${INCIDENT_STATE_LABELS[i.status as IncidentState]}` : `${i.code} 评价不满意，已退回重新办理`, ref: i.code };
    }
    default:
      throw new DomainError('BAD_USER_INPUT', `no chat form for ${event}`);
  }
}

async function progress(ctx: BotCommandContext): Promise<BotReply | null> {
  const ref = ctx.parsed.ref;
  // Instruction codes (I…) belong to the instruction plugin.
  if (ref && !ref.startsWith('E')) return null;
  const code = incidentRef(ctx);
  const i = await ctx.scope.incidents.get(ctx.actor, code);
  const state = INCIDENT_STATE_LABELS[i.status as IncidentState];
  const open = !i.closedAt;
  const overdue = open && i.deadlineAt.getTime() < ctx.now.getTime() ? '，已超期' : '';
  const due = open ? `，${formatDeadline(i.deadlineAt, ctx.scope.deps.config.timeZone)}前办结${overdue}` : '';
  return { text: `${label(i)} ${state}${due}`, ref: i.code };
}

/** The incident closed loop in the group: report, handle on the spot, progress, close, dispatch, mediate, rate. */
export const incidentPlugin: BotPlugin = {
  name: 'incident',
  commands: ['report', 'handle', 'progress', 'close', 'dispatch', 'mediate', 'rate'],
  async handle(ctx) {
    switch (ctx.parsed.command) {
      case 'report':
        return report(ctx);
      case 'progress':
        return progress(ctx);
      case 'handle':
        return step(ctx, 'handle');
      case 'close':
        return step(ctx, 'close');
      case 'dispatch':
        return step(ctx, 'dispatch');
      case 'mediate':
        return step(ctx, 'mediate');
      case 'rate':
        return step(ctx, 'rate');
      default:
        return null;
    }
  },
};

import { DomainError } from '../../domain/errors.js';
import type { IncidentEvent } from '../../domain/incident-transitions.js';
import type { BotCommandContext, BotPlugin, BotReply } from '../plugin.js';
import type { IncidentEntity } from '../../entities/incident.entity.js';
import { readDispatchTargets } from '../../domain/joint-handling.js';
import { attachedText, closedText, dispatchedText, jointDispatchedText, handledText, HANDLED_ON_SPOT_NOTE, incidentProgressText, mediatedText, possibleDuplicateText, ratedText, reportedText } from '../../texts/zh/index.js';

/** The reply to a report, with a second line when it was linked to an open incident as a possible duplicate. */
const reported = (incident: IncidentEntity, fromResident: boolean): string => {
  const original = incident.duplicateOf?.code;
  return original ? `${reportedText(incident, fromResident)}\n${possibleDuplicateText(original)}` : reportedText(incident, fromResident);
};

/** A reply with a line for the photos and place sent just before the command, when there were any. */
const withAttachments = (text: string, ctx: BotCommandContext): string => {
  const { photos, place } = ctx.attachments;
  return photos.length || place ? `${text}\n${attachedText(photos.length, place)}` : text;
};

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
    categoryGuesses: parsed.guesses,
    urgent: parsed.urgent,
    photos: ctx.attachments.photos,
    place: ctx.attachments.place,
    sourceKey: `wechat:${group.botAccount}:${ctx.messageId}`,
  });
  if (actor.role === 'resident') {
    // A resident's tip (网格粉丝): the grid's workers are told by name to check it.
    const workers = await scope.bindings.membersWithRole(group.grid!.id, ['worker', 'chief']);
    const told = workers.filter((m) => m.role === 'worker');
    const mention = told.length ? told : workers;
    return {
      text: withAttachments(reported(incident, true), ctx),
      mentionMemberIds: mention.map((m) => m.id),
      ref: incident.code,
    };
  }
  return { text: withAttachments(reported(incident, false), ctx), ref: incident.code };
}

async function step(ctx: BotCommandContext, event: IncidentEvent): Promise<BotReply> {
  const { scope, parsed, actor } = ctx;
  const code = event === 'rate' && actor.role === 'resident' && !parsed.ref ? '' : incidentRef(ctx);
  const note = parsed.text || null;
  switch (event) {
    case 'handle': {
      const i = await scope.incidents.step(actor, code, 'handle', { note: note ?? HANDLED_ON_SPOT_NOTE, photos: ctx.attachments.photos });
      return { text: withAttachments(handledText(i.code), ctx), ref: i.code };
    }
    case 'close': {
      const i = await scope.incidents.step(actor, code, 'close', { note, photos: ctx.attachments.photos });
      return { text: withAttachments(closedText(i.code), ctx), ref: i.code };
    }
    case 'dispatch': {
      const to = note ? readDispatchTargets(note) : null;
      if (!to) throw new DomainError('BAD_USER_INPUT', 'dispatch needs a department');
      // The same act as the dispatchIncident mutation: accepted on the way when not yet accepted.
      const i = await scope.incidents.step(actor, code, 'dispatch', { department: to.lead, coDepartments: to.co });
      const zone = scope.deps.config.timeZone;
      return { text: to.co.length ? jointDispatchedText(i.code, to.lead, to.co, i.deadlineAt, zone) : dispatchedText(i.code, to.lead, i.deadlineAt, zone), ref: i.code };
    }
    case 'mediate': {
      if (!parsed.outcome) throw new DomainError('BAD_USER_INPUT', 'mediation needs 成功 or 失败');
      const before = await scope.incidents.get(actor, code);
      const colourBefore = before.disputeColour;
      const i = await scope.incidents.step(actor, code, 'mediate', { outcome: parsed.outcome, note });
      const turnedYellow = colourBefore !== i.disputeColour && i.disputeColour === 'yellow';
      return { text: mediatedText(i.code, parsed.outcome, i.failedMediations, turnedYellow), ref: i.code };
    }
    case 'rate': {
      // A resident (拍拍板) may leave the code out: the incident awaiting their verdict.
      const satisfied = parsed.satisfied ?? true;
      const i = await scope.incidents.verdict(actor, { contactId: ctx.sender.contactId, name: ctx.sender.name }, code, satisfied, note);
      return { text: ratedText(i.code, satisfied, i.status), ref: i.code };
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
  return { text: incidentProgressText(i, ctx.now, ctx.scope.deps.config.timeZone), ref: i.code };
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

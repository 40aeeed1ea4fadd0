import { DomainError } from '../../domain/errors.js';
import { finishEvent } from '../../domain/joint-handling.js';
import { resolvedText, returnedText, startedText } from '../../texts/zh/index.js';
import type { BotCommandContext, BotPlugin, BotReply } from '../plugin.js';

function incidentRef(ctx: BotCommandContext): string {
  const ref = ctx.parsed.ref;
  if (!ref || !ref.startsWith('E')) throw new DomainError('BAD_USER_INPUT', 'an incident code is required');
  return ref;
}

/**
 * A department's steps from its group or a direct message (docs/bot-language.md#departments):
 * `#接单` starts, `#退回 … 原因` returns, `#办结 … 说明` resolves an incident dispatched to the
 * sender's department (a co-department: its part). `#办结` on an incident past the department's
 * steps is the centre's close, left to the incident plugin.
 */
export const departmentPlugin: BotPlugin = {
  name: 'department',
  commands: ['start', 'return', 'close'],
  async handle(ctx): Promise<BotReply | null> {
    const { scope, actor, parsed } = ctx;
    const code = incidentRef(ctx);
    const note = parsed.text || null;
    if (parsed.command === 'close') {
      const current = await scope.incidents.get(actor, code);
      if (finishEvent(current.status) !== 'resolve') return null;
      const done = await scope.incidents.departmentStep(actor, code, 'resolve', note);
      return { text: resolvedText(done.incident.code, done.department ?? '', done.part), ref: done.incident.code };
    }
    const event = parsed.command === 'start' ? 'start' : 'return';
    const done = await scope.incidents.departmentStep(actor, code, event, note);
    const text = event === 'start' ? startedText(done.incident.code, done.department ?? '', done.part) : returnedText(done.incident.code, done.department ?? '', done.part);
    return { text, ref: done.incident.code };
  },
};

import { DomainError } from '../../domain/errors.js';
import { bindContactText, bindGroupText, bindingPendingText } from '../../texts/zh/index.js';
import type { BotPlugin } from '../plugin.js';

/** `#绑定 CODE` (a contact becomes a member) and `#绑定群 GRID` (the group becomes a grid's). */
export const bindingPlugin: BotPlugin = {
  name: 'binding',
  commands: ['bind', 'bind_group'],
  async handle(ctx) {
    const bindings = ctx.scope.bindings;
    if (ctx.parsed.command === 'bind') {
      if (!ctx.parsed.ref) throw new DomainError('BAD_USER_INPUT', 'a bind code is required');
      const done = await bindings.bindContact({ id: ctx.sender.contactId, name: ctx.sender.name }, ctx.parsed.ref, ctx.group);
      if (done.pending) return { text: bindingPendingText(done.name) };
      return { text: bindContactText(done.binding.name, done.binding.actor.gridCode, done.binding.actor.role) };
    }
    if (!ctx.parsed.ref) throw new DomainError('BAD_USER_INPUT', 'a grid code is required');
    const group = await bindings.bindGroup(ctx.actor, { roomId: ctx.group.roomId, botAccount: ctx.group.botAccount, grid: ctx.parsed.ref });
    return { text: bindGroupText(group.grid!) };
  },
};

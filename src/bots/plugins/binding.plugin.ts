import { DomainError } from '../../domain/errors.js';
import { bindContactText, bindDepartmentGroupText, bindGroupText, bindingPendingText } from '../../texts/zh/index.js';
import type { BotPlugin } from '../plugin.js';

/** `#绑定 CODE` (a contact becomes a member), `#绑定群 GRID` (the group becomes a grid's) and `#绑定群` from a department's member (its department's). */
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
    if (ctx.group.direct) throw new DomainError('BAD_USER_INPUT', 'bind a group from inside it');
    if (!ctx.parsed.ref) {
      // `#绑定群` alone, from a department's member: the group becomes their department's.
      if (ctx.actor.role !== 'department') throw new DomainError('BAD_USER_INPUT', 'a grid code is required');
      const bound = await bindings.bindDepartmentGroup(ctx.actor, { roomId: ctx.group.roomId, botAccount: ctx.group.botAccount });
      return { text: bindDepartmentGroupText(bound.department!.name) };
    }
    const group = await bindings.bindGroup(ctx.actor, { roomId: ctx.group.roomId, botAccount: ctx.group.botAccount, grid: ctx.parsed.ref });
    return { text: bindGroupText(group.grid!) };
  },
};

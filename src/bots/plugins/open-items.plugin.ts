import { openItemsText } from '../../texts/zh/index.js';
import type { BotPlugin } from '../plugin.js';

/**
 * `#进度` with no code: the sender's open items in one reply (incidents they reported or must
 * act on, instructions their grid has not reported on, today's clearance). With a code, the
 * incident and instruction plugins answer.
 */
export const openItemsPlugin: BotPlugin = {
  name: 'open-items',
  commands: ['progress'],
  async handle(ctx) {
    if (ctx.parsed.ref) return null;
    const items = await ctx.scope.openItems.of(ctx.actor);
    return { text: openItemsText(items, ctx.now, ctx.scope.deps.config.timeZone) };
  },
};

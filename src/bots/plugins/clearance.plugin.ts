import { confirmationText } from '../../texts/zh/index.js';
import type { BotPlugin } from '../plugin.js';

/**
 * 日清、周清、月清 and 零报告 in the grid's group: `#日清 情况说明`, `#周清 …`, `#月清 …`,
 * `#零报告` / `#日清 零报告`. Calls the same service method as the `confirmClearance` mutation;
 * the reply says what was recorded (late, zero report, flagged with the overdue codes) or
 * that the grid had already answered.
 */
export const clearancePlugin: BotPlugin = {
  name: 'clearance',
  commands: ['clearance', 'zero_report'],
  async handle(ctx) {
    const { scope, parsed, group, actor } = ctx;
    const result = await scope.clearance.confirm(actor, {
      grid: group.grid!.code,
      period: parsed.period ?? 'daily',
      note: parsed.text || null,
      zeroReport: parsed.command === 'zero_report',
      source: 'bot',
    });
    return { text: confirmationText(result, scope.deps.config.timeZone), ref: result.round.code };
  },
};

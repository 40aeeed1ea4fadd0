import { commandHelp, helpText } from '../../domain/chat/index.js';
import type { BotPlugin } from '../plugin.js';

/** `#帮助` prints the command table; an unknown `#word` gets a one-line hint. */
export const helpPlugin: BotPlugin = {
  name: 'help',
  commands: ['help', 'unknown'],
  handle(ctx) {
    if (ctx.parsed.command === 'help') return Promise.resolve({ text: helpText() });
    const report = commandHelp('report')!;
    return Promise.resolve({ text: `没看懂这个指令。上报请发：${report.usage}，全部用法发 #帮助` });
  },
};

import { helpReplyText, unknownCommandText } from '../../texts/zh/index.js';
import type { BotPlugin } from '../plugin.js';

/** `#帮助` prints the command table; an unknown `#word` gets a one-line hint. */
export const helpPlugin: BotPlugin = {
  name: 'help',
  commands: ['help', 'unknown'],
  handle(ctx) {
    return Promise.resolve({ text: ctx.parsed.command === 'help' ? helpReplyText() : unknownCommandText() });
  },
};

import { createInterface } from 'node:readline';
import { describeParsed, parseMessage } from '../domain/chat/index.js';

const describe = (text: string): string => JSON.stringify(describeParsed(parseMessage(text)));

/**
 * `gridhub parse`: what the bot understands in one message (docs/bot-language.md). With `jsonl`,
 * each input line is one message as a JSON string, so a message may hold line breaks.
 */
export async function runParse(text: string, jsonl: boolean): Promise<void> {
  if (!jsonl) {
    process.stdout.write(`${describe(text)}\n`);
    return;
  }
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  let n = 0;
  for await (const line of lines) {
    n++;
    if (line.trim() === '') continue;
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch {
      message = undefined;
    }
    if (typeof message !== 'string') {
      process.stderr.write(`gridhub parse: line ${n} is not a JSON string\n`);
      process.exitCode = 2;
      continue;
    }
    process.stdout.write(`${describe(message)}\n`);
  }
}

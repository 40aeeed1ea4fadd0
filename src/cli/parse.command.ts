import { createInterface } from 'node:readline';
import { categoriseWith, describeParsed, parseMessage, type Categorise } from '../domain/chat/index.js';
import { loadCategoryClassifier } from '../infra/category-model.js';

const describe = (text: string, categorise: Categorise): string => JSON.stringify(describeParsed(parseMessage(text, categorise)));

/**
 * `gridhub parse`: what the bot understands in one message (docs/bot-language.md). With `jsonl`,
 * each input line is one message as a JSON string, so a message may hold line breaks.
 */
export async function runParse(text: string, jsonl: boolean): Promise<void> {
  // The same classifier the hub loads, so `category` and `confidence` are what the bot files.
  const categorise = categoriseWith(loadCategoryClassifier());
  if (!jsonl) {
    process.stdout.write(`${describe(text, categorise)}\n`);
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
    process.stdout.write(`${describe(message, categorise)}\n`);
  }
}

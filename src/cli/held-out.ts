import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHAT_COMMANDS, type ChatCommand } from '../domain/chat/chat-commands.js';
import { describeParsed, parseMessage, type Categorise } from '../domain/chat/parse-message.js';
import { CORPUS_DIR, readLabelledReports, type LabelledReport } from './chat-corpus.js';

/**
 * The held-out sets of issue 13, written apart from the corpus, the parser's tables and their
 * tests, and never used to train or tune anything (data/chat-corpus/heldout/README.md):
 * - `reports.tsv` (set B), `reports-c.tsv` (set C) and `reports-d.tsv` (set D: rural, urban-village
 *   and new commercial grids), C and D written later by other hands, 30 a category: grid
 *   reports labelled with their category;
 * - `commands.tsv`: messages labelled with the command the bot must read (bare forms, `#`
 *   commands, chat that is not a command) and the fields it must get right.
 */
export const HELD_OUT_DIR = (): string => join(CORPUS_DIR(), 'heldout');
export const HELD_OUT_REPORTS_FILE = (): string => join(HELD_OUT_DIR(), 'reports.tsv');
/** The report sets never seen, by name: each is measured on its own and all together. */
export const HELD_OUT_REPORT_SETS = (): ReadonlyArray<{ name: string; file: string }> => [
  { name: 'B', file: HELD_OUT_REPORTS_FILE() },
  { name: 'C', file: join(HELD_OUT_DIR(), 'reports-c.tsv') },
  { name: 'D', file: join(HELD_OUT_DIR(), 'reports-d.tsv') },
];
export const HELD_OUT_COMMANDS_FILE = (): string => join(HELD_OUT_DIR(), 'commands.tsv');

export const readHeldOutReports = (file = HELD_OUT_REPORTS_FILE()): LabelledReport[] => readLabelledReports(file);

/** One message of the command set and what the parser must read in it. */
export interface CommandCase {
  readonly line: number;
  readonly command: ChatCommand;
  readonly text: string;
  /** Fields of `gridhub parse --json` that must match (`urgent`, `period`, `ref`, …). */
  readonly checks: Readonly<Record<string, string | boolean>>;
}

const isChatCommand = (s: string): s is ChatCommand => (CHAT_COMMANDS as readonly string[]).includes(s);

/** Reads `command<TAB>text<TAB>checks` (`\n` in text is a line break; `#` lines are comments). */
export function readCommandCases(file = HELD_OUT_COMMANDS_FILE()): CommandCase[] {
  const cases: CommandCase[] = [];
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((raw, i) => {
      const line = raw.replace(/\r$/, '');
      if (!line.trim() || line.startsWith('# ') || line === '#' || line.startsWith('command\t')) return;
      const [command = '', text = '', checks = ''] = line.split('\t');
      if (!isChatCommand(command)) throw new Error(`commands.tsv:${i + 1}: unknown command "${command}"`);
      const parsed: Record<string, string | boolean> = {};
      for (const pair of checks.split(/\s+/).filter(Boolean)) {
        const [key = '', value = ''] = pair.split('=');
        parsed[key] = value === 'true' ? true : value === 'false' ? false : value;
      }
      cases.push({ line: i + 1, command, text: text.replace(/\\n/g, '\n'), checks: parsed });
    });
  return cases;
}

/** The cases the parser reads wrongly (command or a checked field), with what it read. */
export function commandMisses(cases: readonly CommandCase[], categorise?: Categorise): Array<{ case: CommandCase; got: Record<string, unknown> }> {
  return cases.flatMap((c) => {
    const got = describeParsed(parseMessage(c.text, categorise)) as unknown as Record<string, unknown>;
    const right = got['command'] === c.command && Object.entries(c.checks).every(([k, v]) => got[k] === v);
    return right ? [] : [{ case: c, got }];
  });
}

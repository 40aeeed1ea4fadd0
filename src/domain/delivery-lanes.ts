import type { InstructionGrade } from './instruction-grades.js';

/**
 * Priority lanes of the bot's outbox as data (issue 11): what every account sends first.
 * Lower goes first; within one lane, oldest first. A lane with `promoteAfterMs` jumps the
 * queue once a message of it has waited that long, so a reply to someone who just wrote never
 * waits behind a broadcast for more than that (plus one send).
 */
export const DELIVERY_LANES = ['urgent', 'reply', 'routine', 'chase', 'bulk'] as const;
export type DeliveryLane = (typeof DELIVERY_LANES)[number];

export interface LanePolicy {
  /** The `priority` stored on the message (0 first). */
  readonly priority: number;
  /** After this wait the message is taken before every lane (null: never promoted). */
  readonly promoteAfterMs: number | null;
  readonly description: string;
}

export const LANE_POLICY: Readonly<Record<DeliveryLane, LanePolicy>> = Object.freeze({
  urgent: { priority: 0, promoteAfterMs: null, description: 'grade I/II instructions, their amendments and cancellations' },
  reply: { priority: 1, promoteAfterMs: 500, description: 'replies to people who just wrote' },
  routine: { priority: 2, promoteAfterMs: null, description: 'grade III/IV instructions, their amendments and cancellations' },
  chase: { priority: 3, promoteAfterMs: null, description: 'reminders and chasing, dispatches to departments, merge notices' },
  bulk: { priority: 4, promoteAfterMs: null, description: 'roll-calls and summaries (clearance lists, missed reports)' },
});

/** Every message the hub sends, by what it is, and the lane it travels in. */
export const MESSAGE_LANES = Object.freeze({
  instruction: { I: 'urgent', II: 'urgent', III: 'routine', IV: 'routine' } as Readonly<Record<InstructionGrade, DeliveryLane>>,
  reply: 'reply',
  bindAlert: 'routine',
  instructionReminder: 'chase',
  dispatch: 'chase',
  departmentNotice: 'chase',
  escalation: 'chase',
  verdictQuestion: 'routine',
  merge: 'chase',
  clearanceReminder: 'chase',
  rollcall: 'bulk',
  missedSummary: 'bulk',
} as const);

/** The stored priority of a lane. */
export const priorityOf = (lane: DeliveryLane): number => LANE_POLICY[lane].priority;

/** The priority of an instruction's messages (issue, amendment, cancellation) by its grade. */
export const instructionPriority = (grade: InstructionGrade): number => priorityOf(MESSAGE_LANES.instruction[grade]);

/** The lane a stored priority belongs to. */
export function laneOf(priority: number): DeliveryLane {
  const lane = DELIVERY_LANES.find((l) => LANE_POLICY[l].priority === priority);
  if (!lane) throw new Error(`no delivery lane has priority ${priority}`);
  return lane;
}

import { DateTime } from 'luxon';
import type { InstructionGrade } from './instruction-grades.js';

/**
 * An instruction as a CAP 1.2 alert (OASIS Common Alerting Protocol 1.2): the grade decides how
 * bad, how soon and how sure; each act on the instruction (issue, amend, cancel) is one message.
 */
export const CAP_NAMESPACE = 'urn:oasis:names:tc:emergency:cap:1.2';

/** CAP 1.2 value lists (section 3.2) that our alerts draw from; tests check against the same lists. */
export const CAP_MSG_TYPES = ['Alert', 'Update', 'Cancel', 'Ack', 'Error'] as const;
export const CAP_STATUSES = ['Actual', 'Exercise', 'System', 'Test', 'Draft'] as const;
export const CAP_SCOPES = ['Public', 'Restricted', 'Private'] as const;
export const CAP_CATEGORIES = ['Geo', 'Met', 'Safety', 'Security', 'Rescue', 'Fire', 'Health', 'Env', 'Transport', 'Infra', 'CBRNE', 'Other'] as const;
export const CAP_URGENCIES = ['Immediate', 'Expected', 'Future', 'Past', 'Unknown'] as const;
export const CAP_SEVERITIES = ['Extreme', 'Severe', 'Moderate', 'Minor', 'Unknown'] as const;
export const CAP_CERTAINTIES = ['Observed', 'Likely', 'Possible', 'Unlikely', 'Unknown'] as const;

/** One value of a CAP value list. */
type OneOf<List extends readonly string[]> = List[number];

export interface CapGrading {
  readonly urgency: OneOf<typeof CAP_URGENCIES>;
  readonly severity: OneOf<typeof CAP_SEVERITIES>;
  readonly certainty: OneOf<typeof CAP_CERTAINTIES>;
}

/**
 * The emergency disposition grades (特别重大 … 一般) in CAP terms. Grades I and II call for action
 * now on an event that has happened; III is expected within hours; IV within the day or later.
 */
export const CAP_GRADING: Readonly<Record<InstructionGrade, CapGrading>> = Object.freeze({
  I: { urgency: 'Immediate', severity: 'Extreme', certainty: 'Observed' },
  II: { urgency: 'Immediate', severity: 'Severe', certainty: 'Observed' },
  III: { urgency: 'Expected', severity: 'Moderate', certainty: 'Likely' },
  IV: { urgency: 'Future', severity: 'Minor', certainty: 'Likely' },
});

/** Instructions are tasks for the grid teams, not a hazard class: CAP's general public-safety category. */
export const CAP_CATEGORY = 'Safety' as const;

/** What was done to the instruction: the issue (seq 0), or update `seq` of kind amend/cancel. */
export type InstructionAct = 'issue' | 'amend' | 'cancel';

export const CAP_MSG_TYPE: Readonly<Record<InstructionAct, OneOf<typeof CAP_MSG_TYPES>>> = Object.freeze({ issue: 'Alert', amend: 'Update', cancel: 'Cancel' });

/** CAP date-times: seconds, an explicit offset, never `Z` (CAP 1.2 section 3.3.2). */
export const capDateTime = (at: Date, timeZone: string): string => DateTime.fromJSDate(at, { zone: timeZone }).toFormat("yyyy-MM-dd'T'HH:mm:ssZZ");

/** The identifier of an instruction's message: the issue is `urn:gridhub:I…`, update n is `urn:gridhub:I…:n`. */
export const capIdentifier = (code: string, seq: number): string => (seq === 0 ? `urn:gridhub:${code}` : `urn:gridhub:${code}:${seq}`);

/** One earlier message, as CAP's `references` names it: `sender,identifier,sent`. */
export interface CapRef {
  readonly sender: string;
  readonly identifier: string;
  readonly sent: string;
}

/** The `references` value: every earlier message of the instruction, space-separated, oldest first. */
export const capReferences = (earlier: readonly CapRef[]): string => earlier.map((r) => `${r.sender},${r.identifier},${r.sent}`).join(' ');

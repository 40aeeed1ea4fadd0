import type { CategoryId } from './categories.js';
import { DomainError } from './errors.js';

/**
 * Dispute colours (docs/domain-rules.md#disputes), by urgency, difficulty and likely consequences. Only incidents of
 * category `dispute` carry one.
 */
export const DISPUTE_COLOURS = ['red', 'yellow', 'blue'] as const;
export type DisputeColour = (typeof DISPUTE_COLOURS)[number];

export const DISPUTE_COLOUR_LABELS: Record<DisputeColour, string> = {
  red: '红色（紧急，立即处置）',
  yellow: '黄色（复杂，多部门联合处置）',
  blue: '蓝色（一般，直接处置）',
};

export const isDisputeColour = (value: string): value is DisputeColour => (DISPUTE_COLOURS as readonly string[]).includes(value);

export const MEDIATION_OUTCOMES = ['success', 'failure'] as const;
export type MediationOutcome = (typeof MEDIATION_OUTCOMES)[number];

export const MEDIATION_OUTCOME_LABELS: Record<MediationOutcome, string> = { success: '调解成功', failure: '调解失败' };

/** "A blue case whose mediation fails three times turns yellow." */
export const BLUE_TO_YELLOW_AFTER_FAILURES = 3;

/**
 * The colour a dispute carries after `failedCount` failed mediations in all. Only blue moves
 * (to yellow, from the third failure on); red and yellow stay as they are: the domain names no
 * further automatic rule, and people can always recolour.
 */
export function afterMediation(colour: DisputeColour, failedCount: number): DisputeColour {
  return colour === 'blue' && failedCount >= BLUE_TO_YELLOW_AFTER_FAILURES ? 'yellow' : colour;
}

/** A dispute's mediation record as the service keeps it beside the incident. */
export interface MediationState {
  readonly colour: DisputeColour;
  /** Failed attempts so far, never reset: a success after two failures does not wipe them. */
  readonly failedMediations: number;
}

export interface MediationResult extends MediationState {
  /** True when this attempt moved the colour (blue → yellow), so the service can notify. */
  readonly colourChanged: boolean;
}

/**
 * Records one attempt. Rules: a failure counts (and may turn blue to yellow); a success counts
 * nothing and changes no colour, because whether the matter is then settled is a separate step
 * (`handle` or `resolve`) on the incident; colours never go down automatically.
 */
export function recordMediation(current: MediationState, outcome: MediationOutcome): MediationResult {
  if (!(MEDIATION_OUTCOMES as readonly string[]).includes(outcome)) {
    throw new DomainError('BAD_USER_INPUT', `mediation outcome must be one of ${MEDIATION_OUTCOMES.join(', ')}`, { reason: 'BAD_MEDIATION_OUTCOME', outcome });
  }
  const failedMediations = current.failedMediations + (outcome === 'failure' ? 1 : 0);
  const colour = afterMediation(current.colour, failedMediations);
  return { colour, failedMediations, colourChanged: colour !== current.colour };
}

/** Only disputes are mediated. */
export function assertMediable(category: CategoryId): void {
  if (category !== 'dispute') {
    throw new DomainError('BAD_USER_INPUT', `only disputes are mediated, this incident is ${category}`, { reason: 'NOT_A_DISPUTE', category });
  }
}

/**
 * The colour a new incident gets: the one given for a dispute, else red when reported urgent and
 * blue otherwise (the general case); null for any other category, which may not carry a colour.
 */
export function initialDisputeColour(input: { category: CategoryId; urgent?: boolean; colour?: DisputeColour | null }): DisputeColour | null {
  if (input.category !== 'dispute') {
    if (input.colour != null) {
      throw new DomainError('BAD_USER_INPUT', 'only disputes carry a colour', { reason: 'NOT_A_DISPUTE', category: input.category, colour: input.colour });
    }
    return null;
  }
  if (input.colour != null) return input.colour;
  return input.urgent ? 'red' : 'blue';
}

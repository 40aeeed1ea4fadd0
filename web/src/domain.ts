/**
 * The hub's own rules and words, imported from src/domain (pure TypeScript, no I/O) so the page
 * offers exactly the steps the server accepts and names things as the bot does. Every import
 * from src/ goes through this file, so a move on the server side is fixed here once.
 */
export { allowedEvents, INCIDENT_EVENT_LABELS, INCIDENT_STATE_LABELS, OPEN_STATES, REJECT_REASONS, REJECT_REASON_LABELS, REQUIRED_INPUT } from '../../src/domain/incident-transitions';
export type { IncidentActorRole, IncidentEvent, IncidentState, TransitionField } from '../../src/domain/incident-transitions';
export { CATEGORIES, categoryLabel, type CategoryId } from '../../src/domain/categories';
export { GRID_LEVEL_LABELS, GRID_LEVELS, levelRank, type GridLevel } from '../../src/domain/grid-levels';
export { ROLE_LABELS, ACTOR_ROLE_LABELS, type Role } from '../../src/domain/roles';
export { assertMediable, DISPUTE_COLOUR_LABELS, MEDIATION_OUTCOME_LABELS, type DisputeColour } from '../../src/domain/dispute-colours';
export { GRADE_LABELS, GRADE_POLICY, ISSUER_ROLES, INSTRUCTION_GRADES, type InstructionGrade } from '../../src/domain/instruction-grades';

/**
 * Every word the hub says to people in Chinese: bot replies, messages the services queue to
 * groups (instruction broadcasts, clearance roll-calls, chases), refusals rendered from
 * DomainError codes and details, and how times and durations read. A second language would
 * be a sibling folder with the same exports. Labels of domain values (states, roles, grades)
 * stay in their domain tables, which the chat vocabulary reads too.
 */
export * from './chat.js';
export * from './clearance.js';
export * from './delivery.js';
export * from './incident.js';
export * from './instruction.js';
export * from './open-items.js';
export * from './refusals.js';
export * from './time.js';
export * from './limits.js';

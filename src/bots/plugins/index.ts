import type { BotPlugin } from '../plugin.js';
import { bindingPlugin } from './binding.plugin.js';
import { clearancePlugin } from './clearance.plugin.js';
import { departmentPlugin } from './department.plugin.js';
import { helpPlugin } from './help.plugin.js';
import { incidentPlugin } from './incident.plugin.js';
import { instructionPlugin } from './instruction.plugin.js';
import { openItemsPlugin } from './open-items.plugin.js';

/**
 * Every bot feature. For a command, plugins are asked in this order and the first reply that
 * is not null is the answer (so `#进度 E…` and `#进度 I…` can live in different plugins).
 */
export const PLUGINS: readonly BotPlugin[] = [bindingPlugin, helpPlugin, departmentPlugin, openItemsPlugin, incidentPlugin, instructionPlugin, clearancePlugin];

// Every stage table wg-policy has, and the stage names they claim (rule ids and `disable` entries are namespaced by them).
import { GATE_TABLE } from './gate.js';
import { SPAWN_TABLE } from './spawn.js';
import type { StageTable } from '../policy/stage.js';

export { GATE_TABLE } from './gate.js';
export { SPAWN_TABLE } from './spawn.js';

/** Every policy set: spawn planning and the gates. */
export const TABLES: readonly StageTable[] = [SPAWN_TABLE, GATE_TABLE];

/** Every stage name of every table. */
export const NAMESPACES: readonly string[] = TABLES.flatMap((t) => t.stages.map((s) => s.name));

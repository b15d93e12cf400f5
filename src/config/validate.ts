// wg's validate_model_format on the merged config: bare or unknown model specs and deprecated `provider` keys fail wg's load.
import { PolicyError } from '../shared/errors.js';
import type { ConfigFile } from './load-toml.js';
import { strictSpecProblem } from './model-spec.js';
import { ROLES, WG_IGNORES_FILE } from './schema.js';

type Layered = { file: ConfigFile; path: string[]; value: unknown };

const own = (o: unknown, k: string): unknown =>
  o && typeof o === 'object' && !Array.isArray(o) && Object.prototype.hasOwnProperty.call(o, k) ? (o as Record<string, unknown>)[k] : undefined;
const at = (root: unknown, path: readonly string[]): unknown => path.reduce<unknown>((cur, k) => own(cur, k), root);

/** The merged value of a key (local wins over global, as wg's merge does), with the file it came from. */
function effective(local: ConfigFile, global: ConfigFile, path: string[], skipGlobal = false): Layered | undefined {
  const l = at(local.data, path);
  if (l !== undefined) return { file: local, path, value: l };
  const g = skipGlobal ? undefined : at(global.data, path);
  return g === undefined ? undefined : { file: global, path, value: g };
}

function fail(code: 'config-model-format' | 'config-deprecated-key', v: Layered, sentence: string): never {
  const written = v.file.aliases.get(v.path.join('.')) ?? v.path.join('.');
  const pos = v.file.positionOf(v.path);
  throw new PolicyError(code, `\`${written}\` ${sentence}; ${WG_IGNORES_FILE}`, { file: v.file.file, line: pos?.line, column: pos?.column, key: written });
}

/**
 * Refuses what wg's `validate_model_format` refuses, in wg's order: `[agent].model`, `[dispatcher].model` and
 * `.provider`, each `[models.<role>]` `.model` and `.provider`, `[tiers]`. A global-only `[models.<role>].model` is
 * not checked when the project sets `[agent].model` (wg strips it before validating).
 */
export function validateModelFormat(local: ConfigFile, global: ConfigFile): void {
  const spec = (v: Layered | undefined) => {
    if (v === undefined || typeof v.value !== 'string') return;
    const problem = strictSpecProblem(v.value);
    if (problem) fail('config-model-format', v, `= "${v.value}" ${problem}`);
  };
  const deprecated = (v: Layered | undefined, instead: string) => {
    if (v !== undefined) fail('config-deprecated-key', v, `is deprecated in wg (put the provider in \`${instead}\` as provider:model)`);
  };
  spec(effective(local, global, ['agent', 'model']));
  spec(effective(local, global, ['dispatcher', 'model']));
  deprecated(effective(local, global, ['dispatcher', 'provider']), 'dispatcher.model');
  const agentModelIsLocal = typeof at(local.data, ['agent', 'model']) === 'string';
  for (const role of ROLES) {
    const localHasRole = at(local.data, ['models', role]) !== undefined;
    spec(effective(local, global, ['models', role, 'model'], agentModelIsLocal && !localHasRole));
    deprecated(effective(local, global, ['models', role, 'provider']), `models.${role}.model`);
  }
  for (const tier of ['fast', 'standard', 'premium']) spec(effective(local, global, ['tiers', tier]));
}

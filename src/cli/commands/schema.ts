// `wg-policy schema`: the JSON Schema of the policy file format on stdout.
import { policyJsonSchema } from '../../check/json-schema.js';
import { TABLES } from '../../stages/index.js';
import { printJson } from '../output.js';

export function runSchema(): void {
  printJson(policyJsonSchema(TABLES));
}

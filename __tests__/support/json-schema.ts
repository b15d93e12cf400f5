// Validates data against a JSON Schema (draft 2020-12) with ajv, for the tests of generated schemas.
import Ajv2020 from 'ajv/dist/2020.js';

const ajv = new Ajv2020.default({ allErrors: true, strict: false });

/** The validation errors (`path: message`), empty when the data is valid. */
const compiled = new WeakMap<object, ReturnType<typeof ajv.compile>>();

export function validate(schema: Record<string, unknown>, data: unknown): string[] {
  let check = compiled.get(schema);
  if (!check) compiled.set(schema, (check = ajv.compile(schema)));
  return check(data) ? [] : (check.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message}`);
}

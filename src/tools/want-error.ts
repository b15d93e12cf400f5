// The expected-error shape every case format shares: a code, where it points, and words it must contain.
import * as z from 'zod/mini';
import { ERROR_CODES } from '../shared/errors.js';

/** An expected error: its code (required), where it points, and optionally words its message must contain. */
export const WantErrorSchema = z.strictObject({
  code: z.enum(Object.keys(ERROR_CODES) as [keyof typeof ERROR_CODES, ...Array<keyof typeof ERROR_CODES>]),
  file: z.optional(z.string()),
  line: z.optional(z.int()),
  column: z.optional(z.int()),
  key: z.optional(z.string()),
  rule: z.optional(z.string()),
  message: z.optional(z.array(z.string())),
  /** Words the error's help line must contain. */
  help: z.optional(z.array(z.string())),
});
export type WantError = z.infer<typeof WantErrorSchema>;

// The gates a gate policy file may name in `gate:`.
export const GATE_FIELDS: readonly string[] = ['done'];

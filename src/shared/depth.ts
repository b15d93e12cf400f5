// How deeply parsed data nests, measured without recursion: data from TOML, task JSON or a request may nest deeper
// than the stack of any recursive walk (or JSON.stringify) goes.

/**
 * True when objects and arrays in `root` nest more than `limit` levels deep (`root`, when it is one, is level 1; a
 * `Date` counts as a value, not a level). Stops at the first too deep.
 */
export function nestsDeeperThan(root: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[root, 1]];
  while (stack.length > 0) {
    const [v, level] = stack.pop()!;
    if (v === null || typeof v !== 'object' || v instanceof Date) continue;
    if (level > limit) return true;
    for (const child of Object.values(v)) if (child !== null && typeof child === 'object') stack.push([child, level + 1]);
  }
  return false;
}

// Rows for people and for pipes: an aligned table with a header in a terminal, plain tab-separated lines otherwise.
import { escapeUnprintable } from './guard-output.js';

/**
 * Untrusted text (a task id an agent wrote) with control characters, tabs, line breaks and invisible bidi or separator
 * characters shown as `\uNNNN`, so it neither drives the terminal nor forges a field or line.
 */
export function printable(text: string): string {
  return escapeUnprintable(text);
}

/** One tab-separated line: no field can hold a tab or a line break. */
export function tsvLine(cells: readonly string[]): string {
  return cells.map(printable).join('\t');
}

/** The widest a column is padded to. */
export const MAX_WIDTH = 64;

/**
 * Aligned columns (two spaces apart; the last column is not padded) under a header. `style` may colour a cell
 * (given its row, -1 for the header, and column) after it was padded, so colour never shifts the alignment.
 */
export function alignedTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  style?: (text: string, row: number, col: number) => string,
): string[] {
  const all = [header, ...rows].map((r) => r.map(printable));
  // A column is as wide as its widest cell up to MAX_WIDTH: a longer cell (an agent's 200,000-character task id) runs
  // on in its own row rather than padding every other row to its width.
  const widths = header.map((_, c) => Math.min(MAX_WIDTH, Math.max(...all.map((r) => [...(r[c] ?? '')].length))));
  return all.map((r, i) =>
    r
      .map((cell, c) => {
        const padded = c === r.length - 1 ? cell : cell + ' '.repeat(Math.max(0, widths[c] - [...cell].length));
        return style ? style(padded, i - 1, c) : padded;
      })
      .join('  ')
      .trimEnd(),
  );
}

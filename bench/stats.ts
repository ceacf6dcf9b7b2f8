/**
 * Figures over runs (min / median / max) and the one table format used on stdout and in RESULTS.md
 * (a Markdown table padded to line up in a terminal). Internal to the benchmarks.
 */

export interface Spread {
  readonly min: number;
  readonly median: number;
  readonly max: number;
}

/** Min, median (mean of the middle two for an even count) and max; NaN for no values. */
export function spread(values: readonly number[]): Spread {
  if (values.length === 0) return { min: Number.NaN, median: Number.NaN, max: Number.NaN };
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { min: sorted[0]!, median, max: sorted[sorted.length - 1]! };
}

/** A number with `digits` decimals, whole numbers grouped by thousands with commas. */
export function num(value: number, digits = 0): string {
  if (!Number.isFinite(value)) return 'n/a';
  const text = value.toFixed(digits);
  return digits === 0 ? text.replace(/\B(?=(\d{3})+(?!\d))/g, ',') : text;
}

/** `min / median / max` of the values, each with `digits` decimals. */
export function mmm(values: readonly number[], digits = 0, unit = ''): string {
  const s = spread(values);
  return `${num(s.min, digits)} / ${num(s.median, digits)} / ${num(s.max, digits)}${unit}`;
}

/** A Markdown table whose columns are padded to the widest cell; numeric-looking columns align right. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const right = headers.map((_, i) => i > 0 && rows.every((r) => /^[\d\s.,/%×—n/a-]+$/.test(r[i] ?? '')));
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((c, i) => (right[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (right[i] ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  return [line(headers), rule, ...rows.map(line)].join('\n');
}

/** The `q` quantile (0..1) of values already sorted ascending, nearest rank. */
export function sortedQuantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

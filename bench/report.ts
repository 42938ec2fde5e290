/**
 * The benchmark table: rows, verdicts and formatting. Pure functions, so they are unit-tested
 * (tests/bench/report.test.ts) without running a benchmark.
 */

/**
 * - `pass` / `short`: the figure meets / misses its target;
 * - `info`: reported, no target (e.g. what signature verification costs);
 * - `not available`: the gateway cannot do this yet; not a failure of the run;
 * - `failed`: the scenario did not produce a valid figure (errors, wrong answers).
 */
export type Verdict = 'pass' | 'short' | 'info' | 'not available' | 'failed';

/** One line of the table (and of the JSON file, with its details). */
export interface Row {
  /** Scenario id, as `--alleen` takes it. */
  readonly id: string;
  readonly scenario: string;
  readonly figure: string;
  /** The baseline measured in the same run, or '—'. */
  readonly baseline: string;
  /** Figure over baseline, when both are numbers of the same kind. */
  readonly ratio?: number;
  readonly target: string;
  readonly verdict: Verdict;
  /** Every number behind the row, for comparing runs. */
  readonly details?: Readonly<Record<string, unknown>>;
}

/** figure / baseline, or undefined when either is missing or the baseline is not positive. */
export function ratioOf(figure: number | undefined, baseline: number | undefined): number | undefined {
  if (figure === undefined || baseline === undefined || !Number.isFinite(figure) || !Number.isFinite(baseline) || baseline <= 0) return undefined;
  return figure / baseline;
}

/** `pass` when `value` ≥ `minimum`, `short` when below, `failed` when there is no value. */
export function atLeast(value: number | undefined, minimum: number): Verdict {
  if (value === undefined || Number.isNaN(value)) return 'failed';
  return value >= minimum ? 'pass' : 'short';
}

/** `pass` when `value` ≤ `maximum`, `short` when above, `failed` when there is no value. */
export function atMost(value: number | undefined, maximum: number): Verdict {
  if (value === undefined || Number.isNaN(value)) return 'failed';
  return value <= maximum ? 'pass' : 'short';
}

/** The worst of several verdicts: failed, short, pass; `info` and `not available` only when alone. */
export function worst(...verdicts: Verdict[]): Verdict {
  for (const v of ['failed', 'short', 'pass', 'info', 'not available'] as const) if (verdicts.includes(v)) return v;
  return 'info';
}

/** A count or rate for the table: thousands separated, no decimals above 100, one below. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return '—';
  return value.toLocaleString('en-US', { maximumFractionDigits: Math.abs(value) >= 100 ? 0 : 1 });
}

/** A ratio as `0.72`, or `—`. */
export function formatRatio(ratio: number | undefined): string {
  return ratio === undefined ? '—' : ratio.toFixed(2);
}

/** Bytes as MB (10^6), the unit of the memory target. */
export function formatMegabytes(bytes: number | undefined): string {
  return bytes === undefined ? 'unknown' : `${Math.round(bytes / 1e6)} MB`;
}

/** The table as Markdown (readable in a terminal, and pasted as is into BENCHMARKS.md). */
export function formatTable(rows: readonly Row[]): string {
  const header = ['scenario', 'figure', 'baseline (same run)', 'ratio', 'target', 'verdict'];
  const cells = rows.map((r) => [r.scenario, r.figure, r.baseline, formatRatio(r.ratio), r.target, r.verdict]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (values: readonly string[]) => `| ${values.map((v, i) => v.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)].join('\n');
}

import t from 'tap';
import { atLeast, atMost, formatMegabytes, formatNumber, formatRatio, formatTable, ratioOf, worst, type Row } from '../../bench/report.js';

t.test('ratio of a figure to its baseline', async (t) => {
  t.equal(ratioOf(600, 1000), 0.6);
  t.equal(ratioOf(600, 0), undefined, 'no ratio against a zero baseline');
  t.equal(ratioOf(undefined, 1000), undefined);
  t.equal(ratioOf(600, Number.NaN), undefined);
});

t.test('verdicts against a target', async (t) => {
  t.equal(atLeast(0.6, 0.6), 'pass', 'the target itself passes');
  t.equal(atLeast(0.59, 0.6), 'short');
  t.equal(atLeast(undefined, 0.6), 'failed', 'no figure is a failed scenario, not a short one');
  t.equal(atMost(100, 100), 'pass');
  t.equal(atMost(101, 100), 'short');
  t.equal(atMost(Number.NaN, 100), 'failed');
  t.equal(worst('pass', 'short'), 'short');
  t.equal(worst('pass', 'failed', 'short'), 'failed');
  t.equal(worst('info', 'pass'), 'pass');
  t.equal(worst('not available'), 'not available');
});

t.test('numbers as the table shows them', async (t) => {
  t.equal(formatNumber(12345.6), '12,346');
  t.equal(formatNumber(7.25), '7.3');
  t.equal(formatNumber(Number.POSITIVE_INFINITY), '—');
  t.equal(formatRatio(0.6149), '0.61');
  t.equal(formatRatio(undefined), '—');
  t.equal(formatMegabytes(294_461_440), '294 MB');
  t.equal(formatMegabytes(undefined), 'unknown');
});

t.test('the table is Markdown with aligned columns', async (t) => {
  const rows: Row[] = [
    { id: 'a', scenario: 'look-up', figure: '1,000 req/s', baseline: 'bare: 2,000 req/s', ratio: 0.5, target: '≥ 0.6 × bare', verdict: 'short' },
    { id: 'b', scenario: 'file', figure: 'not available yet', baseline: '—', target: '≥ 25,000 lines/s', verdict: 'not available' },
  ];
  const lines = formatTable(rows).split('\n');
  t.equal(lines.length, 4);
  t.match(lines[0], /^\| scenario +\| figure +\| baseline \(same run\) +\| ratio \| target +\| verdict +\|$/);
  t.match(lines[1], /^\|-+\|-+\|-+\|-+\|-+\|-+\|$/);
  t.match(lines[2], /\| 0\.50 +\| ≥ 0\.6 × bare +\| short +\|$/);
  t.match(lines[3], /\| — +\| ≥ 25,000 lines\/s \| not available \|$/);
  t.ok(lines.every((l) => l.length === lines[0]!.length), 'every line as wide as the header');
});

import { Writable } from 'node:stream';
import t from 'tap';
import type { Aanlevering, UploadProgress } from '../../../sdk/index.js';
import { UploadProgressBar } from '../../../src/cli/upload-progress-bar.js';

/** A stream that records what is written, posing as a terminal or not. */
function stream(tty: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  let text = '';
  const out = new Writable({ write(chunk, _encoding, done) { text += String(chunk); done(); } });
  Object.assign(out, { isTTY: tty, columns: 120, cursorTo: () => true, clearLine: () => true, moveCursor: () => true });
  return { stream: out as unknown as NodeJS.WriteStream, text: () => text };
}

const report = (totaal: number) => ({ id: 'a', status: totaal === 1000 ? 'VERWERKT' : 'IN_VERWERKING', aantallen: { totaal } } as unknown as Aanlevering);
const events: UploadProgress[] = [
  { phase: 'digest', bytes: 2_000_000, totalBytes: 4_000_000, lines: 500 },
  { phase: 'digest', bytes: 4_000_000, totalBytes: 4_000_000, lines: 1000 },
  { phase: 'upload', bytes: 4_000_000, totalBytes: 4_000_000, lines: 1000 },
  { phase: 'processing', bytes: 4_000_000, totalBytes: 4_000_000, lines: 400, aanlevering: report(400) },
  { phase: 'processing', bytes: 4_000_000, totalBytes: 4_000_000, lines: 1000, aanlevering: report(1000) },
];

t.test('on a terminal: a bar per phase, processing measured in lines against the lines sent', async (t) => {
  const out = stream(true);
  const bar = new UploadProgressBar(out.stream);
  for (const event of events) bar.update(event);
  bar.stop();
  const text = out.text();
  t.match(text, /signing +\|.*\| 100% \| 4\.0 MB of 4\.0 MB, 1,000 lines/);
  t.match(text, /sending +\|.*\| 100% \| 4\.0 MB of 4\.0 MB, 1,000 lines/);
  t.match(text, /processing \|.*\| 100% \| 1,000 of ~1,000 lines/);
});

t.test('not a terminal: one plain line per phase that moves bytes, nothing for processing', async (t) => {
  const out = stream(false);
  const bar = new UploadProgressBar(out.stream);
  for (const event of events) bar.update(event);
  bar.stop();
  t.equal(out.text(), 'signed 4.0 MB, 1,000 lines\nsent 4.0 MB, 1,000 lines\n');
});

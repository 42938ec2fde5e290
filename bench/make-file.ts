/**
 * `npm run bench:bestand-maken -- --regels N --uit FILE [--gemeenten 0363,0546] [--formaat csv]`:
 * writes a realistic monthly file (bench/file-generator.ts) to send with
 * `ketenpoort aanlevering verstuur`, and prints what the gateway's report must say. With the
 * development registry only Amsterdam (0363) and Leiden (0546) receive: pass `--gemeenten` or
 * most lines are rejected `no-receiver`. No opt-outs are assumed (register some first and pass
 * `--opt-outs BSN,BSN` to have those persons' lines suppressed).
 */
import { parseArgs } from 'node:util';
import { UNREGISTERED_FROM } from './bsn.js';
import { generateFile } from './file-generator.js';

const { values } = parseArgs({
  options: {
    regels: { type: 'string', default: '100000' }, uit: { type: 'string' }, gemeenten: { type: 'string' },
    'opt-outs': { type: 'string', default: '' }, 'opt-out-aandeel': { type: 'string', default: '0.02' }, seed: { type: 'string', default: '20261123' },
  },
});
const lines = Number(values.regels);
if (!values.uit || !Number.isSafeInteger(lines) || lines < 1) {
  process.stderr.write('usage: npm run bench:bestand-maken -- --regels N --uit FILE [--gemeenten 0363,0546] [--opt-outs BSN,BSN]\n');
  process.exit(2);
}
const optedOut = values['opt-outs'] ? values['opt-outs'].split(',') : [];
const generated = await generateFile(values.uit, {
  lines, kenmerkPrefix: `MAAND-${Date.now().toString(36)}`, firstBsn: UNREGISTERED_FROM, optedOut,
  optedOutShare: optedOut.length > 0 ? Number(values['opt-out-aandeel']) : 0, seed: Number(values.seed),
  ...(values.gemeenten ? { gemeentecodes: values.gemeenten.split(',') } : {}),
});
process.stdout.write(`${JSON.stringify({ file: generated.file, bytes: generated.bytes, digest: generated.digest, expected: generated.expected, invalid: generated.invalid }, null, 2)}\n`);

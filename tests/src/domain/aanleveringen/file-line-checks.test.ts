import { Readable } from 'node:stream';
import t from 'tap';
import { Pseudonymiser, referencePseudonym } from '../../../../src/audit/pseudonymiser.js';
import { loadRegelingen } from '../../../../src/config/regelingen-file.js';
import { projectPath } from '../../../../src/config/project-paths.js';
import { BATCH_LINES, checkedBatches, checkLine, MAX_INVALID_PARAMS_PER_LINE, MAX_LINE_BYTES, type CheckedBatch, type LineCheckJob } from '../../../../src/domain/aanleveringen/file-line-checks.js';
import { loadContract } from '../../../../src/server/contract.js';
import { bodyValidator } from '../../../../src/server/request-validation.js';
import { testRegistry } from '../../../helpers/gateway-harness.js';

const NOW = Date.parse('2026-11-23T10:00:00Z');
const KEY = Buffer.alloc(32, 7);
const deps = {
  registry: testRegistry(),
  regelingen: loadRegelingen(projectPath('config', 'regelingen.yaml')),
  validate: bodyValidator(loadContract().operations.get('leverAanwijzingAan')!.request.body as Record<string, unknown>),
  pseudonymiser: new Pseudonymiser(KEY),
};
const job = (over: Partial<LineCheckJob> = {}): LineCheckJob => ({ file: '(stream)', aanlevering: '019a9a8e-5f3b-7c2d-9e4f-0123456789ab', aanleveraarOin: '00000099000000000101', formaat: 'NDJSON', offset: 0, firstLine: 1, ...over });
const delivery = (kenmerk: string, over: Record<string, unknown> = {}) => JSON.stringify({
  kenmerk, soort: 'MOGELIJK_RECHT', regeling: 'ALGEMENE_BIJSTAND', burgerservicenummer: '999999990', gemeentecode: '0363', geldigTot: '2099-12-31',
  aanleiding: { redenCode: 'INKOMEN_ONDER_NORM', criteria: ['WW_EINDIGT'], toelichting: 'Uw WW-uitkering stopt binnenkort.' }, ...over,
});
const line = (text: string, regel = 1) => ({ regel, end: 0, tooLong: false, bytes: Buffer.from(text) });

async function collect(text: string, over: Partial<LineCheckJob> = {}, chunkBytes = 7): Promise<CheckedBatch[]> {
  const bytes = Buffer.from(text);
  const chunks = Array.from({ length: Math.ceil(bytes.length / chunkBytes) }, (_, i) => bytes.subarray(i * chunkBytes, (i + 1) * chunkBytes));
  const batches: CheckedBatch[] = [];
  for await (const batch of checkedBatches(Readable.from(chunks), job(over), deps, () => NOW)) batches.push(batch);
  return batches;
}

t.test('a line is checked as a single delivery would be', async (t) => {
  const cases: Array<[string, ReturnType<typeof line> | { regel: number; end: number; tooLong: true }, string | undefined]> = [
    ['a valid delivery is routed to Amsterdam', line(delivery('K-1')), undefined],
    ['not JSON', line('{"kenmerk": broken'), 'line-not-json'],
    ['a schema violation lists its items', line(delivery('K-1', { soort: 'ONBEKEND' })), 'invalid-input'],
    ['a failed elfproef', line(delivery('K-1', { burgerservicenummer: '123456789' })), 'invalid-input'],
    ['nobody receives it', line(delivery('K-1', { gemeentecode: '0014' })), 'no-receiver'],
    ['too long', { regel: 1, end: 0, tooLong: true }, 'line-too-long'],
  ];
  for (const [name, input, code] of cases) {
    const checked = checkLine(input, job(), deps, new Date(NOW));
    t.equal(checked.error?.code, code, name);
    if (!code) {
      t.equal(checked.row?.ontvangerOin, '00000099000000000363', `${name}: the receiver`);
      t.equal(checked.row?.aangeboden, NOW, `${name}: at the time given`);
      t.equal(checked.betrokkene, referencePseudonym(KEY, '999999990'), `${name}: the person's pseudonym for the record`);
      t.match(JSON.parse(checked.row!.ondertekening!), { bestand: { regel: 1, regelDigest: /^SHA-256=/ } }, `${name}: the line's own evidence`);
    }
  }
  t.equal(checkLine(line('x,y'), job({ formaat: 'CSV', header: { columns: ['kenmerk', 'soort', 'regeling'] } }), deps, new Date(NOW)).error?.code, 'csv-line-invalid');
  t.ok(MAX_LINE_BYTES > 1000);
});

t.test('a line with thousands of invalid items lists the first 100 and counts them all (the worker\'s heap and the error table stay bounded)', async (t) => {
  const huge = delivery('K-1', { aanleiding: { redenCode: 'X', criteria: Array.from({ length: 5_000 }, () => 1), toelichting: 't' } });
  const checked = checkLine(line(huge), job(), deps, new Date(NOW));
  t.equal(checked.error?.invalidParams?.length, MAX_INVALID_PARAMS_PER_LINE);
  t.match(checked.error?.detail, /has 500\d invalid item\(s\); the first 100 are listed/);
});

t.test('batches of 500 with the checkpoint after each; blank lines skipped but counted; the last one marked', async (t) => {
  const lines = Array.from({ length: BATCH_LINES + 3 }, (_, i) => delivery(`K-${i}`));
  lines.splice(10, 0, '   '); // a blank line: no outcome, but it moves the checkpoint
  const text = `${lines.join('\n')}\n\n`;
  const batches = await collect(text);
  t.same(batches.map((b) => [b.lines.length, b.last]), [[BATCH_LINES, false], [3, true]]);
  t.equal(batches[0]!.regel, BATCH_LINES + 1, 'the first batch ends at line 501 (the blank line is line 11)');
  t.equal(batches[0]!.positie, Buffer.byteLength(lines.slice(0, BATCH_LINES + 1).join('\n')) + 1, 'its checkpoint is the byte after that line');
  t.equal(batches[1]!.regel, lines.length + 1, 'the file ends after the empty last line');
  t.equal(batches[1]!.positie, Buffer.byteLength(text));
  t.same(batches[0]!.lines.slice(9, 11).map((l) => l.regel), [10, 12], 'line numbers are the file\'s');
});

t.test('resuming at a checkpoint numbers the lines from there; an exact multiple of 500 ends with an empty last batch', async (t) => {
  const lines = Array.from({ length: BATCH_LINES }, (_, i) => delivery(`K-${i}`));
  const batches = await collect(`${lines.join('\n')}\n`, { offset: 0, firstLine: 1001 }, 4096);
  t.same(batches.map((b) => [b.lines.length, b.last]), [[BATCH_LINES, false], [0, true]]);
  t.equal(batches[0]!.lines[0]!.regel, 1001);
  t.equal(batches[1]!.regel, 1500);
});

t.test('a CSV file skips its header', async (t) => {
  const header = 'kenmerk,soort,regeling,burgerservicenummer,gemeentecode,geldigTot,redenCode,criteria,toelichting';
  const batches = await collect(`${header}\nK-1,MOGELIJK_RECHT,ALGEMENE_BIJSTAND,999999990,0363,2099-12-31,INKOMEN_ONDER_NORM,WW_EINDIGT,Uw WW stopt\n`, {
    formaat: 'CSV', header: { columns: header.split(',') },
  });
  t.equal(batches.length, 1);
  t.same(batches[0]!.lines.map((l) => [l.regel, l.error?.code]), [[2, undefined]]);
});

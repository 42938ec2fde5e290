import { writeFileSync } from 'node:fs';
import t from 'tap';
import { referencePseudonym } from '../../../src/audit/pseudonymiser.js';
import { loadRegelingen } from '../../../src/config/regelingen-file.js';
import { projectPath } from '../../../src/config/project-paths.js';
import { BATCH_LINES, type CheckedBatch, type LineCheckJob } from '../../../src/domain/aanleveringen/file-line-checks.js';
import { loadContract } from '../../../src/server/contract.js';
import { BATCHES_AHEAD, WorkerLineChecker } from '../../../src/server/worker-line-checker.js';
import { testRegistry } from '../../helpers/gateway-harness.js';

const registry = testRegistry();
const checker = new WorkerLineChecker({
  parties: registry.parties,
  regelingen: loadRegelingen(projectPath('config', 'regelingen.yaml')),
  bodySchema: loadContract().operations.get('leverAanwijzingAan')!.request.body as Record<string, unknown>,
  pseudonymKey: Buffer.alloc(32, 7),
});
const delivery = (kenmerk: string, gemeentecode = '0363') => JSON.stringify({
  kenmerk, soort: 'MOGELIJK_RECHT', regeling: 'ALGEMENE_BIJSTAND', burgerservicenummer: '999999990', gemeentecode, geldigTot: '2099-12-31',
  aanleiding: { redenCode: 'INKOMEN_ONDER_NORM', criteria: ['WW_EINDIGT'], toelichting: 'Uw WW-uitkering stopt binnenkort.' },
});

function fileOf(t: { testdir(): string }, lines: readonly string[]): LineCheckJob {
  const file = `${t.testdir()}/bestand.ndjson`;
  writeFileSync(file, `${lines.join('\n')}\n`);
  return { file, aanlevering: '019a9a8e-5f3b-7c2d-9e4f-0123456789ab', aanleveraarOin: '00000099000000000101', formaat: 'NDJSON', offset: 0, firstLine: 1 };
}

t.test('a file checked in the worker: every line, in order, with the checkpoints and the time the caller gives', async (t) => {
  const lines = Array.from({ length: 2 * BATCH_LINES + 10 }, (_, i) => (i === 3 ? '{broken' : i === 4 ? delivery(`K-${i}`, '0014') : delivery(`K-${i}`)));
  const job = fileOf(t, lines);
  const batches: CheckedBatch[] = [];
  let clock = Date.parse('2026-11-23T10:00:00Z');
  for await (const batch of checker.batches(job, () => (clock += 1000))) batches.push(batch);
  t.same(batches.map((b) => [b.lines.length, b.regel, b.last]), [[BATCH_LINES, BATCH_LINES, false], [BATCH_LINES, 2 * BATCH_LINES, false], [10, lines.length, true]]);
  const all = batches.flatMap((b) => b.lines);
  t.same(all.map((l) => l.regel), lines.map((_, i) => i + 1), 'each line once, in file order');
  t.same(all.slice(2, 6).map((l) => l.error?.code), [undefined, 'line-not-json', 'no-receiver', undefined]);
  t.equal(all[0]!.row!.kenmerk, 'K-0');
  t.equal(all[0]!.betrokkene, referencePseudonym(Buffer.alloc(32, 7), '999999990'), 'the pseudonym, with the key given');
  t.equal(all[0]!.row!.aangeboden, Date.parse('2026-11-23T10:00:01Z'), 'the first batch is checked at the first time asked');
  t.equal(batches.at(-1)!.positie, Buffer.byteLength(`${lines.join('\n')}\n`));
});

t.test('the worker runs at most BATCHES_AHEAD batches ahead of the caller', async (t) => {
  const job = fileOf(t, Array.from({ length: 10 * BATCH_LINES }, (_, i) => delivery(`K-${i}`)));
  let asked = 0;
  let taken = 0;
  for await (const batch of checker.batches(job, () => { asked += 1; return Date.now(); })) {
    taken += 1;
    await new Promise((resolve) => setTimeout(resolve, 20)); // a slow store
    t.ok(asked <= taken + BATCHES_AHEAD, `after ${taken} batch(es) taken, ${asked} asked for`);
    if (batch.last) break;
  }
  t.equal(taken, 11, 'ten full batches and the (empty) last one');
});

t.test('stopping early ends the worker; a missing file fails the iteration with its cause', async (t) => {
  const job = fileOf(t, Array.from({ length: 5 * BATCH_LINES }, (_, i) => delivery(`K-${i}`)));
  for await (const batch of checker.batches(job, Date.now)) {
    t.equal(batch.lines.length, BATCH_LINES);
    break;
  }
  await t.rejects(async () => {
    for await (const batch of checker.batches({ ...job, file: `${job.file}.weg` }, Date.now)) t.fail(`no batch expected, got ${batch.regel}`);
  }, { code: 'ENOENT' });
});

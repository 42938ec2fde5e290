import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import type { UploadProgress } from '../../sdk/index.js';
import { startTestGateway } from '../helpers/gateway-harness.js';
import { aanlevering, sdkClient } from '../helpers/sdk-harness.js';

const LINES = 300;

/** An NDJSON file of `LINES` deliveries, line 5 broken. */
function ndjson(): string {
  const lines = Array.from({ length: LINES }, (_, i) => JSON.stringify(aanlevering({ kenmerk: `F-${i}`, aanleiding: { redenCode: 'INKOMEN_ONDER_NORM', criteria: ['WW_EINDIGT'], toelichting: 'x'.repeat(200) } })));
  lines[4] = '{"kenmerk": broken';
  return lines.join('\n') + '\n';
}

t.test('verstuurBestand signs the digest, streams the file, reports progress and waits for the report; re-sending is the same aanlevering', async (t) => {
  const gateway = await startTestGateway(t);
  const uwv = sdkClient(t, gateway, 'uwv');
  const dir = t.testdir({ 'maart.ndjson': ndjson() });
  const file = path.join(dir, 'maart.ndjson');
  const progress: UploadProgress[] = [];
  const report = await uwv.verstuurBestand(file, { onProgress: (p) => progress.push(p), pollIntervalMs: 20 });
  t.equal(report.status, 'VERWERKT');
  t.same(report.aantallen, { totaal: LINES, geaccepteerd: LINES - 1, afgewezen: 1, onderdrukt: 0, alBekend: 0 });
  t.equal(report.bestandsnaam, 'maart.ndjson', 'the base name is recorded');

  const size = readFileSync(file).length;
  const last = (phase: UploadProgress['phase']) => progress.filter((p) => p.phase === phase).at(-1);
  t.match(last('digest'), { bytes: size, totalBytes: size, lines: LINES }, 'the digest phase read the whole file');
  t.match(last('upload'), { bytes: size, totalBytes: size, lines: LINES }, 'the upload phase sent the whole file');
  t.match(last('processing'), { aanlevering: { status: 'VERWERKT' } });
  t.same([...new Set(progress.map((p) => p.phase))], ['digest', 'upload', 'processing'], 'phases in order');
  t.ok(progress.filter((p) => p.phase === 'upload').length > 1, 'progress is reported while sending, not only at the end');

  const fouten = await uwv.haalAanleveringFouten(report.id);
  t.match(fouten.fouten, [{ regel: 5, code: 'line-not-json' }]);

  const again = await uwv.verstuurBestand(file, { wachtOpVerwerking: false });
  t.equal(again.id, report.id, 'the same file is the same aanlevering');
  t.same(again.aantallen, report.aantallen, 'nothing counted twice');
});

t.test('a CSV file by extension, and the monthly list downloaded into a file in each format', async (t) => {
  const gateway = await startTestGateway(t);
  const uwv = sdkClient(t, gateway, 'uwv');
  const amsterdam = sdkClient(t, gateway, 'amsterdam');
  const header = 'kenmerk,soort,regeling,burgerservicenummer,gemeentecode,geldigTot,redenCode,criteria,toelichting';
  const dir = t.testdir({
    'lijst.csv': `${header}\nC-1,MOGELIJK_RECHT,ALGEMENE_BIJSTAND,999999990,0363,2099-12-31,INKOMEN_ONDER_NORM,WW_EINDIGT,Eerste\n`
      + 'C-2,MOGELIJK_RECHT,ALGEMENE_BIJSTAND,999999990,0363,2099-12-31,INKOMEN_ONDER_NORM,WW_EINDIGT,Tweede\n',
  });
  const report = await uwv.verstuurBestand(path.join(dir, 'lijst.csv'), { pollIntervalMs: 20 });
  t.same(report.aantallen, { totaal: 2, geaccepteerd: 2, afgewezen: 0, onderdrukt: 0, alBekend: 0 });

  const periode = new Date().toISOString().slice(0, 7) as `${number}-${number}`;
  for (const formaat of ['csv', 'ndjson', 'json'] as const) {
    const out = path.join(dir, `uit.${formaat}`);
    const bytes = await amsterdam.downloadAanwijzingenlijst(periode, out, { formaat });
    const text = readFileSync(out, 'utf8');
    t.equal(bytes, Buffer.byteLength(text), `${formaat}: the byte count is what was written`);
    const kenmerken = formaat === 'csv' ? text.trim().split('\r\n').slice(1).map((l) => l.split(',')[1])
      : formaat === 'ndjson' ? text.trim().split('\n').map((l) => JSON.parse(l).kenmerk)
        : JSON.parse(text).aanwijzingen.map((a: { kenmerk: string }) => a.kenmerk);
    t.same(kenmerken, ['C-1', 'C-2'], `${formaat}: the list holds the month's signals`);
  }
  t.same(readdirSync(dir).filter((f) => f.endsWith('.part')), [], 'no partial file is left');
});

t.test('a file that cannot be read is refused before anything is sent; a list that cannot be written leaves nothing behind', async (t) => {
  const gateway = await startTestGateway(t);
  const uwv = sdkClient(t, gateway, 'uwv');
  const amsterdam = sdkClient(t, gateway, 'amsterdam');
  const dir = t.testdir({ 'signalen.txt': 'x\n', sub: {} });
  const cases = [
    { name: 'a missing file', file: path.join(dir, 'nope.ndjson'), code: 'file-unreadable', detail: /no such file/ },
    { name: 'a directory', file: path.join(dir, 'sub'), code: 'file-unreadable', detail: /directory/ },
    { name: 'an unknown extension', file: path.join(dir, 'signalen.txt'), code: 'option-invalid', detail: /\.csv or \.ndjson/ },
  ];
  for (const c of cases) await t.rejects(uwv.verstuurBestand(c.file), { code: c.code, detail: c.detail }, c.name);

  const periode = new Date().toISOString().slice(0, 7) as `${number}-${number}`;
  await t.rejects(amsterdam.downloadAanwijzingenlijst(periode, path.join(dir, 'missing', 'uit.csv'), { formaat: 'csv' }),
    { code: 'file-unwritable' }, 'a directory that does not exist');
  const target = path.join(dir, 'bestaand.csv');
  writeFileSync(target, 'vorige lijst');
  await t.rejects(amsterdam.downloadAanwijzingenlijst('2026-13' as `${number}-${number}`, target, { formaat: 'csv' }),
    { status: 400, code: 'invalid-input' }, 'a refused download');
  t.equal(readFileSync(target, 'utf8'), 'vorige lijst', 'a refused download leaves the existing file alone');
  t.notOk(existsSync(`${target}.part`), 'and no partial file');
});

import { createPrivateKey } from 'node:crypto';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import tls from 'node:tls';
import t from 'tap';
import { signPayload } from '../../src/security/payload-signature.js';
import { fixturePki } from '../helpers/fixture-pki.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway-harness.js';

const line = (kenmerk: string, over: Record<string, unknown> = {}) => JSON.stringify({
  kenmerk, soort: 'MOGELIJK_RECHT', regeling: 'ALGEMENE_BIJSTAND', burgerservicenummer: '999999990', gemeentecode: '0363', geldigTot: '2099-12-31',
  aanleiding: { redenCode: 'INKOMEN_ONDER_NORM', criteria: ['WW_EINDIGT'], toelichting: 'Uw WW-uitkering stopt binnenkort.' },
  ...over,
});
const CSV_HEADER = 'kenmerk,soort,regeling,burgerservicenummer,gemeentecode,geldigTot,redenCode,criteria,toelichting';

async function signed(party: string, body: Buffer) {
  const leaf = fixturePki.party(party);
  return signPayload({ body, privateKey: createPrivateKey(readFileSync(leaf.key)), certificatePem: readFileSync(leaf.cert, 'utf8'), alg: 'PS256' });
}

async function send(gateway: TestGateway, body: Buffer, options: { type?: string; tamper?: (b: Buffer) => Buffer; query?: string; party?: string } = {}) {
  const party = options.party ?? 'uwv';
  const client = gateway.client(party);
  const { digest, payloadSignature } = await signed(party, body);
  const sent = options.tamper ? options.tamper(body) : body;
  return client.call('POST', `/v1/aanleveringen${options.query ?? ''}`, {
    headers: { authorization: `Bearer ${await client.token()}`, 'content-type': options.type ?? 'application/x-ndjson', digest, 'payload-signature': payloadSignature },
    body: sent.toString('latin1') === sent.toString('utf8') ? sent.toString('utf8') : sent.toString('utf8'),
  });
}

async function finished(gateway: TestGateway, id: string, party = 'uwv') {
  const client = gateway.client(party);
  const auth = { authorization: `Bearer ${await client.token()}` };
  for (let i = 0; i < 200; i++) {
    const status = await client.call('GET', `/v1/aanleveringen/${id}`, { headers: auth });
    if (status.json.status === 'VERWERKT') return status.json;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`aanlevering ${id} was not processed`);
}

t.test('an NDJSON file: each line takes the single-delivery path; invalid lines are reported by number; the same file again is the same aanlevering', async (t) => {
  const gateway = await startTestGateway(t);
  const svb = gateway.client('svb');
  const svbAuth = { authorization: `Bearer ${await svb.token()}`, 'content-type': 'application/json' };
  t.equal((await svb.call('POST', '/v1/opt-outs', { headers: svbAuth, body: JSON.stringify({ burgerservicenummer: '111222333', kanaal: 'BALIE' }) })).status, 201);

  const file = Buffer.from([
    line('F-1'),                                             // 1 accepted (Amsterdam)
    line('F-2', { burgerservicenummer: '123456789' }),       // 2 invalid BSN
    '{not json',                                             // 3
    '',                                                      // 4 empty: skipped
    line('F-3', { burgerservicenummer: '111222333' }),       // 5 opted out: suppressed
    line('F-1'),                                             // 6 same kenmerk, same content: already known
    line('F-1', { geldigTot: '2098-01-01' }),                // 7 same kenmerk, other content: conflict
    line('F-4', { gemeentecode: '0546', extra: true }),      // 8 schema: unknown property
    line('F-5', { gemeentecode: '0546' }),                   // 9 accepted (Leiden)
  ].join('\r\n') + '\n');
  const received = await send(gateway, file, { query: '?bestandsnaam=maart.ndjson' });
  t.equal(received.status, 202, received.text);
  t.match(received.headers.location, /^\/v1\/aanleveringen\/[0-9a-f-]{36}$/);
  t.match(received.json, { status: 'IN_VERWERKING', formaat: 'NDJSON', bestandsnaam: 'maart.ndjson', bytes: file.length });

  const report = await finished(gateway, received.json.id);
  t.same(report.aantallen, { totaal: 8, geaccepteerd: 2, afgewezen: 4, onderdrukt: 1, alBekend: 1 });
  t.ok(report.afgerond);

  const uwv = gateway.client('uwv');
  const auth = { authorization: `Bearer ${await uwv.token()}` };
  const fouten = await uwv.call('GET', `/v1/aanleveringen/${received.json.id}/fouten?limiet=3`, { headers: auth });
  t.match(fouten.json.fouten, [
    { regel: 2, code: 'invalid-input', invalidParams: [{ name: 'burgerservicenummer', code: 'elfproef' }] },
    { regel: 3, code: 'line-not-json' },
    { regel: 7, code: 'kenmerk-conflict' },
  ]);
  const rest = await uwv.call('GET', `/v1/aanleveringen/${received.json.id}/fouten?na=${fouten.json.volgende}`, { headers: auth });
  const log = await uwv.call('GET', '/v1/verwerkingen?naam=aanwijzing.aanleveren', { headers: auth });
  t.equal(log.json.verwerkingen.length, 3, 'one processing record per signal created from the file (two accepted, one suppressed)');
  t.equal(new Set(log.json.verwerkingen.map((v: { operationId: string }) => v.operationId)).size, 1, 'the file is one processing operation');
  t.ok(log.json.verwerkingen.every((v: { eindTijd: string }) => v.eindTijd === report.afgerond), 'ending when its last batch committed');
  const person = await uwv.call('POST', '/v1/verwerkingen/_zoek', { headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ burgerservicenummer: '111222333' }) });
  t.same(person.json.verwerkingen.map((v: { naam: string }) => v.naam), ['aanwijzing.aanleveren'],
    'an access request for the suppressed person finds the file line\'s record (its pseudonym was computed in the worker thread)');
  t.match(rest.json.fouten, [{ regel: 8, code: 'invalid-input', invalidParams: [{ code: 'additionalProperties' }] }]);
  t.equal(rest.json.fouten.length, 1);

  const amsterdam = gateway.client('amsterdam');
  const feed = await amsterdam.call('GET', '/v1/aanwijzingen', { headers: { authorization: `Bearer ${await amsterdam.token()}` } });
  t.same(feed.json.aanwijzingen.map((a: { kenmerk: string }) => a.kenmerk), ['F-1'], 'the suppressed one never reaches Amsterdam');
  const one = await amsterdam.call('GET', `/v1/aanwijzingen/${feed.json.aanwijzingen[0].id}`, { headers: { authorization: `Bearer ${await amsterdam.token()}` } });
  t.match(one.json.ondertekening, { bestand: { aanlevering: received.json.id, regel: 1, regelDigest: /^SHA-256=/ }, digest: /^SHA-256=/, certificaat: /BEGIN CERTIFICATE/ });
  const stored = await gateway.store.readAanwijzing(feed.json.aanwijzingen[0].id, () => []);
  t.notMatch(stored?.ondertekening, /CERTIFICATE|payloadSignature/, "a line stores only its own evidence: the file's signature is stored once");

  const again = await send(gateway, file);
  t.equal(again.status, 200, 'the same file again');
  t.equal(again.json.id, received.json.id);
  t.same(again.json.aantallen, report.aantallen, 'and nothing counted twice');

  const other = gateway.client('svb');
  const notYours = await other.call('GET', `/v1/aanleveringen/${received.json.id}`, { headers: { authorization: `Bearer ${await other.token()}` } });
  t.equal(notYours.status, 404, "another sender does not see UWV's file");
  t.same(readdirSync(path.join(gateway.config.files.spoolDir)), [], 'the spooled file is gone once processed');
});

t.test('a CSV file, and the periodic list out in three formats', async (t) => {
  const gateway = await startTestGateway(t);
  const csv = Buffer.from(`\uFEFF${CSV_HEADER},vervangt\n`
    + 'C-1,MOGELIJK_RECHT,ALGEMENE_BIJSTAND,999999990,0363,2099-12-31,INKOMEN_ONDER_NORM,WW_EINDIGT|LAAG_INKOMEN,"Uw uitkering stopt, ""binnenkort"".",\n'
    + 'C-2,MOGELIJK_RECHT,ALGEMENE_BIJSTAND,999999990,0363,2099-12-31,INKOMEN_ONDER_NORM,WW_EINDIGT,"=HYPERLINK(""x"")",\n'
    + 'C-3,MOGELIJK_RECHT,ALGEMENE_BIJSTAND,999999990,0363\n'
    + 'C-4,"broken\n');
  const received = await send(gateway, csv, { type: 'text/csv' });
  t.equal(received.status, 202, received.text);
  const report = await finished(gateway, received.json.id);
  t.same(report.aantallen, { totaal: 4, geaccepteerd: 2, afgewezen: 2, onderdrukt: 0, alBekend: 0 });
  const uwv = gateway.client('uwv');
  const fouten = await uwv.call('GET', `/v1/aanleveringen/${received.json.id}/fouten`, { headers: { authorization: `Bearer ${await uwv.token()}` } });
  t.match(fouten.json.fouten, [{ regel: 4, code: 'csv-line-invalid' }, { regel: 5, code: 'csv-line-invalid' }], 'the header is line 1');

  const amsterdam = gateway.client('amsterdam');
  const auth = { authorization: `Bearer ${await amsterdam.token()}` };
  const periode = new Date().toISOString().slice(0, 7);
  const asCsv = await amsterdam.call('GET', `/v1/aanwijzingenlijsten/${periode}`, { headers: { ...auth, accept: 'text/csv' } });
  t.equal(asCsv.status, 200);
  t.match(asCsv.headers['content-type'], /^text\/csv/);
  const lines = asCsv.text.trim().split('\r\n');
  t.equal(lines[0], 'id,kenmerk,status,soort,regeling,burgerservicenummer,gemeentecode,geldigTot,redenCode,criteria,toelichting,vervangt,tijdstipAanlevering');
  t.equal(lines.length, 3);
  t.match(lines[1], /,C-1,AANGEBODEN,.*,999999990,0363,.*,WW_EINDIGT\|LAAG_INKOMEN,"Uw uitkering stopt, ""binnenkort""\.",/);
  t.match(lines[2], /,"'=HYPERLINK\(""x""\)",/, 'a formula is neutralised for spreadsheets');
  const asNdjson = await amsterdam.call('GET', `/v1/aanwijzingenlijsten/${periode}`, { headers: { ...auth, accept: 'application/x-ndjson' } });
  t.same(asNdjson.text.trim().split('\n').map((l) => JSON.parse(l).kenmerk), ['C-1', 'C-2']);
  const asJson = await amsterdam.call('GET', `/v1/aanwijzingenlijsten/${periode}`, { headers: auth });
  t.equal(asJson.json.periode, periode);
  t.same(asJson.json.aanwijzingen.map((a: { kenmerk: string }) => a.kenmerk), ['C-1', 'C-2']);
  const empty = await amsterdam.call('GET', '/v1/aanwijzingenlijsten/2020-01', { headers: auth });
  t.same(empty.json, { periode: '2020-01', aanwijzingen: [] });
  const leiden = gateway.client('leiden');
  const none = await leiden.call('GET', `/v1/aanwijzingenlijsten/${periode}`, { headers: { authorization: `Bearer ${await leiden.token()}`, accept: 'application/x-ndjson' } });
  t.equal(none.text, '', "Leiden's list does not hold Amsterdam's signals");
  const bad = await amsterdam.call('GET', '/v1/aanwijzingenlijsten/2026-13', { headers: auth });
  t.equal(bad.status, 400);
  const notAcceptable = await amsterdam.call('GET', `/v1/aanwijzingenlijsten/${periode}`, { headers: { ...auth, accept: 'application/xml' } });
  t.equal(notAcceptable.status, 406);
  const log = await amsterdam.call('GET', '/v1/verwerkingen?naam=aanwijzing.lijst', { headers: auth });
  t.equal(log.status, 200, log.text);
  t.equal(log.json.verwerkingen.length, 3 * 2, 'each download of the list logged once per person listed (three downloads, two signals)');
});

t.test('files refused as a whole: nothing is kept', async (t) => {
  const gateway = await startTestGateway(t, { env: { KETENPOORT_FILES_MAX_BYTES: '4096' } });
  const good = Buffer.from(line('R-1') + '\n');
  const cases: Array<[string, Buffer, Parameters<typeof send>[2], number, string]> = [
    ['a body changed after signing', good, { tamper: (b) => Buffer.from(b.toString().replace('R-1', 'R-2')) }, 400, 'digest-mismatch'],
    ['an empty file', Buffer.alloc(0), {}, 400, 'empty-file'],
    ['only blank lines', Buffer.from('\n \r\n'), {}, 400, 'empty-file'],
    ['a CSV with only a header', Buffer.from(CSV_HEADER + '\r\n'), { type: 'text/csv' }, 400, 'empty-file'],
    ['a CSV header without a column', Buffer.from('kenmerk,soort\nA,B\n'), { type: 'text/csv' }, 400, 'csv-header'],
    ['JSON instead of NDJSON', good, { type: 'application/json' }, 415, 'unsupported-media-type'],
    ['a file over the maximum', Buffer.from(Array.from({ length: 40 }, (_, i) => line(`R-${i}`)).join('\n')), {}, 413, 'payload-too-large'],
  ];
  for (const [why, body, options, status, code] of cases) {
    const answer = await send(gateway, body, options);
    t.equal(answer.status, status, `${why}: ${answer.text}`);
    t.equal(answer.json?.type, `urn:nld:ketenpoort:probleem:${code}`, why);
  }
  const header = await send(gateway, Buffer.from('kenmerk,soort,extra\nA,B,C\n'), { type: 'text/csv' });
  t.match(header.json.invalidParams, [{ name: 'extra', code: 'unknown-column' }, { name: 'regeling', code: 'missing-column' }]);
  t.same(readdirSync(gateway.config.files.spoolDir), [], 'no spooled file left behind');
  const log = gateway.store;
  t.same(await log.unfinishedAanleveringen(), [], 'no aanlevering recorded');
});

t.test('a line longer than the maximum is rejected on its own', async (t) => {
  const gateway = await startTestGateway(t);
  const file = Buffer.from([line('L-1'), line('L-2', { aanleiding: { redenCode: 'X_Y', criteria: ['A_B'], toelichting: 'x'.repeat(70 * 1024) } }), line('L-3')].join('\n'));
  const received = await send(gateway, file);
  const report = await finished(gateway, received.json.id);
  t.same(report.aantallen, { totaal: 3, geaccepteerd: 2, afgewezen: 1, onderdrukt: 0, alBekend: 0 });
  const uwv = gateway.client('uwv');
  const fouten = await uwv.call('GET', `/v1/aanleveringen/${received.json.id}/fouten`, { headers: { authorization: `Bearer ${await uwv.token()}` } });
  t.match(fouten.json.fouten, [{ regel: 2, code: 'line-too-long' }]);
});

t.test('a line of 10 MB is rejected on its own, never held whole', async (t) => {
  const gateway = await startTestGateway(t);
  const file = Buffer.from([line('M-1'), `{"kenmerk":"M-2","toelichting":"${'x'.repeat(10 * 1024 * 1024)}"}`, line('M-3')].join('\n') + '\n');
  const received = await send(gateway, file);
  t.equal(received.status, 202);
  const report = await finished(gateway, received.json.id);
  t.same(report.aantallen, { totaal: 3, geaccepteerd: 2, afgewezen: 1, onderdrukt: 0, alBekend: 0 });
  const uwv = gateway.client('uwv');
  const fouten = await uwv.call('GET', `/v1/aanleveringen/${received.json.id}/fouten`, { headers: { authorization: `Bearer ${await uwv.token()}` } });
  t.match(fouten.json.fouten, [{ regel: 2, code: 'line-too-long' }]);
});

t.test('a client that disconnects halfway through the upload leaves nothing behind', async (t) => {
  const gateway = await startTestGateway(t);
  const file = Buffer.from(Array.from({ length: 2000 }, (_, i) => line(`T-${i}`)).join('\n') + '\n');
  const { digest, payloadSignature } = await signed('uwv', file);
  const uwv = gateway.client('uwv');
  const token = await uwv.token();
  const leaf = fixturePki.party('uwv');
  const { port } = new URL(gateway.url);
  const socket = tls.connect({ host: '127.0.0.1', port: Number(port), servername: 'localhost', ca: readFileSync(fixturePki.trustAnchors), cert: readFileSync(leaf.chain), key: readFileSync(leaf.key) });
  await once(socket, 'secureConnect');
  socket.write([
    'POST /v1/aanleveringen HTTP/1.1', 'Host: localhost', `Authorization: Bearer ${token}`, 'Content-Type: application/x-ndjson',
    `Content-Length: ${file.length}`, `Digest: ${digest}`, `Payload-Signature: ${payloadSignature}`, '', '',
  ].join('\r\n'));
  socket.write(file.subarray(0, Math.floor(file.length / 2)));
  await new Promise((resolve) => setTimeout(resolve, 200));
  socket.destroy();
  // The gateway notices the broken body and aborts the spool file.
  let left: string[] = ['?'];
  for (let i = 0; i < 100 && left.length > 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    left = readdirSync(gateway.config.files.spoolDir);
  }
  t.same(left, [], 'no spooled file left behind');
  t.same(await gateway.store.unfinishedAanleveringen(), [], 'no aanlevering recorded');
  const whole = await send(gateway, file);
  t.equal(whole.status, 202, 'the whole file sent afterwards is a new aanlevering');
});

import t from 'tap';
import YAML from 'yaml';
import { KetenpoortSdkError, type Aanwijzing } from '../../sdk/index.js';
import { startTestGateway } from '../helpers/gateway-harness.js';
import { aanlevering, OIN, recorder, sdkClient } from '../helpers/sdk-harness.js';

t.test('contract, token and who-am-i over mutual TLS', async (t) => {
  const gateway = await startTestGateway(t);
  const uwv = sdkClient(t, gateway, 'uwv');
  t.equal(uwv.oin, OIN.uwv, 'the OIN is read from the certificate');

  const json = await uwv.haalContractJson();
  t.equal((json as { openapi?: string }).openapi, '3.1.0');
  const yaml = await uwv.haalContractYaml();
  t.equal(YAML.parse(yaml).info.title, 'Ketenpoort');

  const token = await uwv.vraagToken();
  t.match(token, { token_type: 'Bearer', expires_in: Number, scope: /aanwijzingen\.aanleveren/ });
  const mij = await uwv.haalPartijMij();
  t.match(mij, { oin: OIN.uwv, rollen: ['aanleveraar', 'opt-out-registrar'] });
  t.notOk(mij.namens);

  const vendor = sdkClient(t, gateway, 'leverancier', { namens: OIN.amsterdam, clientAuthentication: 'tls_client_auth' });
  t.match(await vendor.haalPartijMij(), { oin: OIN.leverancier, namens: { oin: OIN.amsterdam } }, 'the vendor, acting for Amsterdam');
  const leidenToken = vendor.vraagToken({ namens: OIN.leiden });
  await t.rejects(leidenToken, { name: 'KetenpoortSdkError', status: 403, code: 'no-delegation' }, 'no delegation for Leiden');
});

t.test('UWV delivers signed; the vendor follows Amsterdam\'s feed from a saved cursor and reports back; UWV reads the outcome', async (t) => {
  const gateway = await startTestGateway(t);
  const uwv = sdkClient(t, gateway, 'uwv');
  const created = await uwv.leverAanwijzingAan(aanlevering({ kenmerk: 'SDK-1' }));
  t.match(created, { status: 'AANGEBODEN', ontvanger: { oin: OIN.amsterdam }, aanleveraar: { oin: OIN.uwv } });
  t.same(JSON.parse(Buffer.from(created.ondertekening!.aanlevering!, 'base64').toString()), aanlevering({ kenmerk: 'SDK-1' }), 'the signed bytes are the body');
  t.equal((await uwv.leverAanwijzingAan(aanlevering({ kenmerk: 'SDK-1' }))).id, created.id, 'same kenmerk and content: the same signal');
  const second = await uwv.leverAanwijzingAan(aanlevering({ kenmerk: 'SDK-2' }));
  const third = await uwv.leverAanwijzingAan(aanlevering({ kenmerk: 'SDK-3' }));

  const leverancier = sdkClient(t, gateway, 'leverancier');
  const vendor = leverancier.namens(OIN.amsterdam);
  t.equal(vendor.namensOin, OIN.amsterdam);
  const page = await vendor.haalAanwijzingenFeed({ limiet: 2 });
  t.same(page.aanwijzingen.map((a) => a.kenmerk), ['SDK-1', 'SDK-2']);

  // The feed in pages of 1: take two items, "crash", resume from the saved cursor.
  const feed = vendor.aanwijzingenFeed({ limiet: 1 });
  const seen: Aanwijzing[] = [];
  let saved: string | undefined;
  for await (const aanwijzing of feed) {
    seen.push(aanwijzing);
    if (seen.length === 2) break; // a crash while handling the second
    saved = feed.cursor;
  }
  t.same(seen.map((a) => a.kenmerk), ['SDK-1', 'SDK-2']);
  t.ok(saved, 'the cursor after the first page');
  const resumed = vendor.aanwijzingenFeed({ na: saved!, limiet: 1 });
  const rest: string[] = [];
  for await (const aanwijzing of resumed) rest.push(aanwijzing.kenmerk);
  t.same(rest, ['SDK-2', 'SDK-3'], 'resumed after the saved cursor: the one in hand again, then the rest, nothing skipped');
  const caughtUp = resumed.cursor;
  t.ok(caughtUp);

  t.equal((await vendor.haalAanwijzing(created.id)).burgerservicenummer, '999999990');
  for (const status of ['ONTVANGEN', 'IN_BEHANDELING'] as const) {
    t.equal((await vendor.geefTerugkoppeling(created.id, { status })).status, status);
  }
  const closed = await vendor.geefTerugkoppeling(created.id, { status: 'AFGEROND', uitkomst: 'CONTACT_GELEGD' });
  t.match(closed, { status: 'AFGEROND', terugkoppeling: { uitkomst: 'CONTACT_GELEGD' } });
  t.match(await uwv.haalAanwijzing(created.id), { status: 'AFGEROND', terugkoppeling: { uitkomst: 'CONTACT_GELEGD' } }, 'the sender reads the outcome');

  const withdrawn = await uwv.trekAanwijzingIn(second.id, { reden: 'Gegevens herzien.' });
  t.match(withdrawn, { status: 'INGETROKKEN', intrekkingsreden: 'Gegevens herzien.' });
  const changes: string[] = [];
  for await (const a of vendor.aanwijzingenFeed({ na: caughtUp! })) changes.push(`${a.kenmerk}:${a.status}`);
  t.same(changes, ['SDK-1:AFGEROND', 'SDK-2:INGETROKKEN'], 'changed signals come again further on');
  t.equal(third.status, 'AANGEBODEN');

  const today = new Date().toISOString().slice(0, 10);
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  const stats = await uwv.haalStatistieken({ vanaf: today, tot: tomorrow });
  t.equal(stats.totaal, 3);
  t.match(stats.aantallen, [{ regeling: 'ALGEMENE_BIJSTAND', status: String, aantal: Number }]);
});

t.test('the processing log: a page, the whole log as a feed, and one person\'s records', async (t) => {
  const gateway = await startTestGateway(t);
  const uwv = sdkClient(t, gateway, 'uwv');
  for (const kenmerk of ['LOG-1', 'LOG-2', 'LOG-3']) await uwv.leverAanwijzingAan(aanlevering({ kenmerk }));
  await uwv.leverAanwijzingAan(aanlevering({ kenmerk: 'LOG-4', burgerservicenummer: '111222333' }));

  const page = await uwv.haalVerwerkingen({ limiet: 2, naam: 'aanwijzing.aanleveren' });
  t.equal(page.verwerkingen.length, 2);
  t.match(page.verwerkingen[0], { naam: 'aanwijzing.aanleveren', verzoeker: OIN.uwv, status: 'OK' });
  const all = [];
  for await (const record of uwv.verwerkingenFeed({ limiet: 1, naam: 'aanwijzing.aanleveren' })) all.push(record);
  t.equal(all.length, 4, 'four deliveries, one record each, across four pages');

  const about = await uwv.zoekVerwerkingen({ burgerservicenummer: '111222333', limiet: 100 });
  t.same(about.verwerkingen.map((v) => v.naam), ['aanwijzing.aanleveren'], 'only the records about this person');
  const first = await uwv.zoekVerwerkingen({ burgerservicenummer: '999999990', limiet: 2 });
  const next = await uwv.zoekVerwerkingen({ burgerservicenummer: '999999990', limiet: 2, na: first.volgende });
  t.same([...first.verwerkingen, ...next.verwerkingen].map((v) => v.naam).slice(0, 3), ['aanwijzing.aanleveren', 'aanwijzing.aanleveren', 'aanwijzing.aanleveren'],
    'the deliveries about this person, over pages');
  t.notOk(JSON.stringify(all).includes('999999990'), 'pseudonymised');
});

t.test('refusals are one error class carrying the problem', async (t) => {
  const gateway = await startTestGateway(t);
  const uwv = sdkClient(t, gateway, 'uwv');
  const amsterdam = sdkClient(t, gateway, 'amsterdam');
  const created = await uwv.leverAanwijzingAan(aanlevering({ kenmerk: 'ERR-1' }));
  const cases: Array<[string, () => Promise<unknown>, { status: number; code: string; invalidParams?: unknown }]> = [
    ['invalid BSN', () => uwv.leverAanwijzingAan(aanlevering({ kenmerk: 'ERR-2', burgerservicenummer: '123456789' })),
      { status: 400, code: 'invalid-input', invalidParams: [{ in: 'body', name: 'burgerservicenummer', code: 'elfproef' }] }],
    ['other content under a used kenmerk', () => uwv.leverAanwijzingAan(aanlevering({ kenmerk: 'ERR-1', geldigTot: '2098-01-01' })), { status: 409, code: 'kenmerk-conflict' }],
    ['no receiver for the gemeentecode', () => uwv.leverAanwijzingAan(aanlevering({ kenmerk: 'ERR-3', gemeentecode: '0014' })), { status: 400, code: 'no-receiver' }],
    ['a receiver cannot deliver', () => amsterdam.leverAanwijzingAan(aanlevering({ kenmerk: 'ERR-4' })), { status: 403, code: 'insufficient-scope' }],
    ['another municipality\'s signal', () => sdkClient(t, gateway, 'leiden').haalAanwijzing(created.id), { status: 404, code: 'not-found' }],
    ['a backwards move', async () => {
      await amsterdam.geefTerugkoppeling(created.id, { status: 'IN_BEHANDELING' });
      return amsterdam.geefTerugkoppeling(created.id, { status: 'ONTVANGEN' });
    }, { status: 409, code: 'invalid-transition' }],
    ['closing without an outcome', () => amsterdam.geefTerugkoppeling(created.id, { status: 'AFGEROND' }), { status: 400, code: 'invalid-input' }],
    ['a path parameter that is no uuid', () => uwv.haalAanwijzing('niet-een-uuid'), { status: 400, code: 'invalid-input' }],
  ];
  for (const [name, call, expected] of cases) {
    const error = await call().then(() => undefined, (e: unknown) => e);
    t.ok(error instanceof KetenpoortSdkError, `${name}: a KetenpoortSdkError`);
    const sdkError = error as KetenpoortSdkError;
    t.match(sdkError, expected, `${name}: ${expected.status} ${expected.code}`);
    t.equal(sdkError.problem?.type, `urn:nld:ketenpoort:probleem:${sdkError.code}`, `${name}: the problem as received`);
    t.match(sdkError.transactionId, /^[0-9a-f-]{36}$/, `${name}: the transaction id to quote`);
    t.match(sdkError.message, new RegExp(`${expected.status} ${expected.code}`), `${name}: the message names status and code`);
  }
});

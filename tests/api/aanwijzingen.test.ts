import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import t from 'tap';
import { signPayload } from '../../src/security/payload-signature.js';
import { fixturePki } from '../helpers/fixture-pki.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway-harness.js';

const aanlevering = (over: Record<string, unknown> = {}) => ({
  kenmerk: 'UWV-2026-0001', soort: 'MOGELIJK_RECHT', regeling: 'ALGEMENE_BIJSTAND', burgerservicenummer: '999999990',
  gemeentecode: '0363', geldigTot: '2099-12-31',
  aanleiding: { redenCode: 'INKOMEN_ONDER_NORM', criteria: ['WW_EINDIGT'], toelichting: 'Uw WW-uitkering stopt binnenkort.' },
  ...over,
});

async function signedHeaders(party: string, body: Buffer, alg: 'PS256' | 'ES256' = 'PS256') {
  const leaf = fixturePki.party(party);
  const { digest, payloadSignature } = await signPayload({
    body, privateKey: createPrivateKey(readFileSync(leaf.key)), certificatePem: readFileSync(leaf.cert, 'utf8'), alg,
  });
  return { 'content-type': 'application/json', digest, 'payload-signature': payloadSignature };
}

async function deliver(gateway: TestGateway, party: string, body: Buffer, extra: Record<string, string> = {}) {
  const client = gateway.client(party);
  const token = await client.token();
  return client.call('POST', '/v1/aanwijzingen', {
    headers: { ...(await signedHeaders(party, body)), authorization: `Bearer ${token}`, ...extra }, body: body.toString(),
  });
}

t.test('UWV delivers a signed aanwijzing; Amsterdam and its vendor receive it; the signature travels along', async (t) => {
  const gateway = await startTestGateway(t);
  const body = Buffer.from(JSON.stringify(aanlevering()));
  const created = await deliver(gateway, 'uwv', body);
  t.equal(created.status, 201, created.text);
  t.match(created.headers.location, /^\/v1\/aanwijzingen\/[0-9a-f-]{36}$/);
  t.match(created.json, { status: 'AANGEBODEN', ontvanger: { oin: '00000099000000000363' }, aanleveraar: { oin: '00000099000000000101' } });
  t.equal(Buffer.from(created.json.ondertekening.aanlevering, 'base64').toString(), body.toString(), 'the exact signed bytes are kept');

  const again = await deliver(gateway, 'uwv', body);
  t.equal(again.status, 200, 'same kenmerk and content: the existing one');
  t.equal(again.json.id, created.json.id);

  const amsterdam = gateway.client('amsterdam');
  const feed = await amsterdam.call('GET', '/v1/aanwijzingen', { headers: { authorization: `Bearer ${await amsterdam.token()}` } });
  t.equal(feed.status, 200);
  t.same(feed.json.aanwijzingen.map((a: { id: string }) => a.id), [created.json.id]);

  const vendor = gateway.client('leverancier');
  const vendorToken = await vendor.token({ grant_type: 'client_credentials', client_id: '00000099000000000801', namens: '00000099000000000363' });
  const viaVendor = await vendor.call('GET', `/v1/aanwijzingen/${created.json.id}`, { headers: { authorization: `Bearer ${vendorToken}` } });
  t.equal(viaVendor.status, 200, 'the vendor reads it for Amsterdam');
  t.equal(viaVendor.json.burgerservicenummer, '999999990');

  const leiden = gateway.client('leiden');
  const foreign = await leiden.call('GET', `/v1/aanwijzingen/${created.json.id}`, { headers: { authorization: `Bearer ${await leiden.token()}` } });
  t.equal(foreign.status, 404, 'another municipality: 404, not 403');

  const log = await amsterdam.call('GET', '/v1/verwerkingen', { headers: { authorization: `Bearer ${await amsterdam.token()}` } });
  t.equal(log.status, 200);
  t.ok(log.json.verwerkingen.length >= 1);
  t.notMatch(log.text, /999999990/, 'no BSN in the processing log');
  t.notOk(gateway.logs.join('').includes('999999990'), 'no BSN in the application log');
});

t.test('bad deliveries get precise problems and store nothing', async (t) => {
  const gateway = await startTestGateway(t);
  const uwv = gateway.client('uwv');
  const token = await uwv.token();
  const auth = { authorization: `Bearer ${token}` };
  const good = Buffer.from(JSON.stringify(aanlevering({ kenmerk: 'K-bad' })));
  const headers = await signedHeaders('uwv', good);
  const altered = Buffer.from(JSON.stringify(aanlevering({ kenmerk: 'K-bad', gemeentecode: '0546' })));
  const cases: Array<[string, Record<string, string>, string, number, string]> = [
    ['no signature', { ...auth, 'content-type': 'application/json', digest: headers.digest }, good.toString(), 400, 'invalid-input'],
    ['body altered after signing', { ...auth, ...headers }, altered.toString(), 400, 'digest-mismatch'],
    ['signed by another party (SVB)', { ...auth, ...(await signedHeaders('svb', good)) }, good.toString(), 400, 'payload-signature-unknown-key'],
    ['invalid BSN', { ...auth, ...(await signedHeaders('uwv', Buffer.from(JSON.stringify(aanlevering({ burgerservicenummer: '123456789' }))))) }, JSON.stringify(aanlevering({ burgerservicenummer: '123456789' })), 400, 'invalid-input'],
  ];
  for (const [name, h, body, status, code] of cases) {
    const response = await uwv.call('POST', '/v1/aanwijzingen', { headers: h, body });
    t.equal(response.status, status, `${name}: ${status}`);
    t.equal(response.json?.type, `urn:nld:ketenpoort:probleem:${code}`, `${name}: ${code}`);
  }
  const duplicate = await new Promise<{ status: number; type: string }>((resolve, reject) => {
    // undici merges repeated headers; a raw request sends Payload-Signature twice, as an attacker could.
    import('node:https').then(({ request: raw }) => {
      const leaf = fixturePki.party('uwv');
      const req = raw(`${gateway.url}/v1/aanwijzingen`, {
        method: 'POST', ca: readFileSync(fixturePki.trustAnchors), cert: readFileSync(leaf.chain), key: readFileSync(leaf.key),
        headers: {
          'content-type': 'application/json', authorization: `Bearer ${token}`, digest: headers.digest,
          'payload-signature': [headers['payload-signature'], headers['payload-signature']], // sent as two header lines
        },
      }, (res) => {
        let text = '';
        res.on('data', (c) => { text += c; });
        res.on('end', () => resolve({ status: res.statusCode!, type: text ? JSON.parse(text).type : `(empty ${res.statusCode})` }));
      });
      req.on('error', reject);
      req.end(good);
    }, reject);
  });
  t.same(duplicate, { status: 400, type: 'urn:nld:ketenpoort:probleem:payload-signature-duplicate' }, 'two Payload-Signature headers: invalid');

  const receiver = gateway.client('amsterdam');
  const asReceiver = await receiver.call('POST', '/v1/aanwijzingen', { headers: { ...(await signedHeaders('amsterdam', good)), authorization: `Bearer ${await receiver.token()}` }, body: good.toString() });
  t.equal(asReceiver.status, 403, 'a receiver cannot deliver');
  t.equal(asReceiver.json.type, 'urn:nld:ketenpoort:probleem:insufficient-scope');
  const feed = await receiver.call('GET', '/v1/aanwijzingen', { headers: { authorization: `Bearer ${await receiver.token()}` } });
  t.same(feed.json.aanwijzingen, [], 'nothing was stored');
});

t.test('the feedback loop: the receiver reports, the sender reads the outcome; the sender withdraws', async (t) => {
  const gateway = await startTestGateway(t);
  const first = await deliver(gateway, 'uwv', Buffer.from(JSON.stringify(aanlevering({ kenmerk: 'FB-1' }))));
  const second = await deliver(gateway, 'uwv', Buffer.from(JSON.stringify(aanlevering({ kenmerk: 'FB-2' }))));
  const vendor = gateway.client('leverancier');
  const vendorAuth = { authorization: `Bearer ${await vendor.token({ grant_type: 'client_credentials', client_id: '00000099000000000801', namens: '00000099000000000363' })}`, 'content-type': 'application/json' };
  const put = (id: string, body: object) => vendor.call('PUT', `/v1/aanwijzingen/${id}/terugkoppeling`, { headers: vendorAuth, body: JSON.stringify(body) });

  t.equal((await put(first.json.id, { status: 'IN_BEHANDELING' })).json.status, 'IN_BEHANDELING');
  const closed = await put(first.json.id, { status: 'AFGEROND', uitkomst: 'BRONGEGEVENS_ONJUIST', toelichting: 'Inkomen klopt niet: betrokkene werkt sinds juni.' });
  t.equal(closed.status, 200);
  const back = await put(first.json.id, { status: 'ONTVANGEN' });
  t.equal(back.status, 409);
  t.equal(back.json.type, 'urn:nld:ketenpoort:probleem:aanwijzing-closed');

  const uwv = gateway.client('uwv');
  const uwvAuth = { authorization: `Bearer ${await uwv.token()}`, 'content-type': 'application/json' };
  const seen = await uwv.call('GET', `/v1/aanwijzingen/${first.json.id}`, { headers: uwvAuth });
  t.match(seen.json.terugkoppeling, { uitkomst: 'BRONGEGEVENS_ONJUIST', toelichting: /werkt sinds juni/ }, 'the sender sees the outcome (piepsysteem)');

  const asSender = await uwv.call('PUT', `/v1/aanwijzingen/${second.json.id}/terugkoppeling`, { headers: uwvAuth, body: JSON.stringify({ status: 'ONTVANGEN' }) });
  t.equal(asSender.status, 403, 'the sender cannot report feedback (no receiver scope)');
  const withdrawn = await uwv.call('POST', `/v1/aanwijzingen/${second.json.id}/intrekking`, { headers: uwvAuth, body: JSON.stringify({ reden: 'Selectie bleek onjuist.' }) });
  t.equal(withdrawn.status, 200);
  t.equal(withdrawn.json.status, 'INGETROKKEN');
  const byReceiver = await vendor.call('POST', `/v1/aanwijzingen/${second.json.id}/intrekking`, { headers: vendorAuth, body: JSON.stringify({ reden: 'x' }) });
  t.equal(byReceiver.status, 403, 'the receiver cannot withdraw');
  const afterWithdrawal = await put(second.json.id, { status: 'ONTVANGEN' });
  t.equal(afterWithdrawal.status, 409, 'no feedback on a withdrawn signal');
  const notMine = await gateway.client('svb').call('POST', `/v1/aanwijzingen/${first.json.id}/intrekking`, {
    headers: { authorization: `Bearer ${await gateway.client('svb').token()}`, 'content-type': 'application/json' }, body: JSON.stringify({ reden: 'x' }),
  });
  t.equal(notMine.status, 404, "another sender's signal: 404");

  const feed = await vendor.call('GET', '/v1/aanwijzingen', { headers: vendorAuth });
  t.same(feed.json.aanwijzingen.map((a: { kenmerk: string; status: string }) => `${a.kenmerk}:${a.status}`), ['FB-1:AFGEROND', 'FB-2:INGETROKKEN'],
    'the feed shows each signal once, in its latest state, ordered by last change');
});

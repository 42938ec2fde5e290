import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import t from 'tap';
import { Agent, request } from 'undici';
import { signPayload } from '../../src/security/payload-signature.js';
import { fixturePki } from '../helpers/fixture-pki.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway-harness.js';
import { gatewayEnvironment, startGatewayProcess } from '../helpers/gateway-process.js';

const BSN = '999999990';
const json = { 'content-type': 'application/json' };

async function as(gateway: TestGateway, party: string) {
  const client = gateway.client(party);
  const auth = { authorization: `Bearer ${await client.token()}` };
  return {
    get: (path: string) => client.call('GET', path, { headers: auth }),
    post: (path: string, body: unknown) => client.call('POST', path, { headers: { ...auth, ...json }, body: JSON.stringify(body) }),
    del: (path: string) => client.call('DELETE', path, { headers: auth }),
    async deliver(kenmerk: string) {
      const body = Buffer.from(JSON.stringify({
        kenmerk, soort: 'MOGELIJK_RECHT', regeling: 'ALGEMENE_BIJSTAND', burgerservicenummer: BSN, gemeentecode: '0363', geldigTot: '2099-12-31',
        aanleiding: { redenCode: 'INKOMEN_ONDER_NORM', criteria: ['WW_EINDIGT'], toelichting: 'x' },
      }));
      const leaf = fixturePki.party(party);
      const signed = await signPayload({ body, privateKey: createPrivateKey(readFileSync(leaf.key)), certificatePem: readFileSync(leaf.cert, 'utf8') });
      return client.call('POST', '/v1/aanwijzingen', {
        headers: { ...auth, ...json, digest: signed.digest, 'payload-signature': signed.payloadSignature }, body: body.toString(),
      });
    },
  };
}

t.test('an opt-out told to SVB suppresses UWV\'s signals: the open one at once, the next one at delivery; withdrawing lets later ones through', async (t) => {
  const gateway = await startTestGateway(t);
  const svb = await as(gateway, 'svb');
  const uwv = await as(gateway, 'uwv');
  const amsterdam = await as(gateway, 'amsterdam');

  const before = await uwv.deliver('VOOR');
  t.equal(before.json.status, 'AANGEBODEN');
  const feedStart = await amsterdam.get('/v1/aanwijzingen');
  t.equal(feedStart.json.aanwijzingen.length, 1);

  const registered = await svb.post('/v1/opt-outs', { burgerservicenummer: BSN, kanaal: 'BALIE' });
  t.equal(registered.status, 201);
  t.match(registered.json, { alleRegelingen: true, status: 'ACTIEF', geregistreerdDoor: { oin: '00000099000000000102' }, onderdrukteAanwijzingen: 1 });
  const again = await amsterdam.post('/v1/opt-outs', { burgerservicenummer: BSN, kanaal: 'DIGITAAL' });
  t.equal(again.status, 200, 'the register is joint: what is active is returned');
  t.equal(again.json.id, registered.json.id);

  const changed = await amsterdam.get(`/v1/aanwijzingen?na=${feedStart.json.volgende}`);
  t.same(changed.json.aanwijzingen.map((a: { kenmerk: string; status: string }) => `${a.kenmerk}:${a.status}`), ['VOOR:ONDERDRUKT']);
  t.equal(changed.json.aanwijzingen[0].burgerservicenummer, undefined, 'suppressed: without content');
  t.equal(changed.json.aanwijzingen[0].aanleiding, undefined);

  const next = await uwv.deliver('NA');
  t.equal(next.status, 201);
  t.equal(next.json.status, 'ONDERDRUKT', 'the sender is told');
  t.equal(next.json.ontvanger, undefined, 'never routed');
  const nothingNew = await amsterdam.get(`/v1/aanwijzingen?na=${changed.json.volgende}`);
  t.same(nothingNew.json.aanwijzingen, [], 'the municipality never sees it');
  t.equal((await amsterdam.get(`/v1/aanwijzingen/${next.json.id}`)).status, 404);

  const lookup = await amsterdam.post('/v1/opt-outs/_zoek', { burgerservicenummers: [BSN, '111222333'] });
  t.same(lookup.json.resultaten, [{ burgerservicenummer: BSN, optOut: true, alleRegelingen: true }, { burgerservicenummer: '111222333', optOut: false }]);
  t.notOk('geregistreerdDoor' in lookup.json.resultaten[0], 'not who registered it');

  const withdrawn = await uwv.del(`/v1/opt-outs/${registered.json.id}`);
  t.equal(withdrawn.status, 200);
  t.match(withdrawn.json, { status: 'INGETROKKEN', ingetrokkenDoor: { oin: '00000099000000000101' }, tijdstipEinde: String });
  t.equal((await svb.get(`/v1/opt-outs/${registered.json.id}`)).json.status, 'INGETROKKEN', 'history kept');
  const after = await uwv.deliver('LATER');
  t.equal(after.json.status, 'AANGEBODEN', 'later signals go through again');
  t.notOk(gateway.logs.join('').includes(BSN), 'no BSN in the log');
});

t.test('bad opt-out input', async (t) => {
  const gateway = await startTestGateway(t);
  const svb = await as(gateway, 'svb');
  const invalid = await svb.post('/v1/opt-outs/_zoek', { burgerservicenummers: ['999999990', '123456789', '12345', '111222333'] });
  t.equal(invalid.status, 400);
  t.same(invalid.json.invalidParams.map((p: { name: string }) => p.name).sort(), ['burgerservicenummers[1]', 'burgerservicenummers[2]'], 'reported per position');
  const tooMany = await svb.post('/v1/opt-outs/_zoek', { burgerservicenummers: Array.from({ length: 10001 }, () => '999999990') });
  t.equal(tooMany.status, 400);
  t.ok(tooMany.json.invalidParams.some((p: { code: string }) => p.code === 'maxItems'));
  const unknownRegeling = await svb.post('/v1/opt-outs', { burgerservicenummer: '999999990', kanaal: 'BALIE', regelingen: ['GRATIS_GELD'] });
  t.match(unknownRegeling.json.invalidParams, [{ name: 'regelingen[0]', code: 'codelist' }]);
  const vendor = gateway.client('leverancier');
  const vendorToken = await vendor.token();
  const notRegistrar = await vendor.call('POST', '/v1/opt-outs', { headers: { authorization: `Bearer ${vendorToken}`, ...json }, body: JSON.stringify({ burgerservicenummer: '999999990', kanaal: 'BALIE' }) });
  t.equal(notRegistrar.status, 403, 'a party without the registrar role may not');
  const bsw = gateway.client('belastingsamenwerking');
  const cannotWithdraw = await bsw.call('DELETE', '/v1/opt-outs/019a0000-0000-7000-8000-000000000000', { headers: { authorization: `Bearer ${await bsw.token()}` } });
  t.equal(cannotWithdraw.status, 403, 'a withdrawal by a party that may not');
  t.equal((await svb.get('/v1/opt-outs/019a0000-0000-7000-8000-000000000000')).status, 404);
});

t.test('a vendor follows BSNs for Amsterdam and polls the changes: ETag/304, long poll, only followed persons', async (t) => {
  const gateway = await startTestGateway(t);
  const svb = await as(gateway, 'svb');
  const vendor = gateway.client('leverancier');
  const auth = { authorization: `Bearer ${await vendor.token({ grant_type: 'client_credentials', client_id: '00000099000000000801', namens: '00000099000000000363' })}` };
  const follow = await vendor.call('POST', '/v1/volgindicaties', { headers: { ...auth, ...json }, body: JSON.stringify({ burgerservicenummers: [BSN, BSN, '111222333'] }) });
  t.same(follow.json, { aantal: 2, gewijzigd: 2 });
  const repeat = await vendor.call('POST', '/v1/volgindicaties', { headers: { ...auth, ...json }, body: JSON.stringify({ burgerservicenummers: [BSN] }) });
  t.same(repeat.json, { aantal: 1, gewijzigd: 0 }, 'idempotent');

  const empty = await vendor.call('GET', '/v1/opt-outs/wijzigingen', { headers: auth });
  t.equal(empty.status, 200);
  t.same(empty.json.wijzigingen, []);
  const etag = empty.headers.etag as string;
  t.match(etag, /^"[A-Za-z0-9_-]+"$/);
  const notModified = await vendor.call('GET', `/v1/opt-outs/wijzigingen?na=${empty.json.volgende}`, { headers: { ...auth, 'if-none-match': etag } });
  t.equal(notModified.status, 304, 'nothing new: 304');
  t.equal(notModified.headers.etag, etag);

  await svb.post('/v1/opt-outs', { burgerservicenummer: '123456782', kanaal: 'BRIEF' }); // not followed
  const stillNothing = await vendor.call('GET', `/v1/opt-outs/wijzigingen?na=${empty.json.volgende}`, { headers: { ...auth, 'if-none-match': etag } });
  t.equal(stillNothing.status, 200, 'the cursor moved past a change of someone not followed');
  t.same(stillNothing.json.wijzigingen, [], 'but it is not shown');

  const started = Date.now();
  const longPoll = vendor.call('GET', `/v1/opt-outs/wijzigingen?na=${stillNothing.json.volgende}&wacht=10`, { headers: auth });
  await new Promise((resolve) => setTimeout(resolve, 300));
  const registered = await svb.post('/v1/opt-outs', { burgerservicenummer: BSN, kanaal: 'TELEFOON', regelingen: ['ALGEMENE_BIJSTAND'] });
  const change = await longPoll;
  t.ok(Date.now() - started < 5000, 'the long poll returned when the change came, not at the end of the wait');
  t.match(change.json.wijzigingen, [{ burgerservicenummer: BSN, status: 'ACTIEF', alleRegelingen: false, regelingen: ['ALGEMENE_BIJSTAND'] }]);

  await svb.del(`/v1/opt-outs/${registered.json.id}`);
  const withdrawn = await vendor.call('GET', `/v1/opt-outs/wijzigingen?na=${change.json.volgende}`, { headers: auth });
  t.match(withdrawn.json.wijzigingen, [{ burgerservicenummer: BSN, status: 'INGETROKKEN' }]);

  await vendor.call('POST', '/v1/volgindicaties/_verwijder', { headers: { ...auth, ...json }, body: JSON.stringify({ burgerservicenummers: [BSN] }) });
  await svb.post('/v1/opt-outs', { burgerservicenummer: BSN, kanaal: 'BALIE' });
  const unfollowed = await vendor.call('GET', `/v1/opt-outs/wijzigingen?na=${withdrawn.json.volgende}`, { headers: auth });
  t.same(unfollowed.json.wijzigingen, [], 'no longer followed: not shown');

  const forged = await vendor.call('GET', '/v1/opt-outs/wijzigingen?na=AAAA', { headers: auth });
  t.equal(forged.status, 400);
  t.equal(forged.json.invalidParams[0].code, 'cursor');
  const ahead = await vendor.call('GET', `/v1/opt-outs/wijzigingen?na=${Buffer.from('v1.999999').toString('base64url')}`, { headers: auth });
  t.equal(ahead.status, 400, 'a cursor beyond the head was not handed out by this register');
  t.match(ahead.json.invalidParams, [{ name: 'na', code: 'cursor', reason: 'ahead of the feed' }]);
  await vendor.call('POST', '/v1/volgindicaties', { headers: { ...auth, ...json }, body: JSON.stringify({ burgerservicenummers: [BSN] }) });
  const amsterdam = await as(gateway, 'amsterdam');
  const own = await amsterdam.get('/v1/opt-outs/wijzigingen');
  t.same(own.json.wijzigingen.map((w: { status: string }) => w.status), ['INGETROKKEN', 'ACTIEF'],
    'the indications the vendor placed are Amsterdam\'s: Amsterdam sees the same changes from the start');
});

t.test('large look-ups back to back on one keep-alive TLS connection to a gateway process all succeed', async (t) => {
  // A 10,000-BSN answer is ~0.5 MB. With the answer deferred past setImmediate (a group-commit
  // attempt), Node's HTTP server paused the TLS socket for back-pressure while data was still
  // arriving and reset about one connection in six (HPE_PAUSED). Only a separate process shows it.
  t.setTimeout(110_000);
  const gateway = await startGatewayProcess(t, await gatewayEnvironment(t, t.testdir({})));
  t.teardown(() => gateway.stop());
  const leaf = fixturePki.party('amsterdam');
  const agent = new Agent({ connections: 1, connect: { ca: readFileSync(fixturePki.trustAnchors), cert: readFileSync(leaf.chain), key: readFileSync(leaf.key) } });
  t.teardown(() => agent.close());
  const token = await request(`${gateway.api}/v1/oauth/token`, { dispatcher: agent, method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials&client_id=00000099000000000363' });
  const auth = { authorization: `Bearer ${(await token.body.json() as { access_token: string }).access_token}`, ...json };
  const bsns: string[] = [];
  for (let n = 10_000_000; bsns.length < 10_000; n++) {
    const digits = String(n).padStart(8, '0');
    let sum = 0;
    for (let i = 0; i < 8; i++) sum += Number(digits[i]) * (9 - i);
    if (sum % 11 !== 10) bsns.push(digits + (sum % 11));
  }
  const body = JSON.stringify({ burgerservicenummers: bsns });
  const outcomes: Array<number | string> = [];
  for (let i = 0; i < 15; i++) {
    try {
      const response = await request(`${gateway.api}/v1/opt-outs/_zoek`, { dispatcher: agent, method: 'POST', headers: auth, body });
      await response.body.arrayBuffer();
      outcomes.push(response.statusCode);
    } catch (error) {
      outcomes.push((error as { code?: string }).code ?? 'error');
    }
  }
  t.same(outcomes, Array(15).fill(200));
});

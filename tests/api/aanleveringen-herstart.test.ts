import { createPrivateKey } from 'node:crypto';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import t from 'tap';
import { Agent, request } from 'undici';
import { signPayload } from '../../src/security/payload-signature.js';
import { fixturePki } from '../helpers/fixture-pki.js';
import { gatewayEnvironment, startGatewayProcess } from '../helpers/gateway-process.js';
import { queryNumber } from '../helpers/test-database.js';

// A real gateway process killed with SIGKILL halfway through a file, restarted on the same
// database and spool: every line ends up with exactly one outcome and every signal exists once.

const LINES = 12_000;

t.test('killed with SIGKILL halfway through a file: after a restart every line counts once, and re-sending changes nothing', async (t) => {
  t.setTimeout(110_000);
  const dir = t.testdir({});
  const env = await gatewayEnvironment(t, dir);
  const leaf = fixturePki.party('uwv');
  const agent = new Agent({ connect: { ca: readFileSync(fixturePki.trustAnchors), cert: readFileSync(leaf.chain), key: readFileSync(leaf.key) } });
  t.teardown(() => agent.close());
  const lines = Array.from({ length: LINES }, (_, i) => JSON.stringify({
    kenmerk: `K-${i}`, soort: 'MOGELIJK_RECHT', regeling: 'ALGEMENE_BIJSTAND', burgerservicenummer: '999999990', gemeentecode: '0363', geldigTot: '2099-12-31',
    aanleiding: { redenCode: 'INKOMEN_ONDER_NORM', criteria: ['WW_EINDIGT'], toelichting: 'Uw WW-uitkering stopt binnenkort.' },
  }));
  lines[7] = '{"kenmerk": broken';
  const file = Buffer.from(lines.join('\n') + '\n');
  const { digest, payloadSignature } = await signPayload({ body: file, privateKey: createPrivateKey(readFileSync(leaf.key)), certificatePem: readFileSync(leaf.cert, 'utf8'), alg: 'PS256' });

  const tokens = new Map<string, string>(); // one token per gateway process: its signing key is its own
  const call = async (api: string, method: 'GET' | 'POST', path: string, body?: Buffer) => {
    if (!tokens.has(api)) {
      const token = await request(`${api}/v1/oauth/token`, { dispatcher: agent, method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials&client_id=00000099000000000101' });
      tokens.set(api, (await token.body.json() as { access_token: string }).access_token);
    }
    const accessToken = tokens.get(api)!;
    const response = await request(`${api}${path}`, {
      dispatcher: agent, method, ...(body ? { body } : {}),
      headers: { authorization: `Bearer ${accessToken}`, ...(body ? { 'content-type': 'application/x-ndjson', digest, 'payload-signature': payloadSignature } : {}) },
    });
    return { status: response.statusCode, json: await response.body.json() as any };
  };

  const first = await startGatewayProcess(t, env);
  const sent = await call(first.api, 'POST', '/v1/aanleveringen', file);
  t.equal(sent.status, 202);
  const id = sent.json.id as string;
  let seen = 0;
  for (let i = 0; i < 2000 && seen === 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    seen = (await call(first.api, 'GET', `/v1/aanleveringen/${id}`)).json.aantallen.totaal;
  }
  first.child.kill('SIGKILL');
  await once(first.child, 'exit');
  t.ok(seen > 0 && seen < LINES, `killed halfway (${seen} of ${LINES} lines had an outcome)`);

  const second = await startGatewayProcess(t, env);
  const again = await call(second.api, 'POST', '/v1/aanleveringen', file);
  t.equal(again.status, 200, 'the re-sent file is the same aanlevering');
  t.equal(again.json.id, id);
  let report = again.json;
  for (let i = 0; i < 600 && report.status !== 'VERWERKT'; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    report = (await call(second.api, 'GET', `/v1/aanleveringen/${id}`)).json;
  }
  t.equal(report.status, 'VERWERKT');
  t.same(report.aantallen, { totaal: LINES, geaccepteerd: LINES - 1, afgewezen: 1, onderdrukt: 0, alBekend: 0 }, 'each line counted once');
  await second.stop();

  const database = env.KETENPOORT_DATABASE_URL!;
  t.equal(await queryNumber(database, 'SELECT count(*) FROM aanwijzing'), LINES - 1, 'every signal exists once');
  t.equal(await queryNumber(database, 'SELECT count(DISTINCT kenmerk) FROM aanwijzing'), LINES - 1);
  t.equal(await queryNumber(database, 'SELECT count(*) FROM aanlevering_fout'), 1);
  t.same(readdirSync(`${dir}/spool`), [], 'the spooled file is removed when done');
});

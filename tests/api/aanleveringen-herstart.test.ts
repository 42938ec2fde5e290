import { spawn, type ChildProcess } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { once } from 'node:events';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import t from 'tap';
import { Agent, request } from 'undici';
import YAML from 'yaml';
import { projectPath } from '../../src/config/project-paths.js';
import { signPayload } from '../../src/security/payload-signature.js';
import { fixturePki } from '../helpers/fixture-pki.js';

// A real gateway process killed with SIGKILL halfway through a file, restarted on the same
// database and spool: every line ends up with exactly one outcome and every signal exists once.

const CLI = projectPath('src', 'cli', 'ketenpoort.ts');
const LINES = 12_000;

function registryFile(dir: string): string {
  const data = YAML.parse(readFileSync(projectPath('config', 'partijen.dev.yaml'), 'utf8'));
  for (const party of data.partijen) party.certificaten = [fixturePki.party(party.id).cert];
  writeFileSync(`${dir}/partijen.yaml`, YAML.stringify(data));
  return `${dir}/partijen.yaml`;
}

async function startGateway(dir: string, env: Record<string, string>): Promise<{ child: ChildProcess; api: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'start'], { cwd: projectPath(), env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  for await (const line of lines) {
    const entry = JSON.parse(line) as { msg?: string; api?: string };
    if (entry.msg === 'Ketenpoort is listening') {
      lines.on('line', () => {}); // keep draining the log
      return { child, api: entry.api!.replace('127.0.0.1', 'localhost') };
    }
  }
  throw new Error(`the gateway in ${dir} did not start`);
}

t.test('killed with SIGKILL halfway through a file: after a restart every line counts once, and re-sending changes nothing', async (t) => {
  t.setTimeout(110_000);
  const dir = t.testdir({});
  const env = {
    KETENPOORT_PORT: '0', KETENPOORT_HOST: '127.0.0.1', KETENPOORT_OPS_PORT: '0', KETENPOORT_LOG_LEVEL: 'info',
    KETENPOORT_TLS_CERT: fixturePki.server.chain, KETENPOORT_TLS_KEY: fixturePki.server.key,
    KETENPOORT_TLS_CA: fixturePki.trustAnchors, KETENPOORT_TLS_CRL: fixturePki.crls, KETENPOORT_PARTIES: registryFile(dir),
    KETENPOORT_DATABASE_URL: `sqlite:${dir}/kp.db`, KETENPOORT_TOKEN_KEY: `${dir}/token.pem`, KETENPOORT_PSEUDONYM_KEY: `${dir}/pseudonym.key`,
    KETENPOORT_FILES_DIR: `${dir}/spool`, KETENPOORT_RATE_LIMIT: '0',
  };
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

  const first = await startGateway(dir, env);
  t.teardown(() => { first.child.kill('SIGKILL'); });
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

  const second = await startGateway(dir, env);
  t.teardown(() => { second.child.kill('SIGKILL'); });
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
  second.child.kill('SIGTERM');
  await once(second.child, 'exit');

  const db = new Database(`${dir}/kp.db`, { readonly: true });
  t.teardown(() => db.close());
  t.equal(db.prepare('SELECT count(*) FROM aanwijzing').pluck().get(), LINES - 1, 'every signal exists once');
  t.equal(db.prepare('SELECT count(DISTINCT kenmerk) FROM aanwijzing').pluck().get(), LINES - 1);
  t.equal(db.prepare('SELECT count(*) FROM aanlevering_fout').pluck().get(), 1);
  t.same(readdirSync(`${dir}/spool`), [], 'the spooled file is removed when done');
});

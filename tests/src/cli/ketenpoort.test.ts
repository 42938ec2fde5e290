import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import t from 'tap';
import { Agent, request } from 'undici';
import YAML from 'yaml';
import { heapBoundWarning } from '../../../src/cli/node-options.js';
import { projectPath } from '../../../src/config/project-paths.js';
import { fixturePki } from '../../helpers/fixture-pki.js';
import { testDatabase, testStoreEngine } from '../../helpers/test-database.js';

const CLI = projectPath('src', 'cli', 'ketenpoort.ts');

/** A registry file for the fixture PKI (the dev registry with fixture certificate paths). */
function writeRegistry(dir: string): string {
  const data = YAML.parse(readFileSync(projectPath('config', 'partijen.dev.yaml'), 'utf8'));
  for (const party of data.partijen) party.certificaten = [fixturePki.party(party.id).cert];
  const file = `${dir}/partijen.yaml`;
  writeFileSync(file, YAML.stringify(data));
  return file;
}

function startProcess(env: Record<string, string>) {
  return spawn(process.execPath, ['--import', 'tsx', CLI, 'start'], {
    cwd: projectPath(), env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
}

t.test('a real gateway process: listens on both ports, serves mTLS, shuts down gracefully on SIGTERM', async (t) => {
  const dir = t.testdir({});
  const database = await testDatabase(dir);
  t.teardown(() => database.drop());
  const child = startProcess({
    KETENPOORT_PORT: '0', KETENPOORT_HOST: '127.0.0.1', KETENPOORT_OPS_PORT: '0',
    KETENPOORT_TLS_CERT: fixturePki.server.chain, KETENPOORT_TLS_KEY: fixturePki.server.key,
    KETENPOORT_TLS_CA: fixturePki.trustAnchors, KETENPOORT_TLS_CRL: fixturePki.crls,
    KETENPOORT_PARTIES: writeRegistry(dir), KETENPOORT_DATABASE_URL: database.url, KETENPOORT_TOKEN_KEY: `${dir}/token.pem`,
  });
  t.teardown(() => { if (child.exitCode === null) child.kill('SIGKILL'); });
  let listening: { api: string; ops: string } | undefined;
  const warnings: string[] = [];
  for await (const line of createInterface({ input: child.stdout })) {
    const entry = JSON.parse(line);
    if (entry.level === 40) warnings.push(entry.msg);
    if (entry.msg === 'Ketenpoort is listening') { listening = entry; break; }
  }
  t.ok(listening, 'logged where it listens');
  // Started here as `node --import tsx …` without the gateway's Node options: it warns, unless this
  // machine's default heap limit is within the bound anyway (then there is nothing to warn about).
  t.equal(warnings.some((w) => w.startsWith('started without --max-old-space-size=')), heapBoundWarning() !== undefined,
    'warns exactly when the heap bound is missing');
  const ops = new URL(listening!.ops);
  const ready = await request(`${listening!.ops}/health/ready`);
  t.equal(ready.statusCode, 200);
  t.same(await ready.body.json(), { status: 'UP', store: testStoreEngine });
  t.equal(ops.hostname, '127.0.0.1', 'ops port on localhost');

  const party = fixturePki.party('uwv');
  const agent = new Agent({ connect: { ca: readFileSync(fixturePki.trustAnchors), cert: readFileSync(party.chain), key: readFileSync(party.key), servername: 'localhost' } });
  t.teardown(() => agent.close());
  const api = listening!.api;
  const token = await request(`${api}/v1/oauth/token`, {
    dispatcher: agent, method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials&client_id=00000099000000000101',
  });
  t.equal(token.statusCode, 200);
  const { access_token } = await token.body.json() as { access_token: string };
  const me = await request(`${api}/v1/partijen/mij`, { dispatcher: agent, headers: { authorization: `Bearer ${access_token}` } });
  t.equal(me.statusCode, 200);
  t.equal((await me.body.json() as { oin: string }).oin, '00000099000000000101');

  const noCert = new Agent({ connect: { ca: readFileSync(fixturePki.trustAnchors), servername: 'localhost' } });
  t.teardown(() => noCert.close());
  const refused = await request(`${api}/v1/openapi.json`, { dispatcher: noCert });
  t.equal(refused.statusCode, 403, 'no client certificate: refused');
  await refused.body.dump();

  child.kill('SIGTERM');
  const [code] = await once(child, 'exit');
  t.equal(code, 0, 'exits 0 after a graceful shutdown');
});

t.test('a bad setting stops the start with a message that names it', async (t) => {
  const child = startProcess({ KETENPOORT_PORT: 'achtduizend' });
  let stderr = '';
  child.stderr.on('data', (chunk) => { stderr += chunk; });
  const [code] = await once(child, 'exit');
  t.equal(code, 78);
  t.match(stderr, /configuration error: KETENPOORT_PORT: must be an integer/);
});

t.test('a database that cannot be reached stops the start naming the setting, without the password', async (t) => {
  const dir = t.testdir({});
  const child = startProcess({
    KETENPOORT_TLS_CERT: fixturePki.server.chain, KETENPOORT_TLS_KEY: fixturePki.server.key,
    KETENPOORT_TLS_CA: fixturePki.trustAnchors, KETENPOORT_TLS_CRL: fixturePki.crls, KETENPOORT_PARTIES: writeRegistry(dir),
    KETENPOORT_TOKEN_KEY: `${dir}/token.pem`, KETENPOORT_PSEUDONYM_KEY: `${dir}/pseudonym.key`,
    // Port 1 on loopback refuses at once: no network beyond this machine.
    KETENPOORT_DATABASE_URL: 'postgres://ketenpoort:geheim@127.0.0.1:1/ketenpoort',
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => { stderr += chunk; });
  const [code] = await once(child, 'exit');
  t.equal(code, 78);
  t.match(stderr, /configuration error: KETENPOORT_DATABASE_URL: cannot open the PostgreSQL database postgres:\/\/ketenpoort:\*\*\*@127\.0\.0\.1:1\/ketenpoort: ECONNREFUSED/);
  t.notMatch(stderr, /geheim/);
});

t.test('--help works on every command', async (t) => {
  for (const args of [['--help'], ['start', '--help'], ['pki', '--help'], ['pki', 'init', '--help'], ['pki', 'issue', '--help'], ['onderteken', '--help']]) {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: projectPath(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    const [code] = await once(child, 'exit');
    t.equal(code, 0, `${args.join(' ')} exits 0`);
    t.match(stdout, /Usage: ketenpoort/, `${args.join(' ')} prints usage`);
  }
});

t.test('onderteken prints headers that the gateway\'s verifier accepts', async (t) => {
  const { verifyPayloadSignature } = await import('../../../src/security/payload-signature.js');
  const dir = t.testdir({ 'aanwijzing.json': '{"kenmerk":"X"}' });
  const leaf = fixturePki.party('uwv');
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'onderteken', `${dir}/aanwijzing.json`, '--sleutel', leaf.key, '--certificaat', leaf.cert],
    { cwd: projectPath(), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.on('data', (chunk) => { stdout += chunk; });
  const [code] = await once(child, 'exit');
  t.equal(code, 0);
  const headers = Object.fromEntries(stdout.trim().split('\n').map((line) => line.split(': ', 2) as [string, string]));
  const verified = await verifyPayloadSignature({
    payloadSignature: headers['Payload-Signature'], digest: headers.Digest, body: readFileSync(`${dir}/aanwijzing.json`),
    certificates: [readFileSync(leaf.cert, 'utf8')],
  });
  t.equal(verified.algorithm, 'PS256');
  const missing = spawn(process.execPath, ['--import', 'tsx', CLI, 'onderteken', `${dir}/nope.json`, '--sleutel', leaf.key, '--certificaat', leaf.cert],
    { cwd: projectPath(), stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  missing.stderr.on('data', (chunk) => { stderr += chunk; });
  const [missingCode] = await once(missing, 'exit');
  t.equal(missingCode, 2);
  t.match(stderr, /cannot read the body .*nope\.json \(ENOENT\)/);
});

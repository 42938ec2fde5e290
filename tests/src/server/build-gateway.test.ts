import { readFileSync } from 'node:fs';
import tls from 'node:tls';
import t from 'tap';
import { fixturePki } from '../../helpers/fixture-pki.js';
import YAML from 'yaml';
import { startTestGateway } from '../../helpers/gateway-harness.js';
import { loadContract } from '../../../src/server/contract.js';
import { unimplementedOperations } from '../../../src/server/contract-routes.js';

const SECURITY_HEADERS = {
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'strict-transport-security': 'max-age=31536000',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
};
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

t.test('the contract is served as JSON and YAML without a token, with CORS *', async (t) => {
  const gateway = await startTestGateway(t);
  const client = gateway.client('leiden');
  const json = await client.call('GET', '/v1/openapi.json');
  const yaml = await client.call('GET', '/v1/openapi.yaml');
  t.equal(json.status, 200);
  t.equal(yaml.status, 200);
  t.match(json.headers['content-type'], /^application\/json/);
  t.match(yaml.headers['content-type'], /^application\/yaml/);
  t.equal(json.headers['access-control-allow-origin'], '*');
  t.equal(yaml.headers['access-control-allow-origin'], '*');
  t.same(YAML.parse(yaml.text), json.json, 'same content');
  t.equal(json.headers['api-version'], json.json.info.version, 'API-Version = info.version');
  t.match(json.headers, SECURITY_HEADERS, 'security headers');
});

t.test('ADR behaviour on errors: problem+json, API-Version and security headers everywhere', async (t) => {
  const gateway = await startTestGateway(t);
  const client = gateway.client('uwv');
  const token = await client.token();
  const auth = { authorization: `Bearer ${token}` };
  const cases: Array<[string, Parameters<typeof client.call>, number, string]> = [
    ['unknown path', ['GET', '/v1/bestaat-niet'], 404, 'not-found'],
    ['trailing slash', ['GET', '/v1/partijen/mij/', { headers: auth }], 404, 'not-found'],
    ['wrong method', ['DELETE', '/v1/partijen/mij', { headers: auth }], 405, 'method-not-allowed'],
    ['wrong Accept', ['GET', '/v1/partijen/mij', { headers: { ...auth, accept: 'application/xml' } }], 406, 'not-acceptable'],
    ['wrong Content-Type', ['POST', '/v1/oauth/token', { headers: { 'content-type': 'application/json' }, body: '{"grant_type":"client_credentials"}' }], 415, 'unsupported-media-type'],
    ['unknown Content-Type', ['POST', '/v1/oauth/token', { headers: { 'content-type': 'text/csv' }, body: 'a,b' }], 415, 'unsupported-media-type'],
    ['body too large', ['POST', '/v1/oauth/token', { headers: FORM, body: `grant_type=client_credentials&scope=${'x'.repeat(20000)}` }], 413, 'payload-too-large'],
    ['empty body', ['POST', '/v1/oauth/token', { headers: FORM, body: '' }], 400, 'invalid-input'],
  ];
  for (const [name, args, status, code] of cases) {
    const response = await client.call(...args);
    t.equal(response.status, status, `${name}: ${status}`);
    t.match(response.headers['content-type'], /^application\/problem\+json/, `${name}: problem+json`);
    t.match(response.json, { type: `urn:nld:ketenpoort:probleem:${code}`, status, title: String, detail: String }, `${name}: ${code}`);
    t.equal(response.headers['api-version'], '0.1.0', `${name}: API-Version`);
    t.match(response.headers, SECURITY_HEADERS, `${name}: security headers`);
    t.notMatch(response.text, /at .*\.(ts|js):\d+/, `${name}: no stack trace`);
  }
  const trailing = await client.call('GET', '/v1/partijen/mij/', { headers: auth });
  t.match(trailing.json.detail, /try \/v1\/partijen\/mij/, 'a trailing slash is explained, never redirected');
  const wrongMethod = await client.call('DELETE', '/v1/partijen/mij', { headers: auth });
  t.equal(wrongMethod.headers.allow, 'GET, HEAD');
});

t.test('invalid input is 400 and lists every error with its location', async (t) => {
  const gateway = await startTestGateway(t);
  const response = await gateway.client('uwv').call('POST', '/v1/oauth/token', {
    headers: FORM, body: new URLSearchParams({ grant_type: 'password', namens: '123', extra: 'x', client_id: '00000099000000000101' }).toString(),
  });
  t.equal(response.status, 400);
  t.equal(response.json.type, 'urn:nld:ketenpoort:probleem:invalid-input');
  const found = response.json.invalidParams.map((p: { in: string; name: string; code: string }) => `${p.in}:${p.name}:${p.code}`).sort();
  t.same(found, ['body:extra:additionalProperties', 'body:grant_type:const', 'body:namens:minLength', 'body:namens:pattern'].sort(), 'all errors at once');
});

t.test('FSC transaction id and W3C traceparent', async (t) => {
  const gateway = await startTestGateway(t);
  const client = gateway.client('svb');
  const fresh = await client.call('GET', '/v1/openapi.json');
  t.match(fresh.headers['fsc-transaction-id'], UUID_V7, 'a new UUIDv7');
  const incoming = '019a9a8e-5f3b-7c2d-9e4f-0123456789ab';
  const kept = await client.call('GET', '/v1/bestaat-niet', { headers: { 'fsc-transaction-id': incoming } });
  t.equal(kept.headers['fsc-transaction-id'], incoming, 'an incoming UUID is kept');
  t.equal(kept.json.instance, `urn:uuid:${incoming}`, 'and is the problem instance');
  const accessLine = gateway.logs.map((line) => JSON.parse(line)).find((line) => line.msg === 'request' && line.path === '/v1/bestaat-niet');
  t.equal(accessLine?.transactionId, incoming, 'the access line names the transaction id');
  const bogus = await client.call('GET', '/v1/openapi.json', { headers: { 'fsc-transaction-id': 'drop table' } });
  t.match(bogus.headers['fsc-transaction-id'], UUID_V7, 'an invalid one is replaced');
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
  await client.call('GET', '/v1/openapi.json', { headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` } });
  t.ok(gateway.logs.some((line) => line.includes(traceId)), 'the incoming trace id is logged with the request');
});

t.test('5xx answers hide internals and are logged once', async (t) => {
  const gateway = await startTestGateway(t, {
    beforeListen: (app) => app.get('/v1/ontploft', async () => { throw new Error('secret internal detail /etc/passwd'); }),
  });
  const response = await gateway.client('uwv').call('GET', '/v1/ontploft');
  t.equal(response.status, 500);
  t.equal(response.json.type, 'urn:nld:ketenpoort:probleem:internal-error');
  t.notMatch(response.text, /secret internal detail/);
  t.equal(gateway.logs.filter((l) => l.includes('secret internal detail')).length, 1, 'logged once, with the cause');
  const failure = gateway.logs.map((line) => JSON.parse(line)).find((line) => line.msg === 'request failed');
  t.equal(failure?.transactionId, response.headers['fsc-transaction-id'], 'with the transaction id to quote');
});

t.test('rate limiting per OIN answers 429 problem+json with Retry-After', async (t) => {
  const gateway = await startTestGateway(t, { env: { KETENPOORT_RATE_LIMIT: '3' } });
  const uwv = gateway.client('uwv');
  const statuses = [];
  for (let i = 0; i < 4; i++) statuses.push((await uwv.call('GET', '/v1/openapi.json')).status);
  t.same(statuses, [200, 200, 200, 429]);
  const limited = await uwv.call('GET', '/v1/openapi.json');
  t.equal(limited.json.type, 'urn:nld:ketenpoort:probleem:too-many-requests');
  t.match(limited.headers['retry-after'], /^\d+$/);
  t.equal((await gateway.client('svb').call('GET', '/v1/openapi.json')).status, 200, 'another OIN has its own allowance');
});

t.test('metrics count requests by operation, never by URL', async (t) => {
  const gateway = await startTestGateway(t);
  await gateway.client('uwv').call('GET', '/v1/openapi.json');
  await gateway.client('uwv').call('GET', '/v1/bestaat-niet/111222333');
  const text = await gateway.metrics.registry.metrics();
  t.match(text, /ketenpoort_http_requests_total\{operation="haalContractJson",status="200"\} 1/);
  t.match(text, /ketenpoort_refusals_total\{code="not-found"\} 1/);
  t.notMatch(text, /111222333|bestaat-niet/);
  t.notOk(gateway.logs.join('').includes('111222333'), 'a BSN-like path segment is scrubbed from the log');
});

t.test('every operation of the contract has a route', async (t) => {
  const gateway = await startTestGateway(t);
  const contract = loadContract();
  t.ok(contract.operations.size >= 9);
  t.same(unimplementedOperations(gateway.app, contract), [], 'contract operations without a route');
});

t.test('a request the HTTP parser cannot read still gets problem+json with the ADR headers', async (t) => {
  const gateway = await startTestGateway(t);
  const party = fixturePki.party('uwv');
  const answer = await new Promise<string>((resolve, reject) => {
    const socket = tls.connect({
      host: '127.0.0.1', port: Number(new URL(gateway.url).port), servername: 'localhost', ca: readFileSync(fixturePki.trustAnchors),
      cert: readFileSync(party.chain), key: readFileSync(party.key),
    }, () => socket.write('GET /v1/openapi.json HTTP/1.1\r\nHost: localhost\r\nContent-Length: twelve\r\n\r\n'));
    let text = '';
    socket.on('data', (chunk) => { text += chunk; });
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
  });
  t.match(answer, /^HTTP\/1\.1 400 Bad Request/);
  t.match(answer, /content-type: application\/problem\+json/);
  t.match(answer, /api-version: 0\.1\.0/);
  t.match(answer, /x-content-type-options: nosniff/);
  t.match(answer, /"type":"urn:nld:ketenpoort:probleem:malformed-request"/);
});

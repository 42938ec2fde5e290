import { readFileSync } from 'node:fs';
import tls from 'node:tls';
import t from 'tap';
import { fixturePki } from '../../helpers/fixture-pki.js';
import { startTestGateway, testRegistry } from '../../helpers/gateway-harness.js';

t.test('the API refuses every client certificate it cannot trust, with a precise problem', async (t) => {
  const gateway = await startTestGateway(t);
  const cases: Array<[string, Parameters<typeof gateway.clientWith>[0], string, RegExp]> = [
    ['no certificate', undefined, 'client-certificate-required', /No client certificate/],
    ['expired', fixturePki.special('verlopen'), 'client-certificate-expired', /expired/],
    ['revoked', fixturePki.special('ingetrokken'), 'client-certificate-revoked', /revoked/],
    ['another CA (same OIN as UWV)', fixturePki.foreign, 'client-certificate-untrusted', /trust anchor/],
    ['malformed OIN', fixturePki.special('foute-oin'), 'client-certificate-invalid-oin', /20-digit OIN/],
    ['unknown OIN', fixturePki.special('onbekend'), 'unknown-party', /not a registered chain partner/],
  ];
  for (const [name, material, code, detail] of cases) {
    const response = await gateway.clientWith(material).call('GET', '/v1/openapi.json');
    t.equal(response.status, 403, `${name}: 403`);
    t.equal(response.json?.type, `urn:nld:ketenpoort:probleem:${code}`, `${name}: ${code}`);
    t.match(response.json?.detail, detail, `${name}: says why`);
    t.match(response.headers['content-type'], /^application\/problem\+json/, `${name}: problem+json`);
    t.equal(response.headers['api-version'], '0.1.0', `${name}: API-Version`);
  }
});

t.test('test OINs are refused in production mode', async (t) => {
  const gateway = await startTestGateway(t, {
    env: {
      KETENPOORT_MODE: 'production', KETENPOORT_PUBLIC_URL: 'https://localhost:8443', KETENPOORT_TLS_CERT: 'x', KETENPOORT_TLS_KEY: 'x',
      KETENPOORT_TLS_CA: 'x', KETENPOORT_TLS_CRL: 'x', KETENPOORT_PARTIES: 'x', KETENPOORT_TOKEN_KEY: 'x', KETENPOORT_PSEUDONYM_KEY: 'x', KETENPOORT_DATABASE_URL: 'sqlite::memory:',
    },
    registry: testRegistry(),
  });
  const refused = await gateway.client('uwv').call('GET', '/v1/openapi.json');
  t.equal(refused.status, 403);
  t.equal(refused.json.type, 'urn:nld:ketenpoort:probleem:test-oin-refused');
  const production = await gateway.clientWith(fixturePki.special('productie')).call('GET', '/v1/openapi.json');
  t.equal(production.json.type, 'urn:nld:ketenpoort:probleem:unknown-party', 'a production OIN passes the OIN check (and is then looked up)');
});

t.test('a registered party with a valid certificate gets through', async (t) => {
  const gateway = await startTestGateway(t);
  const response = await gateway.client('amsterdam').call('GET', '/v1/openapi.json');
  t.equal(response.status, 200);
});

t.test('the peer certificate is parsed once per connection, not per request', async (t) => {
  const gateway = await startTestGateway(t);
  const port = Number(new URL(gateway.url).port);
  const original = tls.TLSSocket.prototype.getPeerCertificate;
  let calls = 0;
  tls.TLSSocket.prototype.getPeerCertificate = function (this: tls.TLSSocket, ...args: [boolean?]) {
    if (this.localPort === port) calls++; // the gateway's side of the connection
    return original.apply(this, args as [true]);
  } as typeof original;
  t.teardown(() => { tls.TLSSocket.prototype.getPeerCertificate = original; });
  const client = gateway.client('uwv');
  for (let i = 0; i < 5; i++) t.equal((await client.call('GET', '/v1/openapi.json')).status, 200);
  t.equal(calls, 1, 'five requests on one keep-alive connection, one parse');
});

t.test('TLS below 1.2 and suites without forward secrecy are refused at the handshake', async (t) => {
  const gateway = await startTestGateway(t);
  const port = Number(new URL(gateway.url).port);
  const party = fixturePki.party('uwv');
  const attempt = (options: tls.ConnectionOptions) => new Promise<string>((resolve) => {
    const socket = tls.connect({
      host: '127.0.0.1', port, servername: 'localhost', ca: readFileSync(fixturePki.trustAnchors),
      cert: readFileSync(party.chain), key: readFileSync(party.key), ...options,
    }, () => { resolve(`connected ${socket.getProtocol()} ${socket.getCipher().name}`); socket.end(); });
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(`refused ${error.code ?? error.message}`));
  });
  t.match(await attempt({ maxVersion: 'TLSv1.1', minVersion: 'TLSv1' }), /^refused/, 'TLS 1.1');
  t.match(await attempt({ maxVersion: 'TLSv1.2', ciphers: 'AES128-GCM-SHA256' }), /^refused/, 'RSA key exchange');
  t.match(await attempt({ maxVersion: 'TLSv1.2' }), /^connected TLSv1\.2 ECDHE-/, 'TLS 1.2 with ECDHE');
  t.match(await attempt({}), /^connected TLSv1\.3/, 'TLS 1.3 preferred');
});

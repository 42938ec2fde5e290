import { readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import pino from 'pino';
import { Agent, request } from 'undici';
import YAML from 'yaml';
import { loadConfig } from '../../../src/config/load-config.js';
import { projectPath } from '../../../src/config/project-paths.js';
import { initDevPki, revokeCertificate } from '../../../src/pki/test-pki.js';
import { startGateway } from '../../../src/server/launcher.js';
import { testDatabase } from '../../helpers/test-database.js';

t.test('CRLs are reloaded without a restart: a certificate revoked meanwhile is refused on new connections', async (t) => {
  const dir = t.testdir({});
  const pki = await initDevPki({ dir: `${dir}/pki`, parties: [{ id: 'uwv', oin: '00000099000000000101', naam: 'UWV (test)' }] });
  const registry = YAML.parse(readFileSync(projectPath('config', 'partijen.dev.yaml'), 'utf8'));
  registry.partijen = registry.partijen.filter((p: { id: string }) => p.id === 'uwv').map((p: object) => ({ ...p, certificaten: [pki.party('uwv').cert] }));
  writeFileSync(`${dir}/partijen.yaml`, YAML.stringify(registry));
  const database = await testDatabase(dir);
  const config = loadConfig({
    KETENPOORT_HOST: '127.0.0.1', KETENPOORT_PORT: '0', KETENPOORT_OPS_PORT: '0',
    KETENPOORT_TLS_CERT: pki.serverChain, KETENPOORT_TLS_KEY: pki.serverKey, KETENPOORT_TLS_CA: pki.trustAnchors, KETENPOORT_TLS_CRL: pki.crls,
    KETENPOORT_TLS_CRL_RELOAD: '0', KETENPOORT_PARTIES: `${dir}/partijen.yaml`, KETENPOORT_DATABASE_URL: database.url,
    KETENPOORT_TOKEN_KEY: `${dir}/token.pem`, KETENPOORT_PSEUDONYM_KEY: `${dir}/pseudonym.key`,
  });
  const gateway = await startGateway(config, pino({ level: 'silent' }));
  t.teardown(async () => {
    await gateway.close();
    await database.drop();
  });
  const url = `https://localhost:${(gateway.api.server.address() as AddressInfo).port}/v1/openapi.json`;
  const connect = () => new Agent({ connections: 1, connect: { ca: readFileSync(pki.trustAnchors), cert: readFileSync(pki.party('uwv').chain), key: readFileSync(pki.party('uwv').key) } });
  const status = async (agent: Agent) => {
    const response = await request(url, { dispatcher: agent });
    const body = await response.body.json() as { type?: string };
    return `${response.statusCode} ${body.type ?? ''}`.trim();
  };
  const before = connect();
  t.teardown(() => before.close());
  t.equal(await status(before), '200');
  t.equal(gateway.reloadCrls(), false, 'unchanged CRLs: nothing to do');

  await revokeCertificate({ pkiDir: pki.dir, certPath: pki.party('uwv').cert });
  t.equal(gateway.reloadCrls(), true, 'the new CRL is applied');
  const after = connect();
  t.teardown(() => after.close());
  t.equal(await status(after), '403 urn:nld:ketenpoort:probleem:client-certificate-revoked', 'a new connection is refused');
});

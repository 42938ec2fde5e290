/**
 * Run by tap before the test files (package.json `tap.before`): a fresh fixture PKI in tests/.pki
 * (git-ignored), so no key is ever committed. The special leaves are the refusal cases of the
 * mutual-TLS tests.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { projectPath } from '../../src/config/project-paths.js';
import { readRegistryParties } from '../../src/config/party-registry-file.js';
import { initDevPki, issueCertificate, revokeCertificate } from '../../src/pki/test-pki.js';

const started = Date.now();
const dir = projectPath('tests', '.pki');
rmSync(dir, { recursive: true, force: true });
const parties = readRegistryParties(projectPath('config', 'partijen.dev.yaml'));
await initDevPki({ dir, parties });

const special = (name: string) => path.join(dir, 'bijzonder', name);
const day = 24 * 3600_000;
await issueCertificate({ pkiDir: dir, oin: '00000099000000000111', naam: 'Verlopen (test)', outDir: special('verlopen'),
  notBefore: new Date(Date.now() - 400 * day), notAfter: new Date(Date.now() - day) });
const revoked = await issueCertificate({ pkiDir: dir, oin: '00000099000000000112', naam: 'Ingetrokken (test)', outDir: special('ingetrokken') });
await revokeCertificate({ pkiDir: dir, certPath: revoked.cert });
await issueCertificate({ pkiDir: dir, oin: '00000099000000000999', naam: 'Onbekend (test)', outDir: special('onbekend'), keyType: 'ec' });
await issueCertificate({ pkiDir: dir, oin: '12345', naam: 'Foute OIN (test)', outDir: special('foute-oin'), keyType: 'ec' });
await issueCertificate({ pkiDir: dir, oin: '00000001000000000113', naam: 'Productie-OIN (test)', outDir: special('productie'), keyType: 'ec' });
// A whole other hierarchy, with UWV's OIN: chained to a root the gateway does not trust.
const foreign = special('vreemde-ca');
await initDevPki({ dir: foreign, parties: [{ id: 'uwv', oin: '00000099000000000101', naam: 'UWV (vervalst)' }], keyType: 'ec' });
process.stdout.write(`# fixture PKI in ${path.relative(projectPath(), dir)} (${Date.now() - started} ms)\n`);

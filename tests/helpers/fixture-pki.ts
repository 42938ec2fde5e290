import path from 'node:path';
import { projectPath } from '../../src/config/project-paths.js';

/** Root of the PKI that `tests/setup/make-test-pki.ts` generates before every test run. */
const ROOT = projectPath('tests', '.pki');

/** Certificate, chain (leaf + intermediate) and key of one fixture leaf. */
export interface FixtureLeaf {
  cert: string;
  chain: string;
  key: string;
}

function leaf(dir: string): FixtureLeaf {
  return { cert: path.join(dir, 'cert.pem'), chain: path.join(dir, 'chain.pem'), key: path.join(dir, 'key.pem') };
}

/** Paths into the fixture PKI, as the gateway tests use them. */
export const fixturePki = {
  /** The fixture PKI directory (what `issueCertificate` takes as `pkiDir`). */
  root: ROOT,
  trustAnchors: path.join(ROOT, 'ca', 'trust-anchors.pem'),
  crls: path.join(ROOT, 'ca', 'crls.pem'),
  server: { chain: path.join(ROOT, 'server', 'gateway.crt.pem'), key: path.join(ROOT, 'server', 'gateway.key.pem') },
  /** A registered party's leaf, by registry id. */
  party: (id: string): FixtureLeaf => leaf(path.join(ROOT, 'partijen', id)),
  /** A special leaf: verlopen, ingetrokken, onbekend, foute-oin, productie. */
  /** A leaf from a whole other root (not trusted by the gateway), with UWV's OIN. */
  foreign: leaf(path.join(ROOT, 'bijzonder', 'vreemde-ca', 'partijen', 'uwv')),
  special: (name: 'verlopen' | 'ingetrokken' | 'onbekend' | 'foute-oin' | 'productie'): FixtureLeaf => leaf(path.join(ROOT, 'bijzonder', name)),
};

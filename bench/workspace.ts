import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { projectPath } from '../src/config/project-paths.js';
import { initDevPki, type PkiLayout } from '../src/pki/test-pki.js';
import { createPostgresCluster } from '../scripts/postgres-cluster.js';

/** The demo parties a benchmark uses, as in `config/partijen.dev.yaml`. */
export const BENCH_PARTIES = {
  uwv: { id: 'uwv', oin: '00000099000000000101', naam: 'UWV (bench)' },
  amsterdam: { id: 'amsterdam', oin: '00000099000000000363', naam: 'Amsterdam (bench)' },
  leverancier: { id: 'leverancier', oin: '00000099000000000801', naam: 'Leverancier (bench)' },
} as const;

/** A party of {@link BENCH_PARTIES}. */
export type BenchParty = keyof typeof BENCH_PARTIES;

/** A party only a benchmark needs (a registry entry as in `config/partijen.dev.yaml`, without certificates). */
export interface ExtraParty {
  readonly id: string;
  readonly oin: string;
  readonly naam: string;
  readonly rollen: readonly string[];
  readonly ontvangt?: ReadonlyArray<{ gemeentecodes: readonly string[]; regelingen: readonly string[] }>;
}

/** A temporary directory with a fresh test PKI and a party registry that trusts it; removed at exit. */
export interface Workspace {
  readonly dir: string;
  readonly pki: PkiLayout;
  /** The party registry file (`KETENPOORT_PARTIES`). */
  readonly partiesFile: string;
  /** The store (`KETENPOORT_DATABASE_URL`): a SQLite file in `dir`, or a throw-away PostgreSQL cluster's database. */
  readonly databaseUrl: string;
}

/**
 * Creates the workspace. A fresh PKI per run (never `certs/dev`), so a benchmark cannot disturb, or
 * be disturbed by, a developer's gateway; the registry entries are the development ones (roles,
 * delegations, receivers) with the certificates swapped for the fresh ones.
 */
export async function createWorkspace(parties: readonly BenchParty[] = ['uwv', 'amsterdam', 'leverancier'],
  options: { extraParties?: readonly ExtraParty[]; receivers?: readonly ExtraParty[]; postgres?: boolean } = {}): Promise<Workspace> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ketenpoort-bench-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  const extra = options.extraParties ?? [];
  const pki = await initDevPki({ dir: path.join(dir, 'pki'), parties: [...parties.map((id) => BENCH_PARTIES[id]), ...extra] });
  const registry = YAML.parse(readFileSync(projectPath('config', 'partijen.dev.yaml'), 'utf8')) as { partijen: Array<{ id: string }> };
  registry.partijen = [
    ...[...registry.partijen.filter((p) => (parties as readonly string[]).includes(p.id)), ...extra].map((p) => ({ ...p, certificaten: [pki.party(p.id).cert] })),
    // Receivers that never connect in a benchmark need no certificate (an RSA key each would take seconds).
    ...(options.receivers ?? []),
  ];
  const partiesFile = path.join(dir, 'partijen.yaml');
  // No anchors for shared objects: the gateway refuses a registry with many aliases (a YAML bomb guard).
  writeFileSync(partiesFile, YAML.stringify(registry, { aliasDuplicateObjects: false }));
  // --postgres: the same scenario on PostgreSQL (a cluster of the benchmark's own on loopback, removed at exit).
  let databaseUrl = `sqlite:${path.join(dir, 'kp.db')}`;
  if (options.postgres) {
    const cluster = await createPostgresCluster();
    process.on('exit', () => cluster.destroy());
    databaseUrl = cluster.url;
  }
  return { dir, pki, partiesFile, databaseUrl };
}

/** A party's client TLS material, as a real client presents it: its chain and key, and the root it trusts. */
export function clientTls(workspace: Workspace, party: BenchParty): { ca: Buffer; cert: Buffer; key: Buffer } {
  const leaf = workspace.pki.party(party);
  return { ca: readFileSync(workspace.pki.trustAnchors), cert: readFileSync(leaf.chain), key: readFileSync(leaf.key) };
}

/**
 * One receiving municipality per gemeentecode of 2026 except Amsterdam (0363, a party of its own),
 * each receiving `regelingen` for its own code: how a monthly file really fans out (the OIN is
 * `00000099` + the code zero-padded, like Amsterdam's).
 */
export function municipalReceivers(gemeentecodes: readonly string[], regelingen: readonly string[]): ExtraParty[] {
  return gemeentecodes.filter((code) => code !== '0363').map((code) => ({
    id: `gemeente-${code}`, oin: `00000099${code.padStart(12, '0')}`, naam: `Gemeente ${code} (bench)`, rollen: ['ontvanger'],
    ontvangt: [{ gemeentecodes: [code], regelingen }],
  }));
}

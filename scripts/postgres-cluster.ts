import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * A throw-away PostgreSQL cluster on loopback, in a temporary folder: for `npm run test:postgres`,
 * for CI, and for the tests that stop and start the database under a running gateway. It uses the
 * machine's PostgreSQL server programs (Debian's `postgresql` package); nothing is installed here.
 * Durability is switched off (fsync, full-page writes): the cluster is deleted afterwards anyway.
 */
export interface PostgresCluster {
  /** `postgres://ketenpoort@127.0.0.1:<port>/postgres` (trust authentication on loopback only). */
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  /** Starts the server (again); resolves when it accepts connections. */
  start(): void;
  /** Stops the server (fast shutdown: open sessions are ended, as in a failover). */
  stop(): void;
  /** Stops the server and deletes the folder. */
  destroy(): void;
}

/** Where initdb and pg_ctl are: `KETENPOORT_PG_BIN`, else the newest /usr/lib/postgresql/N/bin, else PATH. */
export function postgresBinDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.KETENPOORT_PG_BIN) return env.KETENPOORT_PG_BIN;
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
    for (const v of versions) if (existsSync(path.join(root, v, 'bin', 'initdb'))) return path.join(root, v, 'bin');
  }
  try {
    return path.dirname(execFileSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' }).trim());
  } catch {
    return undefined;
  }
}

/** A free TCP port on loopback (asked of the kernel, then released). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Creates and starts a cluster. PostgreSQL refuses to run as root, so as root the server programs
 * run as the `postgres` user that Debian's package creates, in a folder handed to that user.
 */
export async function createPostgresCluster(options: { port?: number; maxConnections?: number } = {}): Promise<PostgresCluster> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL server programs not found: install Debian\'s postgresql package (apt-get install -y postgresql) or set KETENPOORT_PG_BIN');
  const port = options.port ?? await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'ketenpoort-pg-'));
  const data = path.join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) chownSync(dir, postgresUid(), postgresGid());
  const run = (program: string, args: string[]) => {
    const command = asRoot ? 'runuser' : path.join(bin, program);
    const argv = asRoot ? ['-u', 'postgres', '--', path.join(bin, program), ...args] : args;
    execFileSync(command, argv, { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir });
  };
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'ketenpoort', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const serverOptions = [
    `-p ${port}`, `-k ${dir}`, '-c listen_addresses=127.0.0.1', `-c max_connections=${options.maxConnections ?? 300}`,
    '-c fsync=off', '-c full_page_writes=off', '-c synchronous_commit=off', '-c shared_buffers=128MB',
  ].join(' ');
  const cluster: PostgresCluster = {
    url: `postgres://ketenpoort@127.0.0.1:${port}/postgres`,
    port,
    dir,
    start: () => run('pg_ctl', ['-D', data, '-o', serverOptions, '-l', path.join(dir, 'server.log'), '-w', '-t', '60', 'start']),
    stop: () => run('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '60', 'stop']),
    destroy: () => {
      try {
        cluster.stop();
      } catch {
        // not running
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  cluster.start();
  return cluster;
}

function postgresUid(): number {
  return Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
}

function postgresGid(): number {
  return Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
}

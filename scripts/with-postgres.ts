/**
 * Runs a command with a throw-away PostgreSQL cluster beside it, then removes the cluster:
 *
 *   tsx scripts/with-postgres.ts tap          (what `npm run test:postgres` does)
 *
 * The command gets `KETENPOORT_TEST_POSTGRES_URL` (the cluster) and `KETENPOORT_TEST_STORE=postgres`,
 * so the whole test suite runs its gateways on PostgreSQL, and the tests that need PostgreSQL itself
 * (several instances on one database) run instead of skipping. The exit code is the command's.
 */
import { spawn } from 'node:child_process';
import { createPostgresCluster } from './postgres-cluster.js';

const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error('usage: tsx scripts/with-postgres.ts COMMAND [ARGS...]');
  process.exit(2);
}

const cluster = await createPostgresCluster();
console.log(`PostgreSQL on 127.0.0.1:${cluster.port} (${cluster.dir}), running: ${[command, ...args].join(' ')}`);
const child = spawn(command, args, {
  stdio: 'inherit',
  env: { ...process.env, KETENPOORT_TEST_POSTGRES_URL: cluster.url, KETENPOORT_TEST_STORE: 'postgres' },
});
const forward = (signal: NodeJS.Signals) => child.kill(signal);
process.on('SIGINT', forward);
process.on('SIGTERM', forward);
child.on('exit', (code, signal) => {
  cluster.destroy();
  process.exit(code ?? (signal ? 128 + 15 : 1));
});

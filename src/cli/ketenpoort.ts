#!/usr/bin/env -S node --max-old-space-size=1024
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { Command } from 'commander';
import type { FastifyInstance } from 'fastify';
import { readProcessEnvironment } from '../config/environment.js';
import { loadConfig } from '../config/load-config.js';
import { readRegistryParties } from '../config/party-registry-file.js';
import { projectPath } from '../config/project-paths.js';
import { ConfigurationError } from '../errors.js';
import pino from 'pino';
import { createLogger } from '../observability/logger.js';
import { initDevPki } from '../pki/test-pki.js';
import { startGateway } from '../server/launcher.js';
import { registerAanleveringCommands } from './aanlevering-command.js';
import { registerLijstCommands } from './lijst-command.js';
import { heapBoundWarning } from './node-options.js';
import { registerPkiCommands } from './pki-command.js';
import { registerSignCommand } from './sign-command.js';

const DEV_PKI_DIR = projectPath('certs', 'dev');
const SHUTDOWN_GRACE_MS = 10_000;

const program = new Command('ketenpoort')
  .description('Ketenpoort: the chain gateway for proactive social-security service.')
  .showHelpAfterError()
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2));

program.command('start')
  .description('Start the gateway: the API port (mutual TLS) and the ops port. Configured by KETENPOORT_* variables (see README).')
  .action(async () => {
    const config = loadConfig(readProcessEnvironment());
    // Asynchronous writes: under load the lines written while one write is in flight go out in the
    // next one (a synchronous write per request line was ~4 % of a cheap request's CPU); at rest
    // each line is written at once, and pino flushes what is pending when the process exits.
    const logger = createLogger(config.log.level, pino.destination({ dest: 1, sync: false }));
    const heapWarning = heapBoundWarning();
    if (heapWarning) logger.warn(heapWarning);
    if (config.mode === 'development' && !existsSync(DEV_PKI_DIR) && config.tls.certFile.startsWith(DEV_PKI_DIR + path.sep)) {
      logger.info({ dir: DEV_PKI_DIR }, 'no development PKI yet: running "ketenpoort pki init"');
      await initDevPki({ dir: DEV_PKI_DIR, parties: readRegistryParties(config.partiesFile) });
    }
    const gateway = await startGateway(config, logger);
    logger.info({ api: listeningUrl('https', gateway.api), ops: listeningUrl('http', gateway.ops), mode: config.mode }, 'Ketenpoort is listening');
    const stop = (signal: string) => {
      logger.info({ signal }, 'shutting down: no new connections, finishing requests in flight');
      setTimeout(() => {
        logger.error('graceful shutdown took too long; exiting');
        process.exit(1);
      }, SHUTDOWN_GRACE_MS).unref();
      gateway.close().then(() => process.exit(0), () => process.exit(1));
    };
    process.on('SIGHUP', () => {
      try {
        if (!gateway.reloadCrls()) logger.info('SIGHUP: CRLs unchanged');
      } catch (error) {
        logger.error({ err: error }, 'SIGHUP: reloading the CRLs failed; the previous ones stay in force');
      }
    });
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });

/** Where a server actually listens (the configured port may be 0). */
function listeningUrl(scheme: string, server: FastifyInstance): string {
  const address = server.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `${scheme}://${host}:${address.port}`;
}

registerSignCommand(program);
registerAanleveringCommands(program);
registerLijstCommands(program);
registerPkiCommands(program, {
  defaultDir: DEV_PKI_DIR,
  loadDemoParties: async () => readRegistryParties(projectPath('config', 'partijen.dev.yaml')),
});

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof ConfigurationError) {
    process.stderr.write(`ketenpoort: configuration error: ${error.message}\n`);
    process.exit(78); // EX_CONFIG
  }
  throw error;
}

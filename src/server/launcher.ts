import { readFileSync } from 'node:fs';
import type { Server as TlsServer } from 'node:tls';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { GatewayConfig } from '../config/config-schema.js';
import { loadPseudonymKey } from '../audit/pseudonym-key.js';
import { loadPartyRegistry } from '../config/party-registry-file.js';
import { loadRegelingen } from '../config/regelingen-file.js';
import { runMaintenance } from '../domain/maintenance.js';
import { ConfigurationError } from '../errors.js';
import { GatewayMetrics } from '../observability/metrics.js';
import { AccessTokens } from '../security/access-tokens.js';
import { systemClock } from '../security/clock.js';
import { payloadSignatureCheck } from '../security/payload-signature-check.js';
import { loadTokenSigningKey } from '../security/token-signing-key.js';
import { openStore } from '../store/open-store.js';
import { buildGateway } from './build-gateway.js';
import { API_PREFIX, loadContract } from './contract.js';
import { buildOpsServer } from './ops-server.js';
import { tlsServerOptions } from './tls-options.js';

/** A running gateway: both ports and a way to stop them. */
export interface RunningGateway {
  readonly api: FastifyInstance;
  readonly ops: FastifyInstance;
  /** Re-reads the CRL file and, when it changed, applies it to new TLS connections. Returns whether it changed. */
  reloadCrls(): boolean;
  close(): Promise<void>;
}

const PURGE_INTERVAL_MS = 60_000;

/**
 * Reads certificates, keys, the party registry and the store named by the configuration, builds
 * both servers and listens. Every file problem is a `ConfigurationError` naming the setting.
 */
export async function startGateway(config: GatewayConfig, logger: Logger): Promise<RunningGateway> {
  const production = config.mode === 'production';
  const tls = {
    cert: readSetting('KETENPOORT_TLS_CERT', config.tls.certFile),
    key: readSetting('KETENPOORT_TLS_KEY', config.tls.keyFile),
    ca: readSetting('KETENPOORT_TLS_CA', config.tls.caFile),
    ...(config.tls.crlFile ? { crl: readSetting('KETENPOORT_TLS_CRL', config.tls.crlFile) } : {}),
  };
  const regelingen = loadRegelingen(config.regelingenFile);
  const registry = loadPartyRegistry(config.partiesFile, { production, isRegeling: (code) => regelingen.get(code) !== undefined });
  const pseudonymKey = loadPseudonymKey(config.audit.pseudonymKeyFile, { mayCreate: !production });
  const contract = loadContract();
  const store = await openStore(config.database.url, undefined, { poolSize: config.database.poolSize });
  const metrics = new GatewayMetrics();
  const tokens = await AccessTokens.create(loadTokenSigningKey(config.tokens.signingKeyFile, { mayCreate: !production }), {
    issuer: config.api.publicUrl,
    audience: `${config.api.publicUrl}${API_PREFIX}`,
    ttlSeconds: config.tokens.ttlSeconds,
    cacheSize: config.tokens.cacheSize,
    clock: systemClock,
  });
  const api = await buildGateway(config, {
    store, registry, tokens, clock: systemClock, metrics, logger, tls, contract, regelingen, pseudonymKey,
    signatures: payloadSignatureCheck(systemClock),
  });
  const ops = await buildOpsServer({ store, metrics, contract, logger });
  await api.listen({ host: config.api.host, port: config.api.port });
  await ops.listen({ host: config.ops.host, port: config.ops.port });

  let crl = tls.crl;
  const reloadCrls = (): boolean => {
    if (!config.tls.crlFile) return false;
    const fresh = readSetting('KETENPOORT_TLS_CRL', config.tls.crlFile);
    if (fresh === crl) return false;
    // New handshakes use the new context; connections already judged keep their verdict.
    (api.server as unknown as TlsServer).setSecureContext(tlsServerOptions({ ...tls, crl: fresh }, config.tls.minVersion));
    crl = fresh;
    logger.info({ file: config.tls.crlFile }, 'CRLs reloaded');
    return true;
  };
  const crlTimer = config.tls.crlReloadSeconds > 0 ? setInterval(() => {
    try {
      reloadCrls();
    } catch (error) {
      logger.error({ err: error }, 'reloading the CRLs failed; the previous ones stay in force');
    }
  }, config.tls.crlReloadSeconds * 1000) : undefined;
  crlTimer?.unref();

  const purge = setInterval(() => {
    store.purgeExpiredAssertionIds(systemClock.now())
      .catch((error: unknown) => logger.warn({ err: error }, 'purge of used assertion ids failed'));
  }, PURGE_INTERVAL_MS);
  purge.unref();
  const maintain = () => runMaintenance(store, systemClock, config.retention)
    .then((result) => logger.info(result, 'maintenance: expiry and retention'))
    .catch((error: unknown) => logger.error({ err: error }, 'maintenance failed; it runs again at the next interval'));
  const maintenance = config.retention.maintenanceIntervalSeconds > 0
    ? setInterval(maintain, config.retention.maintenanceIntervalSeconds * 1000) : undefined;
  maintenance?.unref();
  if (maintenance) void maintain();

  let closing: Promise<void> | undefined;
  return {
    api,
    ops,
    reloadCrls,
    close: () => (closing ??= (async () => {
      clearInterval(purge);
      clearInterval(crlTimer);
      clearInterval(maintenance);
      await Promise.allSettled([api.close(), ops.close()]);
      await store.close();
    })()),
  };
}

function readSetting(setting: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigurationError(setting, `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

import path from 'node:path';
import { Ajv } from 'ajv';
import { ConfigurationError } from '../errors.js';
import { GatewayConfigSchema, type GatewayConfig } from './config-schema.js';
import type { Environment, EnvironmentVariable } from './environment.js';

type Parser = 'string' | 'integer' | 'path';

/** Where each environment variable lands in the configuration, how it is parsed, and its default. */
const SETTINGS: ReadonlyArray<{ variable: EnvironmentVariable; at: string; parse: Parser; fallback?: string }> = [
  { variable: 'KETENPOORT_MODE', at: 'mode', parse: 'string', fallback: 'development' },
  { variable: 'KETENPOORT_HOST', at: 'api.host', parse: 'string', fallback: '0.0.0.0' },
  { variable: 'KETENPOORT_PORT', at: 'api.port', parse: 'integer', fallback: '8443' },
  { variable: 'KETENPOORT_PUBLIC_URL', at: 'api.publicUrl', parse: 'string', fallback: 'https://localhost:8443' },
  { variable: 'KETENPOORT_BODY_LIMIT', at: 'api.bodyLimitBytes', parse: 'integer', fallback: String(1024 * 1024) },
  { variable: 'KETENPOORT_OPS_HOST', at: 'ops.host', parse: 'string', fallback: '127.0.0.1' },
  { variable: 'KETENPOORT_OPS_PORT', at: 'ops.port', parse: 'integer', fallback: '8080' },
  { variable: 'KETENPOORT_TLS_CERT', at: 'tls.certFile', parse: 'path', fallback: 'certs/dev/server/gateway.crt.pem' },
  { variable: 'KETENPOORT_TLS_KEY', at: 'tls.keyFile', parse: 'path', fallback: 'certs/dev/server/gateway.key.pem' },
  { variable: 'KETENPOORT_TLS_CA', at: 'tls.caFile', parse: 'path', fallback: 'certs/dev/ca/trust-anchors.pem' },
  { variable: 'KETENPOORT_TLS_CRL', at: 'tls.crlFile', parse: 'path', fallback: 'certs/dev/ca/crls.pem' },
  { variable: 'KETENPOORT_TLS_MIN_VERSION', at: 'tls.minVersion', parse: 'string', fallback: 'TLSv1.2' },
  { variable: 'KETENPOORT_TLS_CRL_RELOAD', at: 'tls.crlReloadSeconds', parse: 'integer', fallback: '300' },
  { variable: 'KETENPOORT_PARTIES', at: 'partiesFile', parse: 'path', fallback: 'config/partijen.dev.yaml' },
  { variable: 'KETENPOORT_REGELINGEN', at: 'regelingenFile', parse: 'path', fallback: 'config/regelingen.yaml' },
  { variable: 'KETENPOORT_RETENTION_SIGNAL_DAYS', at: 'retention.closedSignalDays', parse: 'integer', fallback: '180' },
  { variable: 'KETENPOORT_RETENTION_LOG_DAYS', at: 'retention.processingLogDays', parse: 'integer', fallback: '2557' },
  { variable: 'KETENPOORT_RETENTION_OPT_OUT_DAYS', at: 'retention.withdrawnOptOutDays', parse: 'integer', fallback: '365' },
  { variable: 'KETENPOORT_MAINTENANCE_INTERVAL', at: 'retention.maintenanceIntervalSeconds', parse: 'integer', fallback: '3600' },
  { variable: 'KETENPOORT_PSEUDONYM_KEY', at: 'audit.pseudonymKeyFile', parse: 'path', fallback: 'data/pseudonym.key' },
  { variable: 'KETENPOORT_DATABASE_URL', at: 'database.url', parse: 'string', fallback: 'sqlite:data/ketenpoort.db' },
  { variable: 'KETENPOORT_DATABASE_POOL', at: 'database.poolSize', parse: 'integer', fallback: '10' },
  { variable: 'KETENPOORT_TOKEN_KEY', at: 'tokens.signingKeyFile', parse: 'path', fallback: 'data/token-signing.key.pem' },
  { variable: 'KETENPOORT_TOKEN_TTL', at: 'tokens.ttlSeconds', parse: 'integer', fallback: '600' },
  { variable: 'KETENPOORT_TOKEN_CACHE_SIZE', at: 'tokens.cacheSize', parse: 'integer', fallback: '10000' },
  { variable: 'KETENPOORT_RATE_LIMIT', at: 'rateLimit.max', parse: 'integer', fallback: '100000' },
  { variable: 'KETENPOORT_RATE_LIMIT_WINDOW', at: 'rateLimit.windowSeconds', parse: 'integer', fallback: '60' },
  { variable: 'KETENPOORT_FILES_DIR', at: 'files.spoolDir', parse: 'path', fallback: 'data/aanleveringen' },
  { variable: 'KETENPOORT_FILES_MAX_BYTES', at: 'files.maxBytes', parse: 'integer', fallback: String(2 * 1024 ** 3) },
  { variable: 'KETENPOORT_LOG_LEVEL', at: 'log.level', parse: 'string', fallback: 'info' },
];

/** Variables that have no default in production: an operator must choose them. */
const REQUIRED_IN_PRODUCTION: readonly EnvironmentVariable[] = [
  'KETENPOORT_TLS_CERT', 'KETENPOORT_TLS_KEY', 'KETENPOORT_TLS_CA', 'KETENPOORT_TLS_CRL', 'KETENPOORT_PARTIES',
  'KETENPOORT_TOKEN_KEY', 'KETENPOORT_PUBLIC_URL', 'KETENPOORT_DATABASE_URL', 'KETENPOORT_PSEUDONYM_KEY',
];

const ajv = new Ajv({ allErrors: true, strict: true });
const validate = ajv.compile(GatewayConfigSchema);

/**
 * Builds the configuration from the environment: defaults, parsing, one schema validation and a
 * deep freeze. Every error names the environment variable to fix.
 *
 * @param env the Ketenpoort variables (see `readProcessEnvironment`)
 * @param cwd base for relative file paths
 * @throws ConfigurationError naming the variable
 */
export function loadConfig(env: Environment, cwd: string = process.cwd()): GatewayConfig {
  const production = (env.KETENPOORT_MODE ?? 'development') === 'production';
  const config: Record<string, unknown> = {};
  for (const setting of SETTINGS) {
    const raw = env[setting.variable];
    if (raw === undefined && production && REQUIRED_IN_PRODUCTION.includes(setting.variable)) {
      throw new ConfigurationError(setting.variable, 'must be set in production mode');
    }
    const value = raw ?? setting.fallback;
    if (value === undefined) continue;
    setAt(config, setting.at, parse(setting.variable, setting.parse, value, cwd));
  }
  if (!validate(config)) {
    const first = validate.errors?.[0];
    const at = (first?.instancePath ?? '').slice(1).replaceAll('/', '.');
    const variable = SETTINGS.find((s) => s.at === at)?.variable ?? at;
    throw new ConfigurationError(variable, `${first?.message ?? 'invalid'}${first?.params && 'allowedValues' in first.params ? ` (${String(first.params.allowedValues)})` : ''}`);
  }
  return deepFreeze(config) as unknown as GatewayConfig;
}

function parse(variable: EnvironmentVariable, parser: Parser, value: string, cwd: string): unknown {
  if (parser === 'integer') {
    if (!/^-?\d+$/.test(value)) throw new ConfigurationError(variable, `must be an integer, got "${value}"`);
    return Number(value);
  }
  if (parser === 'path') return path.resolve(cwd, value);
  return value;
}

function setAt(target: Record<string, unknown>, dotted: string, value: unknown): void {
  const keys = dotted.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    node[key] ??= {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys.at(-1)!] = value;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

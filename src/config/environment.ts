/**
 * The only place that reads `process.env`. Everything else receives the frozen configuration
 * built from what this returns (see `load-config.ts`), so tests can pass any environment.
 */

/** The environment variables Ketenpoort reads, each with the configuration field it sets. */
export const ENVIRONMENT_VARIABLES = [
  'KETENPOORT_MODE',
  'KETENPOORT_HOST',
  'KETENPOORT_PORT',
  'KETENPOORT_PUBLIC_URL',
  'KETENPOORT_OPS_HOST',
  'KETENPOORT_OPS_PORT',
  'KETENPOORT_TLS_CERT',
  'KETENPOORT_TLS_KEY',
  'KETENPOORT_TLS_CA',
  'KETENPOORT_TLS_CRL',
  'KETENPOORT_TLS_MIN_VERSION',
  'KETENPOORT_TLS_CRL_RELOAD',
  'KETENPOORT_PARTIES',
  'KETENPOORT_REGELINGEN',
  'KETENPOORT_PSEUDONYM_KEY',
  'KETENPOORT_RETENTION_SIGNAL_DAYS',
  'KETENPOORT_RETENTION_LOG_DAYS',
  'KETENPOORT_RETENTION_OPT_OUT_DAYS',
  'KETENPOORT_MAINTENANCE_INTERVAL',
  'KETENPOORT_DATABASE_URL',
  'KETENPOORT_DATABASE_POOL',
  'KETENPOORT_TOKEN_KEY',
  'KETENPOORT_TOKEN_TTL',
  'KETENPOORT_TOKEN_CACHE_SIZE',
  'KETENPOORT_RATE_LIMIT',
  'KETENPOORT_RATE_LIMIT_WINDOW',
  'KETENPOORT_BODY_LIMIT',
  'KETENPOORT_FILES_DIR',
  'KETENPOORT_FILES_MAX_BYTES',
  'KETENPOORT_LOG_LEVEL',
] as const;

/** Name of one Ketenpoort environment variable. */
export type EnvironmentVariable = (typeof ENVIRONMENT_VARIABLES)[number];

/** The Ketenpoort variables that are set, and nothing else from the environment. */
export type Environment = Partial<Record<EnvironmentVariable, string>>;

/** Reads the Ketenpoort variables from the process environment. */
export function readProcessEnvironment(): Environment {
  const env: Environment = {};
  for (const name of ENVIRONMENT_VARIABLES) {
    const value = process.env[name];
    if (value !== undefined && value !== '') env[name] = value;
  }
  return env;
}

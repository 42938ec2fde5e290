import { Type, type Static } from '@sinclair/typebox';

/**
 * The gateway configuration: one schema, validated once at start-up by `loadConfig`, frozen, and
 * passed explicitly. The TypeScript type is derived from this schema, so the two cannot drift.
 */
export const GatewayConfigSchema = Type.Object({
  /** `production` refuses test OINs (prefix 00000099) and never generates keys. */
  mode: Type.Union([Type.Literal('development'), Type.Literal('production')]),
  api: Type.Object({
    host: Type.String({ minLength: 1 }),
    port: Type.Integer({ minimum: 0, maximum: 65535 }),
    /** Base URL callers use, without `/v1`; the token endpoint URL (client-assertion `aud`) and token issuer derive from it. */
    publicUrl: Type.String({ pattern: '^https://[^/]+$' }),
    bodyLimitBytes: Type.Integer({ minimum: 1024, maximum: 1073741824 }),
  }),
  ops: Type.Object({
    host: Type.String({ minLength: 1 }),
    port: Type.Integer({ minimum: 0, maximum: 65535 }),
  }),
  tls: Type.Object({
    certFile: Type.String({ minLength: 1 }),
    keyFile: Type.String({ minLength: 1 }),
    /** Trust anchors for client certificates (PEM, one or more roots). */
    caFile: Type.String({ minLength: 1 }),
    /** CRLs (PEM) of every CA in the chain; without it revocation is not checked. */
    crlFile: Type.Optional(Type.String({ minLength: 1 })),
    minVersion: Type.Union([Type.Literal('TLSv1.2'), Type.Literal('TLSv1.3')]),
    /** How often the CRL file is re-read (seconds; 0 = only at start-up and on SIGHUP). CAs publish new CRLs daily or faster. */
    crlReloadSeconds: Type.Integer({ minimum: 0, maximum: 86400 }),
  }),
  partiesFile: Type.String({ minLength: 1 }),
  /** Regelingen in force: data items allowed and processing activity per regeling. */
  regelingenFile: Type.String({ minLength: 1 }),
  retention: Type.Object({
    /** Days after a signal is closed (done, withdrawn, replaced, expired, suppressed) before its personal data is removed. */
    closedSignalDays: Type.Integer({ minimum: 1, maximum: 3650 }),
    /** Days a processing-log record is kept. */
    processingLogDays: Type.Integer({ minimum: 30, maximum: 36500 }),
    /** Days after an opt-out is withdrawn before its BSN is removed (its history stays). */
    withdrawnOptOutDays: Type.Integer({ minimum: 1, maximum: 36500 }),
    /** How often expiry and purge run (seconds; 0 = never, e.g. when another instance does it). */
    maintenanceIntervalSeconds: Type.Integer({ minimum: 0, maximum: 86400 }),
  }),
  audit: Type.Object({
    /** Key of the keyed hash that pseudonymises BSNs in the processing log; generated in development when missing. */
    pseudonymKeyFile: Type.String({ minLength: 1 }),
  }),
  database: Type.Object({
    /** `sqlite:<path>` (the embedded store), a path ending in `.db`, or `postgres://…` (shared by several instances). */
    url: Type.String({ minLength: 1 }),
    /** PostgreSQL connections per instance (the embedded store has one). */
    poolSize: Type.Integer({ minimum: 1, maximum: 1000 }),
  }),
  tokens: Type.Object({
    /** PKCS#8 PEM of the gateway's ES256 token-signing key; generated in development when missing. */
    signingKeyFile: Type.String({ minLength: 1 }),
    ttlSeconds: Type.Integer({ minimum: 30, maximum: 3600 }),
    /** Verified tokens kept in memory (a bounded LRU), so only the first use pays for the signature check. */
    cacheSize: Type.Integer({ minimum: 0, maximum: 1000000 }),
  }),
  rateLimit: Type.Object({
    /** Requests per OIN per window; 0 turns rate limiting off. Counted per instance. */
    max: Type.Integer({ minimum: 0 }),
    windowSeconds: Type.Integer({ minimum: 1, maximum: 3600 }),
  }),
  files: Type.Object({
    /** Where uploaded files wait until every line is processed (kept across a restart, removed when done). */
    spoolDir: Type.String({ minLength: 1 }),
    /** Largest file accepted on `POST /v1/aanleveringen` (bytes). */
    maxBytes: Type.Integer({ minimum: 1024, maximum: 68719476736 }),
  }),
  log: Type.Object({
    level: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l))),
  }),
}, { additionalProperties: false });

/** The validated, frozen gateway configuration. */
export type GatewayConfig = Readonly<Static<typeof GatewayConfigSchema>>;

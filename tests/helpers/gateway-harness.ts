import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { Agent, request, type Dispatcher } from 'undici';
import YAML from 'yaml';
import { loadConfig } from '../../src/config/load-config.js';
import type { GatewayConfig } from '../../src/config/config-schema.js';
import type { Environment } from '../../src/config/environment.js';
import { buildPartyRegistry } from '../../src/config/party-registry-file.js';
import { projectPath } from '../../src/config/project-paths.js';
import type { PartyRegistry } from '../../src/domain/party-registry.js';
import { createLogger } from '../../src/observability/logger.js';
import { GatewayMetrics } from '../../src/observability/metrics.js';
import { AccessTokens } from '../../src/security/access-tokens.js';
import { FixedClock } from '../../src/security/clock.js';
import { loadTokenSigningKey } from '../../src/security/token-signing-key.js';
import { buildGateway } from '../../src/server/build-gateway.js';
import { loadRegelingen } from '../../src/config/regelingen-file.js';
import { payloadSignatureCheck } from '../../src/security/payload-signature-check.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { testDatabase } from './test-database.js';
import { fixturePki } from './fixture-pki.js';

/** Minimal view of tap's Test that the harness needs (teardown and a temp dir). */
interface TapLike {
  teardown(fn: () => unknown): void;
}

/** A client certificate chain and key (PEM file paths). */
export interface ClientMaterial {
  chain: string;
  key: string;
}

/** A response, with the body parsed when it is JSON. */
export interface TestResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any;
}

/** A TLS client of the test gateway. */
export interface TestClient {
  readonly agent: Agent;
  call(method: Dispatcher.HttpMethod, path: string, options?: { headers?: Record<string, string>; body?: string }): Promise<TestResponse>;
  /** A token by tls_client_auth for this client's party (or with the given form fields). */
  token(form?: Record<string, string>): Promise<string>;
}

/** A gateway listening on 127.0.0.1:0 with the fixture PKI. */
export interface TestGateway {
  readonly url: string;
  readonly app: FastifyInstance;
  readonly config: GatewayConfig;
  readonly store: Store;
  readonly clock: FixedClock;
  readonly registry: PartyRegistry;
  readonly tokens: AccessTokens;
  readonly metrics: GatewayMetrics;
  /** PEM file of the gateway's token-signing key. */
  readonly tokenKeyFile: string;
  /** Every log line written so far. */
  readonly logs: string[];
  /** A client presenting a registered party's certificate (by registry id). */
  client(party: string): TestClient;
  /** A client presenting any certificate, or none. */
  clientWith(material: ClientMaterial | undefined, oin?: string): TestClient;
}

/** The dev registry, with every party's registered certificate taken from the fixture PKI. */
export function testRegistry(production = false): PartyRegistry {
  const data = YAML.parse(readFileSync(projectPath('config', 'partijen.dev.yaml'), 'utf8')) as { partijen: Array<{ id: string; oin: string; certificaten?: string[] }> };
  for (const party of data.partijen) party.certificaten = [fixturePki.party(party.id).cert];
  if (production) {
    // Production refuses test OINs; these tests only need the registry to load.
    return buildPartyRegistry(data, { production: false, baseDir: projectPath() });
  }
  return buildPartyRegistry(data, { production, baseDir: projectPath() });
}

/** Starts a gateway for one test on 127.0.0.1:0; it is closed in teardown. */
export async function startTestGateway(t: TapLike, options: {
  env?: Environment; now?: string; registry?: PartyRegistry;
  /** Adds routes or hooks before the gateway starts listening (e.g. a route that fails). */
  beforeListen?: (app: FastifyInstance) => void;
} = {}): Promise<TestGateway> {
  // A directory of its own, so a test can still use t.testdir() for its files.
  const dir = mkdtempSync(path.join(tmpdir(), 'ketenpoort-test-'));
  const config = loadConfig({ KETENPOORT_PUBLIC_URL: 'https://localhost:8443', KETENPOORT_LOG_LEVEL: 'info', ...options.env }, dir);
  const clock = new FixedClock(options.now ?? new Date().toISOString());
  const logs: string[] = [];
  const sink = new Writable({ write(chunk, _enc, done) { logs.push(String(chunk)); done(); } });
  const logger = createLogger(config.log.level, sink);
  const registry = options.registry ?? testRegistry();
  const database = await testDatabase(dir);
  const store = await openStore(database.url);
  const metrics = new GatewayMetrics({ defaultMetrics: false });
  const tokenKeyFile = `${dir}/token.key.pem`;
  const tokens = await AccessTokens.create(loadTokenSigningKey(tokenKeyFile, { mayCreate: true }), {
    issuer: config.api.publicUrl, audience: `${config.api.publicUrl}/v1`,
    ttlSeconds: config.tokens.ttlSeconds, cacheSize: config.tokens.cacheSize, clock,
  });
  const app = await buildGateway(config, {
    store, registry, tokens, clock, metrics, logger,
    regelingen: loadRegelingen(projectPath('config', 'regelingen.yaml')),
    pseudonymKey: Buffer.alloc(32, 7),
    signatures: payloadSignatureCheck(clock),
    tls: {
      cert: readFileSync(fixturePki.server.chain), key: readFileSync(fixturePki.server.key),
      ca: readFileSync(fixturePki.trustAnchors), crl: readFileSync(fixturePki.crls),
    },
  });
  options.beforeListen?.(app);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `https://localhost:${(app.server.address() as AddressInfo).port}`;
  const agents: Agent[] = [];
  t.teardown(async () => {
    await Promise.all(agents.map((a) => a.close()));
    await app.close();
    await store.close();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const clientWith = (material: ClientMaterial | undefined, oin?: string): TestClient => {
    // One connection per client, so a test can reason about per-connection work.
    const agent = new Agent({
      connections: 1,
      connect: {
        ca: readFileSync(fixturePki.trustAnchors),
        ...(material ? { cert: readFileSync(material.chain), key: readFileSync(material.key) } : {}),
      },
    });
    agents.push(agent);
    const call: TestClient['call'] = async (method, path, opts = {}) => {
      const response = await request(url + path, {
        method, dispatcher: agent, headers: opts.headers ?? {}, ...(opts.body !== undefined ? { body: opts.body } : {}),
      });
      const text = await response.body.text();
      let json: unknown;
      try { json = JSON.parse(text); } catch { json = undefined; }
      return { status: response.statusCode, headers: response.headers, text, json };
    };
    return {
      agent,
      call,
      async token(form) {
        const fields = form ?? { grant_type: 'client_credentials', client_id: oin ?? '' };
        const response = await call('POST', '/v1/oauth/token', {
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams(fields).toString(),
        });
        if (response.status !== 200) throw new Error(`token request failed: ${response.status} ${response.text}`);
        return response.json.access_token as string;
      },
    };
  };
  return {
    url, app, config, store, clock, registry, tokens, metrics, logs, tokenKeyFile,
    client: (id) => clientWith(fixturePki.party(id), registry.parties.find((p) => p.id === id)?.oin),
    clientWith,
  };
}

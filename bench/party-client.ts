import { readFileSync } from 'node:fs';
import { Agent, request } from 'undici';
import { BENCH_PARTIES, type BenchParty, type Workspace } from './workspace.js';

/** A party's TLS files, for a load process to read: its chain and key, and the root it trusts. */
export interface TlsFiles {
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
}

/** A response, read whole. */
export interface Reply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly text: string;
}

/**
 * A chain partner as a real client calls the gateway: mutual TLS with its own certificate chain,
 * keep-alive, and bearer tokens it fetches from `/v1/oauth/token` (certificate-bound,
 * `tls_client_auth`), `namens` a municipality when it is a vendor.
 */
export class PartyClient {
  readonly tlsFiles: TlsFiles;
  readonly oin: string;
  readonly #agent: Agent;

  constructor(readonly api: string, workspace: Workspace, party: BenchParty) {
    const leaf = workspace.pki.party(party);
    this.tlsFiles = { ca: workspace.pki.trustAnchors, cert: leaf.chain, key: leaf.key };
    this.oin = BENCH_PARTIES[party].oin;
    this.#agent = new Agent({
      connect: { ca: readFileSync(this.tlsFiles.ca), cert: readFileSync(this.tlsFiles.cert), key: readFileSync(this.tlsFiles.key) },
      connections: 1,
    });
  }

  /** A fresh access token (fetched per scenario: a long run outlives the token's lifetime). */
  async token(namens?: string): Promise<string> {
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: this.oin, ...(namens ? { namens } : {}) });
    const reply = await this.call('POST', '/v1/oauth/token', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
    if (reply.status !== 200) throw new Error(`token for ${this.oin} refused: ${reply.status} ${reply.text}`);
    return (JSON.parse(reply.text) as { access_token: string }).access_token;
  }

  /** One request over this client's keep-alive connection. */
  async call(method: 'GET' | 'POST' | 'PUT', path: string, options: { headers?: Record<string, string>; body?: string | Buffer | NodeJS.ReadableStream } = {}): Promise<Reply> {
    const response = await request(`${this.api}${path}`, {
      dispatcher: this.#agent, method, headers: options.headers ?? {}, ...(options.body !== undefined ? { body: options.body as string } : {}),
      headersTimeout: 0, bodyTimeout: 0,
    });
    return { status: response.statusCode, headers: response.headers, text: await response.body.text() };
  }

  async close(): Promise<void> {
    await this.#agent.close();
  }
}

import { randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import type { Token, TokenAanvraag } from './contract-types.js';
import type { HttpTransport } from './http-transport.js';
import { parseJson } from './http-transport.js';
import { KetenpoortSdkError } from './sdk-error.js';

/**
 * How the client proves who it is at the token endpoint:
 * - `private_key_jwt` (RFC 7523): a client assertion signed with the party's key (the default);
 * - `tls_client_auth` (RFC 8705): the mutual-TLS certificate alone, with `client_id` = the OIN.
 */
export type ClientAuthentication = 'private_key_jwt' | 'tls_client_auth';

/** The JWT-bearer assertion type of RFC 7523. */
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** Assertion lifetime; the gateway accepts at most 300 s. */
const ASSERTION_LIFETIME_SECONDS = 120;

/** What a token source needs to know. */
export interface TokenSourceOptions {
  readonly transport: HttpTransport;
  readonly oin: string;
  readonly authentication: ClientAuthentication;
  /** Key that signs client assertions (the party's key, whose certificate is registered). */
  readonly assertionKey: KeyObject;
  /** `aud` of the assertion: the token endpoint URL the gateway publishes. */
  readonly audience: string;
  /** A vendor's principal: the OIN of the municipality it acts for. */
  readonly namens?: string | undefined;
  /** Space-separated scopes wanted (default: all the party may have). */
  readonly scope?: string | undefined;
  /** Milliseconds since the epoch; the wall clock unless a test moves it. */
  readonly now: () => number;
}

/**
 * Access tokens for one (party, namens): asks for one when needed, keeps it, and asks for the next
 * before it expires (a fifth of its lifetime, at most 60 s, ahead). Callers that need a token at the
 * same moment share one request.
 */
export class TokenSource {
  #token: { value: string; renewAt: number } | undefined;
  #pending: Promise<string> | undefined;

  constructor(private readonly options: TokenSourceOptions) {}

  /** A token that is valid for a while yet. */
  async bearer(): Promise<string> {
    const token = this.#token;
    if (token && this.options.now() < token.renewAt) return token.value;
    // Shared by every caller waiting for it, so not tied to one caller's AbortSignal.
    this.#pending ??= this.#renew().finally(() => { this.#pending = undefined; });
    return this.#pending;
  }

  /** Forgets the token (after the gateway refused it), so the next call asks for a new one. */
  invalidate(): void {
    this.#token = undefined;
  }

  /**
   * One token request as configured, with `overrides` on top (`namens`, `scope`).
   * @throws KetenpoortSdkError with the gateway's code (`client-assertion-invalid`, `no-delegation`, …)
   */
  async request(overrides: Partial<TokenAanvraag> = {}, signal?: AbortSignal): Promise<Token> {
    const response = await this.options.transport.send('vraagToken', async () => ({
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(await this.#form(overrides)).toString(),
    }), { signal });
    const token = parseJson(response.body, response.headers) as Token | undefined;
    if (!token || typeof token.access_token !== 'string' || typeof token.expires_in !== 'number') {
      throw new KetenpoortSdkError({ code: 'invalid-response', status: response.status, operationId: 'vraagToken', title: 'Unexpected answer', detail: 'The token endpoint answered without an access token.' });
    }
    return token;
  }

  async #renew(): Promise<string> {
    const asked = this.options.now();
    const token = await this.request();
    const lifetimeMs = token.expires_in * 1000;
    this.#token = { value: token.access_token, renewAt: asked + lifetimeMs - Math.min(60_000, lifetimeMs / 5) };
    return token.access_token;
  }

  /** The form fields: grant, client authentication, principal and scope. */
  async #form(overrides: Partial<TokenAanvraag>): Promise<Record<string, string>> {
    const { oin, namens, scope } = this.options;
    const form: Record<string, string> = { grant_type: 'client_credentials', client_id: oin };
    if (this.options.authentication === 'private_key_jwt') {
      form.client_assertion_type = ASSERTION_TYPE;
      form.client_assertion = await this.#assertion();
    }
    if (namens !== undefined) form.namens = namens;
    if (scope !== undefined) form.scope = scope;
    for (const [name, value] of Object.entries(overrides)) if (value !== undefined) form[name] = String(value);
    return form;
  }

  /** RFC 7523 assertion: `iss` = `sub` = the OIN, `aud` = the token endpoint, short `exp`, fresh `jti`. */
  async #assertion(): Promise<string> {
    const key = this.options.assertionKey;
    const alg = key.asymmetricKeyType === 'ec' ? 'ES256' : 'PS256';
    const now = Math.floor(this.options.now() / 1000);
    return new SignJWT({})
      .setProtectedHeader({ alg, typ: 'JWT' })
      .setIssuer(this.options.oin)
      .setSubject(this.options.oin)
      .setAudience(this.options.audience)
      .setJti(randomUUID())
      .setIssuedAt(now)
      .setExpirationTime(now + ASSERTION_LIFETIME_SECONDS)
      .sign(key);
  }
}

import { createPrivateKey, createPublicKey, randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT, calculateJwkThumbprint, exportJWK, jwtVerify, errors as joseErrors } from 'jose';
import { LRUCache } from 'lru-cache';
import { UnauthenticatedError } from '../errors.js';
import type { Clock } from './clock.js';

/** Claims of a gateway access token (RFC 9068 profile, RFC 8705 binding, RFC 8693 `act`). */
export interface AccessTokenClaims {
  iss: string;
  aud: string;
  /** OIN of the party whose authority the token carries (the municipality, for a vendor acting for it). */
  sub: string;
  /** OIN of the party that holds the token and its certificate. */
  client_id: string;
  scope: string;
  cnf: { 'x5t#S256': string };
  act?: { sub: string };
  iat: number;
  exp: number;
  jti: string;
}

/** A token that passed the signature and claim checks. */
export interface VerifiedToken {
  readonly claims: Readonly<AccessTokenClaims>;
  readonly scopes: ReadonlySet<string>;
}

/** What to put in a new token. */
export interface TokenGrant {
  subject: string;
  clientId: string;
  scopes: readonly string[];
  thumbprint: string;
  actor?: string;
}

const TOKEN_TYPE = 'at+jwt';

/**
 * Issues and verifies the gateway's access tokens: ES256 JWTs signed with the gateway key.
 *
 * Verification results are kept in a bounded LRU until the token expires, so only the first use of
 * a token pays for the signature check (ES256 verification per request cost more than half of a
 * route's throughput). The certificate binding and scope are checked per request by the caller;
 * they are cheap comparisons.
 */
export class AccessTokens {
  readonly #cache: LRUCache<string, VerifiedToken> | undefined;

  private constructor(
    private readonly privateKey: KeyObject,
    private readonly publicKey: KeyObject,
    private readonly kid: string,
    private readonly options: { issuer: string; audience: string; ttlSeconds: number; cacheSize: number; clock: Clock },
  ) {
    this.#cache = options.cacheSize > 0 ? new LRUCache({ max: options.cacheSize }) : undefined;
  }

  /** Builds the service from the PKCS#8 PEM of the gateway's P-256 key. */
  static async create(signingKeyPem: string, options: { issuer: string; audience: string; ttlSeconds: number; cacheSize: number; clock: Clock }): Promise<AccessTokens> {
    const privateKey = createPrivateKey(signingKeyPem);
    if (privateKey.asymmetricKeyType !== 'ec' || privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
      throw new TypeError('the token-signing key must be an EC P-256 key (ES256)');
    }
    const publicKey = createPublicKey(privateKey);
    const kid = await calculateJwkThumbprint(await exportJWK(publicKey));
    return new AccessTokens(privateKey, publicKey, kid, options);
  }

  /** The verification key as a JWK (for a JWKS document). */
  async publicJwk(): Promise<Record<string, unknown>> {
    return { ...(await exportJWK(this.publicKey)), kid: this.kid, alg: 'ES256', use: 'sig' };
  }

  /** Signs a new token; returns it with its lifetime in seconds. */
  async issue(grant: TokenGrant): Promise<{ token: string; expiresIn: number }> {
    const iat = Math.floor(this.options.clock.now().getTime() / 1000);
    const claims: Omit<AccessTokenClaims, 'iss' | 'aud' | 'sub' | 'iat' | 'exp' | 'jti'> = {
      client_id: grant.clientId,
      scope: grant.scopes.join(' '),
      cnf: { 'x5t#S256': grant.thumbprint },
      ...(grant.actor ? { act: { sub: grant.actor } } : {}),
    };
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', typ: TOKEN_TYPE, kid: this.kid })
      .setIssuer(this.options.issuer)
      .setAudience(this.options.audience)
      .setSubject(grant.subject)
      .setIssuedAt(iat)
      .setExpirationTime(iat + this.options.ttlSeconds)
      .setJti(randomUUID())
      .sign(this.privateKey);
    return { token, expiresIn: this.options.ttlSeconds };
  }

  /**
   * {@link verify} without waiting, for a token verified before: the token, or undefined when it is
   * not in the cache (then call {@link verify}). Only the first use of a token pays for its
   * signature, and its later uses need no promise either.
   * @throws UnauthenticatedError `token-expired`
   */
  verifyCached(token: string): VerifiedToken | undefined {
    const cached = this.#cache?.get(token);
    if (!cached) return undefined;
    if (cached.claims.exp * 1000 > this.options.clock.now().getTime()) return cached;
    this.#cache!.delete(token);
    throw new UnauthenticatedError('token-expired', 'The access token has expired; request a new one.', 'invalid_token');
  }

  /**
   * Checks signature, algorithm, type, issuer, audience and expiry.
   * @throws UnauthenticatedError `token-invalid` or `token-expired`
   */
  async verify(token: string): Promise<VerifiedToken> {
    const cached = this.verifyCached(token);
    if (cached) return cached;
    const nowMs = this.options.clock.now().getTime();
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(token, this.publicKey, {
        algorithms: ['ES256'],
        typ: TOKEN_TYPE,
        issuer: this.options.issuer,
        audience: this.options.audience,
        currentDate: new Date(nowMs),
        requiredClaims: ['sub', 'exp', 'iat', 'jti'],
      }));
    } catch (error) {
      throw translateJoseError(error);
    }
    const claims = payload as AccessTokenClaims;
    if (typeof claims.scope !== 'string' || typeof claims.cnf?.['x5t#S256'] !== 'string' || typeof claims.client_id !== 'string') {
      throw new UnauthenticatedError('token-invalid', 'The access token lacks scope, client_id or certificate binding.', 'invalid_token');
    }
    const verified: VerifiedToken = Object.freeze({ claims: Object.freeze(claims), scopes: new Set(claims.scope.split(' ').filter(Boolean)) });
    this.#cache?.set(token, verified, { ttl: Math.max(1, claims.exp * 1000 - nowMs) });
    return verified;
  }
}

/** jose errors → our 401s, on `err.code` only. */
function translateJoseError(error: unknown): UnauthenticatedError {
  if (error instanceof joseErrors.JWTExpired) {
    return new UnauthenticatedError('token-expired', 'The access token has expired; request a new one.', 'invalid_token');
  }
  if (error instanceof joseErrors.JOSEError) {
    return new UnauthenticatedError('token-invalid', `The access token was not accepted (${error.code}).`, 'invalid_token');
  }
  throw error;
}

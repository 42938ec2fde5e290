import type { Party, PartyRegistry } from '../domain/party-registry.js';
import { KetenpoortError, UnauthenticatedError } from '../errors.js';
import type { AccessTokens, VerifiedToken } from './access-tokens.js';
import type { ConnectionIdentity } from './client-certificate.js';

/** The authenticated caller of a resource operation. */
export interface Caller {
  readonly identity: ConnectionIdentity;
  readonly token: VerifiedToken;
  /** The party whose authority is used (the municipality when a vendor acts for it). */
  readonly subject: Party;
  /** The vendor acting for `subject`, if any. */
  readonly actor?: Party;
}

/**
 * Checks the bearer token of a resource request: only in the `Authorization` header, valid,
 * bound to this connection's certificate (RFC 8705), and carrying the operation's scopes.
 */
export class BearerAuthorizer {
  constructor(private readonly deps: { tokens: AccessTokens; registry: PartyRegistry }) {}

  /**
   * @param tokenElsewhere true when the request also carries `access_token` outside the header
   * @param scopes alternatives: the token must carry every scope of at least one of them
   * @throws UnauthenticatedError (401) or KetenpoortError `insufficient-scope` (403)
   */
  async authorize(identity: ConnectionIdentity, authorization: string | undefined, tokenElsewhere: boolean, scopes: ReadonlyArray<readonly string[]>): Promise<Caller> {
    const token = await this.deps.tokens.verify(bearerToken(authorization, tokenElsewhere));
    return this.#caller(identity, token, scopes);
  }

  /**
   * {@link authorize} without waiting when the token was verified before (the usual case: a client
   * uses its token for many requests); undefined when it was not, then call {@link authorize}.
   * @throws as {@link authorize}
   */
  authorizeCached(identity: ConnectionIdentity, authorization: string | undefined, tokenElsewhere: boolean, scopes: ReadonlyArray<readonly string[]>): Caller | undefined {
    const token = this.deps.tokens.verifyCached(bearerToken(authorization, tokenElsewhere));
    return token && this.#caller(identity, token, scopes);
  }

  #caller(identity: ConnectionIdentity, token: VerifiedToken, scopes: ReadonlyArray<readonly string[]>): Caller {
    if (token.claims.cnf['x5t#S256'] !== identity.thumbprint || token.claims.client_id !== identity.oin) {
      throw new UnauthenticatedError('token-not-bound', 'The access token was issued to another client certificate.', 'invalid_token');
    }
    if (!scopes.some((alternative) => alternative.every((s) => token.scopes.has(s)))) {
      const wanted = scopes.map((a) => a.join(' ')).join('" or "');
      throw new KetenpoortError('insufficient-scope', 403, 'Forbidden', `The access token lacks the scope "${wanted}".`, {
        headers: { 'www-authenticate': `Bearer realm="ketenpoort", error="insufficient_scope", scope="${scopes[0]!.join(' ')}"` },
        extensions: { error: 'insufficient_scope' },
      });
    }
    const subject = this.deps.registry.byOin(token.claims.sub);
    const actor = token.claims.act ? this.deps.registry.byOin(token.claims.act.sub) : undefined;
    if (!subject || (token.claims.act && !actor)) {
      // The registry changed since the token was issued.
      throw new UnauthenticatedError('token-invalid', 'The party in the access token is no longer registered.', 'invalid_token');
    }
    return { identity, token, subject, ...(actor ? { actor } : {}) };
  }
}

/** The token of an `Authorization: Bearer` header; 401 for a missing or malformed header, or a token sent elsewhere too. */
function bearerToken(authorization: string | undefined, tokenElsewhere: boolean): string {
  if (tokenElsewhere) {
    throw new UnauthenticatedError('token-in-query', 'Send the access token in the Authorization header only; tokens in a URL or body are refused.', 'invalid_request');
  }
  if (authorization === undefined) {
    throw new UnauthenticatedError('token-missing', 'This operation needs "Authorization: Bearer <token>" from POST /v1/oauth/token.', 'invalid_request');
  }
  if (authorization.length < 8 || authorization.slice(0, 7).toLowerCase() !== 'bearer ') {
    throw new UnauthenticatedError('token-invalid', 'The Authorization header must use the Bearer scheme.', 'invalid_request');
  }
  return authorization.slice(7).trim();
}

import { decideGrant } from '../domain/access-grant.js';
import type { PartyRegistry } from '../domain/party-registry.js';
import { KetenpoortError } from '../errors.js';
import type { AccessTokens } from './access-tokens.js';
import type { ClientAssertionVerifier } from './client-assertion.js';
import type { ConnectionIdentity } from './client-certificate.js';

/** The form fields of a token request (already checked against the contract). */
export interface TokenRequest {
  grant_type: 'client_credentials';
  client_id?: string;
  client_assertion_type?: string;
  client_assertion?: string;
  scope?: string;
  namens?: string;
}

/** The RFC 6749 token response. */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
}

function oauthError(code: string, status: number, error: string, detail: string): KetenpoortError {
  return new KetenpoortError(code, status, status === 401 ? 'Client authentication failed' : 'Invalid token request', detail, { extensions: { error } });
}

/**
 * The client-credentials grant: authenticates the client (`private_key_jwt` or `tls_client_auth`)
 * as the party behind the TLS connection, decides the grant, and signs a token bound to the
 * connection's certificate.
 */
export class TokenEndpoint {
  constructor(private readonly deps: { registry: PartyRegistry; tokens: AccessTokens; assertions: ClientAssertionVerifier }) {}

  async handle(identity: ConnectionIdentity, request: TokenRequest): Promise<TokenResponse> {
    if (request.client_id !== undefined && request.client_id !== identity.oin) {
      throw oauthError('client-mismatch', 401, 'invalid_client', `client_id ${request.client_id} is not the OIN of the client certificate (${identity.oin}).`);
    }
    if (request.client_assertion !== undefined || request.client_assertion_type !== undefined) {
      if (request.client_assertion === undefined || request.client_assertion_type === undefined) {
        throw oauthError('invalid-input', 400, 'invalid_request', 'client_assertion and client_assertion_type go together.');
      }
      await this.deps.assertions.verify(request.client_assertion, identity.party);
    } else if (request.client_id === undefined) {
      throw oauthError('invalid-input', 400, 'invalid_request', 'Send client_id (tls_client_auth) or a client_assertion (private_key_jwt).');
    }
    const grant = decideGrant(identity.party, this.deps.registry, {
      ...(request.scope !== undefined ? { scope: request.scope } : {}),
      ...(request.namens !== undefined ? { namens: request.namens } : {}),
    });
    const { token, expiresIn } = await this.deps.tokens.issue({
      subject: grant.subject.oin,
      clientId: identity.oin,
      scopes: grant.scopes,
      thumbprint: identity.thumbprint,
      ...(grant.actor ? { actor: grant.actor.oin } : {}),
    });
    return { access_token: token, token_type: 'Bearer', expires_in: expiresIn, scope: grant.scopes.join(' ') };
  }
}

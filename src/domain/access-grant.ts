import { ForbiddenError, KetenpoortError } from '../errors.js';
import type { Party, PartyRegistry } from './party-registry.js';
import { BASE_SCOPES, scopesForRoles } from './roles.js';

/** What a token will say: whose authority, held by whom, for which scopes. */
export interface AccessGrant {
  /** The party whose authority the token carries. */
  readonly subject: Party;
  /** The vendor acting for `subject`, when the token is on behalf of someone. */
  readonly actor?: Party;
  readonly scopes: readonly string[];
}

/**
 * Decides what a party may get in a token.
 *
 * Without `namens`, the party gets the scopes of its own roles. With `namens`, the party must be a
 * leverancier holding a delegation from that OIN; it then gets the principal's receiver scopes,
 * narrowed to what the delegation lists, plus the base scopes. A requested `scope` narrows further
 * and may not ask for more (RFC 6749 `invalid_scope`).
 */
export function decideGrant(party: Party, registry: PartyRegistry, request: { scope?: string; namens?: string }): AccessGrant {
  let subject = party;
  let actor: Party | undefined;
  let allowed = scopesForRoles(party.rollen);
  if (request.namens !== undefined && request.namens !== party.oin) {
    const delegation = party.delegaties.find((d) => d.namens === request.namens);
    const principal = registry.byOin(request.namens);
    if (!delegation || !principal) {
      throw new ForbiddenError('no-delegation', `${party.naam} holds no delegation to act for OIN ${request.namens}.`, { extensions: { error: 'unauthorized_client' } });
    }
    subject = principal;
    actor = party;
    const principalScopes = scopesForRoles(principal.rollen).filter((s) => !(BASE_SCOPES as readonly string[]).includes(s));
    const delegated = delegation.scopes ? principalScopes.filter((s) => delegation.scopes!.includes(s)) : principalScopes;
    allowed = [...BASE_SCOPES, ...delegated];
  }
  let scopes = allowed;
  if (request.scope !== undefined) {
    const wanted = [...new Set(request.scope.split(' ').filter(Boolean))];
    const refused = wanted.filter((s) => !allowed.includes(s));
    if (refused.length > 0 || wanted.length === 0) {
      throw new KetenpoortError('invalid-scope', 400, 'Invalid scope',
        refused.length > 0 ? `Scope not available to this client: ${refused.join(' ')}.` : 'The scope parameter is empty.',
        { extensions: { error: 'invalid_scope' } });
    }
    scopes = wanted;
  }
  return Object.freeze({ subject, ...(actor ? { actor } : {}), scopes: Object.freeze([...scopes]) });
}

/**
 * Roles a party can hold in the chain, and the token scopes each role brings. The scopes are the
 * ones declared in the contract's `oauth2` security scheme; a test keeps the two in step.
 */
export const ROLES = ['aanleveraar', 'ontvanger', 'leverancier', 'opt-out-registrar'] as const;

/** A role from the party registry. */
export type Role = (typeof ROLES)[number];

/** Scopes every registered party gets, whatever its roles. */
export const BASE_SCOPES = ['partij.lezen', 'verwerkingen.lezen'] as const;

/** Scopes per role. A leverancier gets receiver scopes only when acting for a municipality. */
export const ROLE_SCOPES: Readonly<Record<Role, readonly string[]>> = {
  aanleveraar: ['aanwijzingen.aanleveren'],
  ontvanger: ['aanwijzingen.ontvangen', 'opt-outs.raadplegen', 'volgindicaties.beheren'],
  leverancier: [],
  'opt-out-registrar': ['opt-outs.registreren', 'opt-outs.raadplegen'],
};

/** The scopes a set of roles brings, deduplicated, in a stable order. */
export function scopesForRoles(roles: readonly Role[]): string[] {
  const scopes = new Set<string>(BASE_SCOPES);
  for (const role of roles) for (const scope of ROLE_SCOPES[role]) scopes.add(scope);
  return [...scopes];
}

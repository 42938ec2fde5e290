/**
 * Response headers every answer carries, errors included: `API-Version` (ADR /core/version-header)
 * and the security headers of ADR /core/transport/security-headers. Built once per gateway.
 */
export function adrHeaders(apiVersion: string): Readonly<Record<string, string>> {
  return Object.freeze({
    'api-version': apiVersion,
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    'strict-transport-security': 'max-age=31536000',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
  });
}

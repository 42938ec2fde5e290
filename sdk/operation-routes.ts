import type { OperationId } from './contract-types.js';

/**
 * When a request may be sent again after a failure that left its outcome unknown (a 503, a
 * dropped connection):
 * - `safe`: a read, or a PUT/DELETE that sets a state (sending it twice is sending it once);
 * - `idempotent`: a POST the contract makes idempotent (a delivery by `kenmerk` or digest, a
 *   registration that returns what is active, follow indications, look-ups);
 * - `never`: a POST whose repetition could be refused or do something twice (a withdrawal).
 *
 * A request that never reached the gateway (connection refused) is always safe to send again.
 */
export type RetryClass = 'safe' | 'idempotent' | 'never';

/** How the SDK calls one contract operation. */
export interface OperationRoute {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path below the gateway URL, with `{name}` for path parameters, as in the contract (plus `/v1`). */
  readonly path: string;
  /** `token`: a bearer token is sent; `certificate`: the mTLS connection alone. */
  readonly auth: 'token' | 'certificate';
  readonly retry: RetryClass;
}

/**
 * Every operation of the contract, by operationId. `satisfies` makes `tsc` fail when the generated
 * types gain an operation this table lacks, or lose one it has; a test checks method and path
 * against `openapi/ketenpoort.yaml`.
 */
export const OPERATION_ROUTES = {
  haalContractJson: { method: 'GET', path: '/v1/openapi.json', auth: 'certificate', retry: 'safe' },
  haalContractYaml: { method: 'GET', path: '/v1/openapi.yaml', auth: 'certificate', retry: 'safe' },
  vraagToken: { method: 'POST', path: '/v1/oauth/token', auth: 'certificate', retry: 'idempotent' },
  haalPartijMij: { method: 'GET', path: '/v1/partijen/mij', auth: 'token', retry: 'safe' },
  leverAanwijzingAan: { method: 'POST', path: '/v1/aanwijzingen', auth: 'token', retry: 'idempotent' },
  haalAanwijzingenFeed: { method: 'GET', path: '/v1/aanwijzingen', auth: 'token', retry: 'safe' },
  leverBestandAan: { method: 'POST', path: '/v1/aanleveringen', auth: 'token', retry: 'idempotent' },
  haalAanlevering: { method: 'GET', path: '/v1/aanleveringen/{id}', auth: 'token', retry: 'safe' },
  haalAanleveringFouten: { method: 'GET', path: '/v1/aanleveringen/{id}/fouten', auth: 'token', retry: 'safe' },
  haalAanwijzingenlijst: { method: 'GET', path: '/v1/aanwijzingenlijsten/{periode}', auth: 'token', retry: 'safe' },
  haalAanwijzing: { method: 'GET', path: '/v1/aanwijzingen/{id}', auth: 'token', retry: 'safe' },
  geefTerugkoppeling: { method: 'PUT', path: '/v1/aanwijzingen/{id}/terugkoppeling', auth: 'token', retry: 'safe' },
  trekAanwijzingIn: { method: 'POST', path: '/v1/aanwijzingen/{id}/intrekking', auth: 'token', retry: 'never' },
  registreerOptOut: { method: 'POST', path: '/v1/opt-outs', auth: 'token', retry: 'idempotent' },
  zoekOptOuts: { method: 'POST', path: '/v1/opt-outs/_zoek', auth: 'token', retry: 'idempotent' },
  haalOptOutWijzigingen: { method: 'GET', path: '/v1/opt-outs/wijzigingen', auth: 'token', retry: 'safe' },
  plaatsVolgindicaties: { method: 'POST', path: '/v1/volgindicaties', auth: 'token', retry: 'idempotent' },
  verwijderVolgindicaties: { method: 'POST', path: '/v1/volgindicaties/_verwijder', auth: 'token', retry: 'idempotent' },
  haalOptOut: { method: 'GET', path: '/v1/opt-outs/{id}', auth: 'token', retry: 'safe' },
  trekOptOutIn: { method: 'DELETE', path: '/v1/opt-outs/{id}', auth: 'token', retry: 'safe' },
  haalStatistieken: { method: 'GET', path: '/v1/statistieken', auth: 'token', retry: 'safe' },
  haalVerwerkingen: { method: 'GET', path: '/v1/verwerkingen', auth: 'token', retry: 'safe' },
  zoekVerwerkingen: { method: 'POST', path: '/v1/verwerkingen/_zoek', auth: 'token', retry: 'idempotent' },
} as const satisfies { readonly [K in OperationId]: OperationRoute };

/** The URL path of an operation with its path parameters filled in (each URI-encoded). */
export function operationPath(operationId: OperationId, params: Readonly<Record<string, string>> = {}): string {
  return OPERATION_ROUTES[operationId].path.replace(/\{([A-Za-z0-9_]+)\}/g, (_match, name: string) => {
    const value = params[name];
    if (value === undefined) throw new TypeError(`${operationId}: path parameter ${name} is missing`);
    return encodeURIComponent(value);
  });
}

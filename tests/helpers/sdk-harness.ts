import { KetenpoortClient } from '../../sdk/index.js';
import type { KetenpoortClientOptions, RequestEvent } from '../../sdk/index.js';
import { fixturePki } from './fixture-pki.js';
import type { TestGateway } from './gateway-harness.js';

/** OINs of the demo parties (config/partijen.dev.yaml). */
export const OIN = {
  uwv: '00000099000000000101',
  svb: '00000099000000000102',
  amsterdam: '00000099000000000363',
  leiden: '00000099000000000546',
  leverancier: '00000099000000000801',
  belastingsamenwerking: '00000099000000000901',
} as const;

/** The test gateway publishes https://localhost:8443 as its URL, whatever port it listens on. */
export const TOKEN_AUDIENCE = 'https://localhost:8443/v1/oauth/token';

/** An SDK client of the test gateway with a fixture party's certificate; closed in teardown. */
export function sdkClient(t: { teardown(fn: () => unknown): void }, gateway: TestGateway, party: string,
  options: Partial<KetenpoortClientOptions> = {}): KetenpoortClient {
  const leaf = fixturePki.party(party);
  const client = new KetenpoortClient({
    gatewayUrl: gateway.url,
    tls: { certificate: leaf.chain, key: leaf.key, trustAnchors: fixturePki.trustAnchors },
    tokenAudience: TOKEN_AUDIENCE,
    retry: { retries: 2, baseDelayMs: 10, maxDelayMs: 50 },
    ...options,
  });
  t.teardown(() => client.close());
  return client;
}

/** An SDK client of a gateway at `url` (e.g. a gateway process), with a fixture party's certificate; closed in teardown. */
export function sdkClientOf(t: { teardown(fn: () => unknown): void }, url: string, party: string, tokenAudience: string,
  options: Partial<KetenpoortClientOptions> = {}): KetenpoortClient {
  const leaf = fixturePki.party(party);
  const client = new KetenpoortClient({ gatewayUrl: url, tls: { certificate: leaf.chain, key: leaf.key, trustAnchors: fixturePki.trustAnchors }, tokenAudience, ...options });
  t.teardown(() => client.close());
  return client;
}

/** Records every attempt an SDK client makes (see `observer`). */
export function recorder(): { events: RequestEvent[]; observer: (event: RequestEvent) => void; count(operationId: string): number } {
  const events: RequestEvent[] = [];
  return { events, observer: (event) => events.push(event), count: (id) => events.filter((e) => e.operationId === id).length };
}

/** A valid delivery (BSN 999999990 passes the elfproef; 0363 is Amsterdam). */
export function aanlevering(over: Record<string, unknown> = {}) {
  return {
    kenmerk: 'SDK-0001', soort: 'MOGELIJK_RECHT' as const, regeling: 'ALGEMENE_BIJSTAND', burgerservicenummer: '999999990',
    gemeentecode: '0363', geldigTot: '2099-12-31',
    aanleiding: { redenCode: 'INKOMEN_ONDER_NORM', criteria: ['WW_EINDIGT'], toelichting: 'Uw WW-uitkering stopt binnenkort.' },
    ...over,
  };
}

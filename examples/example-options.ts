import path from 'node:path';
import { parseArgs } from 'node:util';
import { KetenpoortClient } from 'ketenpoort/sdk';

/**
 * The options every example takes, so each runs against `npm start` as is and against any other
 * gateway with its own certificates:
 *
 *   --gateway URL          the API (default https://localhost:8443)
 *   --pki DIR              the development PKI (default certs/dev): DIR/partijen/<party>/{chain,key}.pem
 *                          and DIR/ca/trust-anchors.pem
 *   --token-audience URL   when the gateway's public URL is not --gateway (a gateway on another port)
 *   --state DIR            where an example keeps its cursor between runs (default .example-state)
 */
export interface ExampleOptions {
  gateway: string;
  pki: string;
  tokenAudience: string | undefined;
  state: string;
}

export function exampleOptions(): ExampleOptions {
  const { values } = parseArgs({
    options: {
      gateway: { type: 'string', default: 'https://localhost:8443' }, pki: { type: 'string', default: 'certs/dev' },
      'token-audience': { type: 'string' }, state: { type: 'string', default: '.example-state' },
    },
  });
  return { gateway: values.gateway!, pki: values.pki!, tokenAudience: values['token-audience'], state: values.state! };
}

/** A client with a party's certificate from the PKI directory (a vendor gives `namens`). */
export function clientFor(options: ExampleOptions, party: string, namens?: string): KetenpoortClient {
  const dir = path.join(options.pki, 'partijen', party);
  return new KetenpoortClient({
    gatewayUrl: options.gateway,
    tls: { certificate: path.join(dir, 'chain.pem'), key: path.join(dir, 'key.pem'), trustAnchors: path.join(options.pki, 'ca', 'trust-anchors.pem') },
    ...(namens ? { namens } : {}),
    ...(options.tokenAudience ? { tokenAudience: options.tokenAudience } : {}),
  });
}

/** Amsterdam's OIN in the development registry (config/partijen.dev.yaml). */
export const AMSTERDAM = '00000099000000000363';

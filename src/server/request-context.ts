import type {} from 'fastify';
import type { Caller } from '../security/bearer-authorization.js';
import type { ConnectionIdentity } from '../security/client-certificate.js';
import type { ContractOperation } from './contract.js';
import type { TraceContext } from './tracing.js';

/** Per-route configuration: the contract operation a route implements (absent on 404/405 routes). */
export interface RouteContractConfig {
  operation?: ContractOperation;
  /** Extra response headers for this route (e.g. CORS on the contract). */
  headers?: Record<string, string>;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The client certificate's identity, set for every request that got past the TLS check. */
    identity: ConnectionIdentity | undefined;
    /** The authenticated caller, set on operations that need a token. */
    caller: Caller | undefined;
    trace: TraceContext;
    /** When the request arrived (the gateway clock): start time of its processing records. */
    receivedAt: Date;
    /** The exact body bytes of a JSON request, kept for signature verification. */
    rawBody: Buffer | undefined;
  }
  interface FastifyReply {
    /** Problem code of an error answer, for the access log and metrics. */
    problemCode: string | undefined;
  }
  interface FastifyContextConfig extends RouteContractConfig {}
}

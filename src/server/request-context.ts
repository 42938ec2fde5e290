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
  }
  interface FastifyReply {
    /** Problem code of an error answer, for the access log and metrics. */
    problemCode: string | undefined;
  }
  interface FastifyContextConfig extends RouteContractConfig {}
}

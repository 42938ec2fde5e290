import type { PartyRegistry } from '../src/domain/party-registry.js';
import type { Contract } from '../src/server/contract.js';
import type { TokenEndpoint } from '../src/security/token-endpoint.js';
import type { Store } from '../src/store/store.js';
import type { Clock } from '../src/security/clock.js';
import type { ProcessingLogService } from '../src/audit/processing-log-service.js';
import type { OptOutService } from '../src/domain/opt-outs/opt-out-service.js';
import type { AanwijzingService } from '../src/domain/aanwijzingen/aanwijzing-service.js';
import type { AanleveringService } from '../src/domain/aanleveringen/aanlevering-service.js';

/** What the HTTP layer's plugins may call: domain and security services, never SQL or crypto directly. */
export interface ApiServices {
  readonly contract: Contract;
  readonly registry: PartyRegistry;
  readonly tokenEndpoint: TokenEndpoint;
  readonly store: Store;
  readonly clock: Clock;
  readonly aanwijzingen: AanwijzingService;
  readonly aanleveringen: AanleveringService;
  readonly verwerkingen: ProcessingLogService;
  readonly optOuts: OptOutService;
}

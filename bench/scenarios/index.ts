import type { Scenario } from '../scenario.js';
import { bulkLookup } from './bulk-lookup.js';
import { emptyPoll } from './empty-poll.js';
import { optOutLookup } from './opt-out-lookup.js';
import { periodicFile } from './periodic-file.js';
import { signedDelivery } from './signed-delivery.js';
import { tlsConnections } from './tls-connections.js';

/** Every scenario, in the order of the table (the order of issue 8). */
export const SCENARIOS: readonly Scenario[] = [optOutLookup, signedDelivery, periodicFile, bulkLookup, emptyPoll, tlsConnections];

/**
 * The order they run in: read-only and light scenarios first; the bulk look-up (10,000 log records
 * a request) and the deliveries after them; the file last, because it restarts the gateway and
 * leaves a million signals in the store.
 */
export const RUN_ORDER: readonly string[] = ['opt-out-een', 'poll', 'tls', 'opt-out-zoek', 'aanwijzing', 'bestand'];

import { randomBytes } from 'node:crypto';
import { openStore } from '../src/store/open-store.js';
import { REGISTER_FROM, UNREGISTERED_FROM, bsnFrom, validBsns } from './bsn.js';
import { BENCH_PARTIES } from './workspace.js';

/** What was seeded, and how long it took. */
export interface SeededRegister {
  readonly optOuts: number;
  readonly processingRecords: number;
  readonly seconds: number;
  /** Opted-out BSNs spread evenly over the register, `count` of them. */
  sample(count: number): string[];
}

/**
 * Seeds the store (SQLite or PostgreSQL) before the gateway opens it: `optOuts` opt-outs (every valid BSN from
 * {@link REGISTER_FROM} up) through the store's bulk import, and a processing log already holding
 * `processingRecords` records with its per-person index caught up — a register and log in use,
 * not an empty database that flatters every write.
 */
export async function seedRegister(databaseUrl: string, options: { optOuts: number; processingRecords: number }): Promise<SeededRegister> {
  const started = performance.now();
  const store = await openStore(databaseUrl);
  const registrar = BENCH_PARTIES.amsterdam.oin;
  let seeded = 0;
  let lastN = REGISTER_FROM;
  type NewOptOut = Parameters<typeof store.importOptOuts>[0][number];
  for (let n = REGISTER_FROM, batch: NewOptOut[] = []; seeded < options.optOuts; n++) {
    const bsn = bsnFrom(n);
    if (!bsn) continue;
    seeded++;
    lastN = n;
    batch.push({ id: `seed-${n}`, bsn, scope: '*', kanaal: 'BRIEF', geregistreerdDoor: registrar, actorOin: null, ingang: Date.now() });
    if (batch.length === 50_000 || seeded === options.optOuts) {
      await store.importOptOuts(batch);
      batch = [];
    }
  }
  // Earlier look-ups' records: the per-person index grows with the log, and so does the cost of a write.
  for (let written = 0; written < options.processingRecords; written += 10_000) {
    const at = new Date();
    await store.appendProcessingRecords(Array.from({ length: Math.min(10_000, options.processingRecords - written) }, () => ({
      traceId: randomBytes(16).toString('hex'), operationId: randomBytes(8).toString('hex'), name: 'opt-out.opvragen', status: 'OK' as const,
      startTime: at, endTime: at, processingActivityId: 'urn:bench', dataSubjectId: randomBytes(32).toString('hex'), requester: registrar,
    })));
  }
  // A log in use has its index caught up; left behind, the gateway would index it while being measured.
  // (PostgreSQL indexes as it writes: only the embedded store has an index to catch up.)
  await (store as { indexProcessingLog?: () => Promise<number> }).indexProcessingLog?.();
  await store.close();
  const seconds = (performance.now() - started) / 1000;
  return {
    optOuts: seeded,
    processingRecords: options.processingRecords,
    seconds,
    sample(count) {
      // Re-derive the BSNs instead of keeping a million strings: the register is every valid BSN in [REGISTER_FROM, lastN].
      const span = lastN - REGISTER_FROM + 1;
      return Array.from({ length: Math.min(count, seeded) }, (_, i) => {
        for (let n = REGISTER_FROM + Math.floor((i * span) / count); ; n++) {
          const bsn = bsnFrom(n);
          if (bsn) return bsn;
        }
      });
    },
  };
}

/**
 * The body of a bulk look-up: `total` BSNs of which `optedOut` are in the register (spread over it),
 * the rest never registered — the shape of a vendor checking its case load.
 */
export function bulkLookupBsns(register: SeededRegister, total: number, optedOut: number): string[] {
  const hits = register.sample(optedOut);
  return [...validBsns(UNREGISTERED_FROM, total - hits.length), ...hits];
}

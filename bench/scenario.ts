import type { GatewayProcess } from './gateway-process.js';
import type { PartyClient } from './party-client.js';
import type { Row } from './report.js';
import type { SeededRegister } from './seed-register.js';
import type { BenchParty, Workspace } from './workspace.js';

/** How big and how long; `--snel` picks the quick set. */
export interface BenchSettings {
  readonly quick: boolean;
  /** Opt-outs in the register, and records already in the processing log. */
  readonly optOuts: number;
  readonly processingRecords: number;
  /** Seconds of each measured load run, and of the warm-up before it. */
  readonly seconds: number;
  readonly warmupSeconds: number;
  /** Keep-alive connections of a throughput run. */
  readonly connections: number;
  /** Signed single deliveries measured (each a distinct signed body), and warm-up deliveries. */
  readonly deliveries: number;
  readonly warmupDeliveries: number;
  /** Bulk look-ups of 10,000 BSNs, measured one after another, and warm-ups. */
  readonly bulkLookups: number;
  readonly warmupBulkLookups: number;
  /** Line counts of the two periodic files: the smaller shows whether memory stays flat. */
  readonly fileLines: readonly [small: number, large: number];
  /**
   * Who the periodic file's lines go to: `alle` spreads them over every municipality of 2026, each
   * its own receiver (342, as a monthly file fans out); `een` sends all to Amsterdam (the cheap
   * case the table showed before 2026-11-23's fourth session: one receiver's part of each index).
   */
  readonly fileReceivers: 'alle' | 'een';
  /** Seconds of each new-connections run, and connections being set up at once. */
  readonly tlsSeconds: number;
  readonly tlsConcurrency: number;
}

export const FULL_SETTINGS: BenchSettings = {
  quick: false, optOuts: 1_000_000, processingRecords: 1_000_000, seconds: 10, warmupSeconds: 2, connections: 16,
  deliveries: 5_000, warmupDeliveries: 500, bulkLookups: 30, warmupBulkLookups: 3, fileLines: [100_000, 1_000_000], fileReceivers: 'alle', tlsSeconds: 5, tlsConcurrency: 4,
};

export const QUICK_SETTINGS: BenchSettings = {
  quick: true, optOuts: 100_000, processingRecords: 100_000, seconds: 3, warmupSeconds: 1, connections: 16,
  deliveries: 1_000, warmupDeliveries: 200, bulkLookups: 10, warmupBulkLookups: 2, fileLines: [10_000, 100_000], fileReceivers: 'alle', tlsSeconds: 2, tlsConcurrency: 4,
};

/** What a scenario gets to work with. */
export interface ScenarioContext {
  readonly settings: BenchSettings;
  readonly workspace: Workspace;
  /** The gateway under test (it may be restarted by a scenario: read it each time). */
  readonly gateway: GatewayProcess;
  /** The bare Fastify baseline server (`bare-server.ts`), and its process id. */
  readonly bareUrl: string;
  readonly barePid: number;
  /** The seeded register, when a selected scenario needs one. */
  readonly register: SeededRegister | undefined;
  /** A client of the current gateway for a party (closed when the scenario ends). */
  client(party: BenchParty): PartyClient;
  /** Stops the gateway and starts a fresh process on the same store (for a clean peak-memory figure). */
  restartGateway(name: string): Promise<GatewayProcess>;
  /** A progress line on stderr (the table goes to stdout). */
  log(message: string): void;
}

/** One scenario of the table. */
export interface Scenario {
  /** The id `--alleen` takes. */
  readonly id: string;
  readonly description: string;
  /** Whether it needs the seeded register (seeding a million opt-outs takes half a minute). */
  readonly needsRegister: boolean;
  run(context: ScenarioContext): Promise<Row[]>;
}

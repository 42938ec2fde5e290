import { runScript } from './child-script.js';
import type { TlsFiles } from './party-client.js';

/** A run of `tls-connector.ts`. */
export interface ConnectorSpec {
  /** The URL each new connection requests once (with `Connection: close`). */
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly tls: TlsFiles;
  /** Connections being set up at the same time. */
  readonly concurrency: number;
  readonly seconds: number;
  readonly warmupSeconds?: number;
  /** Offer the last session ticket received (resumption), or never (a full handshake each time). */
  readonly resume: boolean;
  /** Status codes that count as success (default: 200). */
  readonly expect?: readonly number[];
  /** The server's process id: its CPU time per connection is reported. */
  readonly serverPid?: number;
}

/** What it measured. */
export interface ConnectorResult {
  readonly connections: number;
  readonly seconds: number;
  readonly perSecond: number;
  /** Connections on which the client offered a session ticket … */
  readonly offered: number;
  /** … and those the server resumed (client side: `isSessionReused()`). */
  readonly resumed: number;
  readonly statusCodes: Readonly<Record<string, number>>;
  readonly failures: number;
  readonly protocol: string | null;
  /** CPU of the connector process over wall time (a handshake costs the client a private-key signature too). */
  readonly loadCpu: number;
  /** CPU milliseconds the server spent per connection (Linux, with `serverPid`). */
  readonly serverCpuMsPerConnection?: number;
}

/**
 * New TLS connections per second, measured from another process than the server and the harness
 * (a handshake costs the client as much CPU as the server; sharing a process would halve both).
 */
export function measureConnections(spec: ConnectorSpec): Promise<ConnectorResult> {
  return runScript<ConnectorResult>('tls-connector.ts', spec);
}

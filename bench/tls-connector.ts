/**
 * New TLS connections per second, run in its own process by `tls-handshakes.ts`. Each connection
 * is what a client that does not keep connections alive does: a full mutual-TLS handshake (or a
 * resumed one, offering the session ticket the server gave it last time), one request with
 * `Connection: close`, and the server's answer read to the end. With `resume`, each of the
 * `concurrency` loops offers the latest ticket it received, as Node's https agent would; whether
 * the server took it is read from the client side (`isSessionReused()`), which is the proof that
 * resumption works. Prints one JSON line (a `ConnectorResult`).
 */
import { readFileSync } from 'node:fs';
import { connect, createSecureContext } from 'node:tls';
import { cpuSeconds } from './process-stats.js';
import type { ConnectorResult, ConnectorSpec } from './tls-handshakes.js';
import { readInput } from './child-input.js';

const spec = await readInput<ConnectorSpec>();
const url = new URL(spec.url);
// One secure context for all connections: tls.connect would otherwise parse the key and the
// certificates again for every connection, and the connector, not the server, would set the pace.
const secureContext = createSecureContext({ ca: readFileSync(spec.tls.ca), cert: readFileSync(spec.tls.cert), key: readFileSync(spec.tls.key) });
const head = [`GET ${url.pathname}${url.search} HTTP/1.1`, `host: ${url.host}`, 'connection: close',
  ...Object.entries(spec.headers ?? {}).map(([name, value]) => `${name}: ${value}`), '', ''].join('\r\n');

interface Outcome {
  readonly status: number;
  readonly offered: boolean;
  readonly reused: boolean;
  readonly protocol: string | null;
  readonly session: Buffer | undefined;
}

/** One connection: handshake (offering `session` if given), one request, the whole answer. */
function once(session: Buffer | undefined): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: url.hostname, port: Number(url.port), secureContext, ...(session ? { session } : {}) });
    let fresh: Buffer | undefined;
    let answer = '';
    // Read while the handshake's outcome is at hand: after 'close' the socket has no handle and says "not reused".
    let reused = false;
    let protocol: string | null = null;
    socket.setEncoding('latin1');
    socket.on('session', (ticket: Buffer) => { fresh = ticket; }); // TLS 1.3 tickets come after the handshake; keep the last
    socket.once('secureConnect', () => {
      reused = socket.isSessionReused();
      protocol = socket.getProtocol();
      socket.write(head);
    });
    socket.on('data', (chunk: string) => { answer += chunk; });
    socket.once('error', reject);
    socket.once('close', () => resolve({
      status: Number(answer.slice(9, 12)) || 0, offered: session !== undefined, reused, protocol, session: fresh ?? session,
    }));
  });
}

async function run(seconds: number): Promise<ConnectorResult> {
  const statusCodes: Record<string, number> = {};
  let connections = 0;
  let offered = 0;
  let resumed = 0;
  let failures = 0;
  let protocol: string | null = null;
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const serverBefore = spec.serverPid === undefined ? undefined : cpuSeconds(spec.serverPid);
  await Promise.all(Array.from({ length: spec.concurrency }, async () => {
    let session: Buffer | undefined;
    while (performance.now() < deadline) {
      try {
        const outcome = await once(spec.resume ? session : undefined);
        connections++;
        statusCodes[outcome.status] = (statusCodes[outcome.status] ?? 0) + 1;
        if (!(spec.expect ?? [200]).includes(outcome.status)) failures++;
        if (outcome.offered) offered++;
        if (outcome.reused) resumed++;
        protocol = outcome.protocol;
        session = outcome.session;
      } catch {
        failures++;
      }
    }
  }));
  const wall = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const serverAfter = spec.serverPid === undefined ? undefined : cpuSeconds(spec.serverPid);
  return {
    connections, seconds: wall, perSecond: connections / wall, offered, resumed, statusCodes, failures, protocol, loadCpu: (cpu.user + cpu.system) / 1e6 / wall,
    ...(serverBefore !== undefined && serverAfter !== undefined && connections > 0 ? { serverCpuMsPerConnection: ((serverAfter - serverBefore) * 1000) / connections } : {}),
  };
}

await run(spec.warmupSeconds ?? 1);
process.stdout.write(`${JSON.stringify(await run(spec.seconds))}\n`);
process.exit(0);

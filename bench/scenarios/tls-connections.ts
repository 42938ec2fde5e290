import { formatNumber, ratioOf, type Row } from '../report.js';
import type { Scenario } from '../scenario.js';
import { measureConnections, type ConnectorResult, type ConnectorSpec } from '../tls-handshakes.js';
import { BENCH_PARTIES } from '../workspace.js';

const ID = 'tls';

/**
 * New TLS connections per second, each with one request and `Connection: close` (a client that
 * does not keep connections alive), with a full mutual-TLS handshake and with session resumption,
 * against the bare server doing the same. The gateway's request is the cheapest authenticated one
 * (an empty changes poll, 304); the bare server's is its 304 route. No target in the budget; the
 * requirement is that resumption works: every ticket offered is taken and the resumed connection
 * is still served (the client certificate travels in the session).
 */
export const tlsConnections: Scenario = {
  id: ID,
  description: 'new mutual-TLS connections/s, full handshake and resumed (resumption must work)',
  needsRegister: false,
  async run(ctx) {
    const { settings } = ctx;
    const vendor = ctx.client('leverancier');
    const token = await vendor.token(BENCH_PARTIES.amsterdam.oin);
    const auth = { authorization: `Bearer ${token}` };
    const first = await vendor.call('GET', '/v1/opt-outs/wijzigingen', { headers: auth });
    const { volgende } = JSON.parse(first.text) as { volgende: string };
    const gatewayRequest = { url: `${ctx.gateway.api}/v1/opt-outs/wijzigingen?na=${volgende}`, headers: { ...auth, 'if-none-match': String(first.headers.etag) } };
    const bareRequest = { url: `${ctx.bareUrl}/not-modified`, headers: { 'if-none-match': '"bench"' } };
    const common = { tls: vendor.tlsFiles, concurrency: settings.tlsConcurrency, seconds: settings.tlsSeconds, warmupSeconds: 1, expect: [304] } satisfies Partial<ConnectorSpec>;

    const results: Record<string, ConnectorResult> = {};
    for (const resume of [false, true]) {
      for (const [side, request] of [['bare', bareRequest], ['gateway', gatewayRequest]] as const) {
        ctx.log(`new TLS connections: ${side}, ${resume ? 'resumed' : 'full handshake'}`);
        results[`${side}-${resume ? 'resumed' : 'full'}`] = await measureConnections({ ...common, ...request, resume, serverPid: side === 'bare' ? ctx.barePid : ctx.gateway.pid });
      }
    }
    const row = (kind: 'full' | 'resumed'): Row => {
      const gateway = results[`gateway-${kind}`]!;
      const bare = results[`bare-${kind}`]!;
      const ratio = ratioOf(gateway.perSecond, bare.perSecond);
      const works = gateway.offered > 0 && gateway.resumed === gateway.offered && bare.resumed === bare.offered;
      const served = gateway.failures === 0 && bare.failures === 0;
      return {
        id: ID,
        scenario: kind === 'full' ? `new TLS connections, full handshake (${gateway.protocol ?? '?'}, + one request)` : 'new TLS connections, session resumed (+ one request)',
        figure: kind === 'full'
          ? `${formatNumber(gateway.perSecond)} conn/s (resumed ${gateway.resumed}), ${connectionCpu(gateway)}`
          : `${formatNumber(gateway.perSecond)} conn/s, resumed ${formatNumber(gateway.resumed)} of ${formatNumber(gateway.offered)} offered, ${connectionCpu(gateway)}`,
        baseline: `bare: ${formatNumber(bare.perSecond)} conn/s, ${connectionCpu(bare)}`,
        ...(ratio !== undefined ? { ratio } : {}),
        target: kind === 'full' ? '— (reported)' : 'resumption works',
        verdict: !served ? 'failed' : kind === 'full' ? (gateway.resumed === 0 ? 'info' : 'failed') : works ? 'pass' : 'short',
        details: { concurrency: settings.tlsConcurrency, seconds: settings.tlsSeconds, gateway, bare },
      };
    };
    return [row('full'), row('resumed')];
  },
};

/** Server CPU per connection, as the table shows it. */
function connectionCpu(result: ConnectorResult): string {
  return result.serverCpuMsPerConnection === undefined ? 'CPU unknown' : `${result.serverCpuMsPerConnection.toFixed(2)} ms CPU/conn`;
}

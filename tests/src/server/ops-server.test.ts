import t from 'tap';
import pino from 'pino';
import { GatewayMetrics } from '../../../src/observability/metrics.js';
import { loadContract } from '../../../src/server/contract.js';
import { buildOpsServer } from '../../../src/server/ops-server.js';
import { openTestStore, testStoreEngine } from '../../helpers/test-database.js';

t.test('health, readiness, metrics and the contract on the ops port', async (t) => {
  const store = await openTestStore(t, t.testdir());
  const metrics = new GatewayMetrics();
  metrics.requests.inc({ operation: 'haalPartijMij', status: '200' });
  const ops = await buildOpsServer({ store, metrics, contract: loadContract(), logger: pino({ level: 'silent' }) });
  t.teardown(() => ops.close());

  const live = await ops.inject('/health/live');
  t.equal(live.statusCode, 200);
  t.same(live.json(), { status: 'UP' });
  t.equal(live.headers['api-version'], '0.1.0');

  t.same((await ops.inject('/health/ready')).json(), { status: 'UP', store: testStoreEngine });

  const scrape = await ops.inject('/metrics');
  t.match(scrape.headers['content-type'], /^text\/plain/);
  t.match(scrape.body, /ketenpoort_http_requests_total\{operation="haalPartijMij",status="200"\} 1/);
  t.match(scrape.body, /ketenpoort_process_cpu_seconds_total/);

  const contract = await ops.inject('/v1/openapi.json');
  t.equal(contract.statusCode, 200);
  t.equal(contract.headers['access-control-allow-origin'], '*');
  t.equal(contract.json().info.title, 'Ketenpoort');

  const reference = await ops.inject('/referentie/');
  t.equal(reference.statusCode, 200, 'the API reference page');
  t.match(reference.headers['content-type'], /^text\/html/);
  t.equal(reference.headers['content-security-policy'], undefined, 'no API CSP on the HTML page');
  const specification = await ops.inject('/referentie/json');
  t.same(specification.json(), contract.json(), 'the page shows the contract as written');

  const missing = await ops.inject('/nergens');
  t.equal(missing.statusCode, 404);
  t.match(missing.headers['content-type'], /^application\/problem\+json/);

  await store.close();
  const notReady = await ops.inject('/health/ready');
  t.equal(notReady.statusCode, 503, 'not ready once the store is gone');
  t.same(notReady.json(), { status: 'DOWN', store: testStoreEngine });
});

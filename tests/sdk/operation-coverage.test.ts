import { writeFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { KetenpoortClient, OPERATION_ROUTES } from '../../sdk/index.js';
import { loadContract } from '../../src/server/contract.js';
import { startTestGateway } from '../helpers/gateway-harness.js';
import { gatewayEnvironment, startGatewayProcess } from '../helpers/gateway-process.js';
import { aanlevering, OIN, recorder, sdkClient, sdkClientOf } from '../helpers/sdk-harness.js';

const contract = loadContract();

t.test('every operation of the contract has an SDK method of its name, and the SDK calls it as the contract says', async (t) => {
  t.ok(contract.operations.size >= 20, `the contract has ${contract.operations.size} operations`);
  for (const [operationId, operation] of contract.operations) {
    t.type((KetenpoortClient.prototype as unknown as Record<string, unknown>)[operationId], 'function', `${operationId}: a method`);
    const route = (OPERATION_ROUTES as Record<string, { method: string; path: string } | undefined>)[operationId];
    t.same(route && [route.method, route.path], [operation.method, `/v1${operation.path}`], `${operationId}: ${operation.method} ${operation.path}`);
  }
  t.same(Object.keys(OPERATION_ROUTES).filter((id) => !contract.operations.has(id)), [], 'and no SDK route for an operation the contract lacks');
});

t.test('every operation, called through the SDK against a real gateway process, succeeds', async (t) => {
  t.setTimeout(110_000);
  const gateway = await startGatewayProcess(t, await gatewayEnvironment(t, t.testdir({})));
  t.teardown(() => gateway.stop());
  const seen = recorder();
  const options = { observer: seen.observer };
  const uwv = sdkClientOf(t, gateway.api, 'uwv', gateway.tokenAudience, options);
  const svb = sdkClientOf(t, gateway.api, 'svb', gateway.tokenAudience, options);
  const amsterdam = sdkClientOf(t, gateway.api, 'amsterdam', gateway.tokenAudience, options);
  const vendor = sdkClientOf(t, gateway.api, 'leverancier', gateway.tokenAudience, { ...options, namens: OIN.amsterdam });

  await uwv.haalContractJson();
  await uwv.haalContractYaml();
  await uwv.vraagToken();
  await uwv.haalPartijMij();
  const one = await uwv.leverAanwijzingAan(aanlevering({ kenmerk: 'COV-1' }));
  const two = await uwv.leverAanwijzingAan(aanlevering({ kenmerk: 'COV-2' }));
  await uwv.trekAanwijzingIn(two.id, { reden: 'Onterecht verstuurd.' });
  const file = await uwv.leverBestandAan(Buffer.from(`${JSON.stringify(aanlevering({ kenmerk: 'COV-3' }))}\n{broken\n`), { formaat: 'ndjson', bestandsnaam: 'cov.ndjson' });
  await uwv.haalAanlevering(file.id);
  await uwv.haalAanleveringFouten(file.id);
  await vendor.haalAanwijzingenFeed();
  await vendor.haalAanwijzing(one.id);
  await vendor.geefTerugkoppeling(one.id, { status: 'AFGEROND', uitkomst: 'TOEGEKEND' });
  await amsterdam.haalAanwijzingenlijst(new Date().toISOString().slice(0, 7) as `${number}-${number}`, { formaat: 'json' });
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  await uwv.haalStatistieken({ vanaf: day(-30), tot: day(1) });
  const optOut = await svb.registreerOptOut({ burgerservicenummer: '999999990', kanaal: 'BRIEF' });
  await svb.haalOptOut(optOut.id);
  await amsterdam.zoekOptOuts({ burgerservicenummers: ['999999990'] });
  await vendor.plaatsVolgindicaties({ burgerservicenummers: ['999999990'] });
  await vendor.haalOptOutWijzigingen();
  await vendor.verwijderVolgindicaties({ burgerservicenummers: ['999999990'] });
  await svb.trekOptOutIn(optOut.id);
  await svb.haalVerwerkingen();
  await svb.zoekVerwerkingen({ burgerservicenummer: '999999990' });

  const failed = seen.events.filter((e) => e.status === undefined || e.status >= 400);
  t.same(failed.map((e) => `${e.operationId} ${e.status}`), [], 'no call failed');
  const called = new Set(seen.events.map((e) => e.operationId));
  t.same([...contract.operations.keys()].filter((id) => !called.has(id as never)), [], 'every contract operation was called');
});

t.test('a file from disk and a list to disk go through the same operations', async (t) => {
  const gateway = await startTestGateway(t);
  const seen = recorder();
  const dir = t.testdir({});
  writeFileSync(path.join(dir, 'a.ndjson'), `${JSON.stringify(aanlevering({ kenmerk: 'COV-F' }))}\n`);
  await sdkClient(t, gateway, 'uwv', { observer: seen.observer }).verstuurBestand(path.join(dir, 'a.ndjson'), { pollIntervalMs: 20 });
  await sdkClient(t, gateway, 'amsterdam', { observer: seen.observer })
    .downloadAanwijzingenlijst(new Date().toISOString().slice(0, 7) as `${number}-${number}`, path.join(dir, 'lijst.csv'), { formaat: 'csv' });
  t.equal(seen.count('leverBestandAan'), 1, 'the file is one upload');
  t.equal(seen.count('haalAanwijzingenlijst'), 1, 'the list is one download');
});

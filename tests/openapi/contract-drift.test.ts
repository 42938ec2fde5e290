import { readFileSync } from 'node:fs';
import t from 'tap';
import openapiTS, { astToString } from 'openapi-typescript';
import { pathToFileURL } from 'node:url';
import { projectPath } from '../../src/config/project-paths.js';
import { loadContract, CONTRACT_FILE } from '../../src/server/contract.js';
import { ROLE_SCOPES, BASE_SCOPES } from '../../src/domain/roles.js';

t.test('the committed generated types match the contract (run `npm run generate:types` after editing it)', async (t) => {
  const generated = astToString(await openapiTS(pathToFileURL(CONTRACT_FILE)));
  const committed = readFileSync(projectPath('openapi', 'ketenpoort.d.ts'), 'utf8');
  const body = committed.replace(/^\/\*\*[\s\S]*?\*\/\n\n/, '');
  t.equal(body, generated, 'openapi/ketenpoort.d.ts is out of date');
});

t.test('every scope a role can grant is declared in the contract, and every declared scope is grantable', async (t) => {
  const contract = loadContract();
  const grantable = new Set<string>([...BASE_SCOPES, ...Object.values(ROLE_SCOPES).flat()]);
  t.same([...grantable].filter((s) => !contract.scopes.includes(s)), [], 'undeclared scopes');
  t.same(contract.scopes.filter((s) => !grantable.has(s)), [], 'scopes no role grants');
  for (const op of contract.operations.values()) {
    for (const s of (op.scopes ?? []).flat()) t.ok(contract.scopes.includes(s), `${op.operationId} requires declared scope ${s}`);
  }
});

t.test('operations are indexed with their URL, scopes and media types', async (t) => {
  const contract = loadContract();
  const mij = contract.operations.get('haalPartijMij');
  t.match(mij, { method: 'GET', url: '/v1/partijen/mij', scopes: [['partij.lezen']], produces: ['application/json'] });
  const token = contract.operations.get('vraagToken');
  t.match(token, { method: 'POST', url: '/v1/oauth/token', scopes: null, consumes: ['application/x-www-form-urlencoded'], bodyRequired: true });
  t.equal(contract.version, (contract.document as any).info.version);
  t.same(JSON.parse(contract.json), contract.document, 'the JSON rendering is the document');
});

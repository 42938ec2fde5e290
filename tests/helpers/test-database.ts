import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import pg from 'pg';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';

/**
 * Which store the suite runs on: SQLite unless `KETENPOORT_TEST_STORE=postgres` (set, with the
 * cluster's URL, by `npm run test:postgres`). Every gateway and store a test makes comes from here,
 * so the whole suite proves both engines.
 */
export const testStoreEngine: 'sqlite' | 'postgres' = process.env.KETENPOORT_TEST_STORE === 'postgres' ? 'postgres' : 'sqlite';

/** The throw-away PostgreSQL cluster of `npm run test:postgres`, when there is one. */
export const testPostgresUrl: string | undefined = process.env.KETENPOORT_TEST_POSTGRES_URL;

/** Why a PostgreSQL-only test does not run here; undefined when it can. */
export const postgresSkipReason: string | undefined = testPostgresUrl
  ? undefined
  : 'needs a PostgreSQL cluster: KETENPOORT_TEST_POSTGRES_URL, which `npm run test:postgres` (and CI) set';

interface Teardown { teardown(fn: () => unknown): void }

/** A database for one test: its URL, and how to remove it once everything using it has closed. */
export interface TestDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

/**
 * A fresh, empty PostgreSQL schema of its own for one test: its URL selects the schema with
 * libpq's `options=-c search_path=…`, so every connection of every process given this URL
 * (several gateway instances) works in it.
 */
export async function createTestSchema(baseUrl: string = requirePostgres()): Promise<TestDatabase> {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  await adminQuery(baseUrl, `CREATE SCHEMA ${schema}`);
  const url = new URL(baseUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return { url: url.toString(), drop: () => adminQuery(baseUrl, `DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined) };
}

/** The database for a test's gateway or store on the suite's engine: a file in `dir`, or a fresh PostgreSQL schema. */
export async function testDatabase(dir: string): Promise<TestDatabase> {
  return testStoreEngine === 'postgres' ? createTestSchema() : { url: `sqlite:${dir}/test.db`, drop: async () => undefined };
}

/** A store on the suite's engine; closed, and its schema dropped, in teardown. */
export async function openTestStore(t: Teardown, dir: string): Promise<Store> {
  const database = await testDatabase(dir);
  const store = await openStore(database.url);
  t.teardown(async () => {
    await store.close();
    await database.drop();
  });
  return store;
}

function requirePostgres(): string {
  if (!testPostgresUrl) throw new Error(postgresSkipReason);
  return testPostgresUrl;
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * One number from a query run directly on a test's database (either engine), for tests that check
 * what is stored behind the API: `SELECT count(*) FROM …`.
 */
export async function queryNumber(url: string, sql: string): Promise<number> {
  if (url.startsWith('sqlite:')) {
    const db = new Database(url.slice('sqlite:'.length), { readonly: true });
    try {
      return Number(db.prepare(sql).pluck().get());
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<Record<string, unknown>>(sql);
    return Number(Object.values(rows[0] ?? {})[0]);
  } finally {
    await client.end();
  }
}

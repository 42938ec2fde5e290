import path from 'node:path';
import { ConfigurationError, KetenpoortError } from '../errors.js';
import { PostgresStore } from './postgres/postgres-store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

/**
 * Opens the store named by `KETENPOORT_DATABASE_URL`: `sqlite:<path>` (relative to `cwd`),
 * `sqlite::memory:`, a bare path ending in `.db`, or `postgres://user@host:port/database` (also
 * `postgresql://`; libpq's URL parameters such as `sslmode` and `options` apply). A database that
 * cannot be reached or opened at start-up is a {@link ConfigurationError} naming the setting, with
 * the password masked.
 */
export async function openStore(url: string, cwd: string = process.cwd(), options: { poolSize?: number } = {}): Promise<Store> {
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length);
    if (file === '') throw new ConfigurationError('KETENPOORT_DATABASE_URL', 'sqlite: needs a file path, e.g. sqlite:data/ketenpoort.db');
    return SqliteStore.open(file === ':memory:' ? file : path.resolve(cwd, file));
  }
  if (url.endsWith('.db')) return SqliteStore.open(path.resolve(cwd, url));
  if (/^postgres(ql)?:\/\//.test(url)) {
    try {
      return await PostgresStore.open(url, options);
    } catch (error) {
      throw new ConfigurationError('KETENPOORT_DATABASE_URL', `cannot open the PostgreSQL database ${maskPassword(url)}: ${reasonOf(error)}`);
    }
  }
  throw new ConfigurationError('KETENPOORT_DATABASE_URL', `unsupported database URL scheme in "${maskPassword(url)}"; use sqlite:<path> or postgres://…`);
}

/** The URL with any password replaced by `***`, for messages and logs. */
export function maskPassword(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:/@]*):[^@]*@/i, '$1:***@');
}

/** The driver's or the socket's code (ECONNREFUSED, 28P01, 3D000 …) of a failure, looking through our own translations (KetenpoortError) to their cause. */
function reasonOf(error: unknown): string {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && !(e instanceof KetenpoortError)) return `${code} (${maskPassword(e.message)})`;
  }
  return error instanceof Error ? maskPassword(error.message) : String(error);
}

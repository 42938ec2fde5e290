import path from 'node:path';
import { ConfigurationError } from '../errors.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

/**
 * Opens the store named by `KETENPOORT_DATABASE_URL`: `sqlite:<path>` (relative to `cwd`),
 * `sqlite::memory:`, or a bare path ending in `.db`.
 */
export function openStore(url: string, cwd: string = process.cwd()): Store {
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length);
    if (file === '') throw new ConfigurationError('KETENPOORT_DATABASE_URL', 'sqlite: needs a file path, e.g. sqlite:data/ketenpoort.db');
    return SqliteStore.open(file === ':memory:' ? file : path.resolve(cwd, file));
  }
  if (url.endsWith('.db')) return SqliteStore.open(path.resolve(cwd, url));
  if (/^postgres(ql)?:\/\//.test(url)) {
    throw new ConfigurationError('KETENPOORT_DATABASE_URL', 'PostgreSQL is not supported yet in this version; use sqlite:<path>');
  }
  throw new ConfigurationError('KETENPOORT_DATABASE_URL', `unsupported database URL scheme in "${url.replace(/\/\/[^@]*@/, '//***@')}"; use sqlite:<path>`);
}

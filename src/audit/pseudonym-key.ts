import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigurationError } from '../errors.js';

/**
 * Reads the pseudonymisation key (at least 32 bytes, stored base64). In development a missing key
 * is generated (mode 0600); in production it must exist and be the same on every instance and
 * across restarts, or the records of one person no longer share a pseudonym.
 */
export function loadPseudonymKey(file: string, options: { mayCreate: boolean }): Buffer {
  if (!existsSync(file)) {
    if (!options.mayCreate) throw new ConfigurationError('KETENPOORT_PSEUDONYM_KEY', `${file} does not exist`);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
  }
  let key: Buffer;
  try {
    key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  } catch (error) {
    throw new ConfigurationError('KETENPOORT_PSEUDONYM_KEY', `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (key.length < 32) throw new ConfigurationError('KETENPOORT_PSEUDONYM_KEY', `${file} must hold at least 32 bytes, base64-encoded`);
  return key;
}

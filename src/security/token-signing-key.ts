import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigurationError } from '../errors.js';

/**
 * Reads the gateway's token-signing key (PKCS#8 PEM, EC P-256). In development a missing key is
 * generated and written with mode 0600, so `npm start` works on a fresh clone; in production it must
 * exist, because every instance has to sign and verify with the same key.
 */
export function loadTokenSigningKey(file: string, options: { mayCreate: boolean }): string {
  if (!existsSync(file)) {
    if (!options.mayCreate) throw new ConfigurationError('KETENPOORT_TOKEN_KEY', `${file} does not exist`);
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  }
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigurationError('KETENPOORT_TOKEN_KEY', `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

/**
 * OIN (organisatie-identificatienummer) rules of the OIN-stelsel: 20 digits; the prefix
 * `00000099` marks a test OIN, which production refuses.
 */

const OIN_PATTERN = /^[0-9]{20}$/;

/** Prefix of test OINs. */
export const TEST_OIN_PREFIX = '00000099';

/** True when `value` is 20 digits. */
export function isValidOin(value: string): boolean {
  return OIN_PATTERN.test(value);
}

/** True for a test OIN (prefix 00000099). */
export function isTestOin(oin: string): boolean {
  return oin.startsWith(TEST_OIN_PREFIX);
}

/**
 * The `serialNumber` attribute from a subject DN as Node's `X509Certificate.subject` prints it
 * (one `key=value` per line); undefined when absent.
 */
export function oinFromSubject(subject: string): string | undefined {
  for (const line of subject.split('\n')) {
    if (line.startsWith('serialNumber=')) return line.slice('serialNumber='.length);
  }
  return undefined;
}

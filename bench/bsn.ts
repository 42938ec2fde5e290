/**
 * Test BSNs for the benchmarks: valid (elfproef) and reproducible, so a run can seed a register
 * and later look up exactly the numbers it put there, without keeping a list.
 */

/** A valid BSN from a number (its first eight digits), completing the elfproef with the ninth; undefined when no ninth digit fits. */
export function bsnFrom(n: number): string | undefined {
  const digits = String(n).padStart(8, '0');
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number(digits[i]) * (9 - i);
  const last = sum % 11;
  return last === 10 ? undefined : digits + last;
}

/** `count` valid BSNs in increasing order, from the first eight digits `from` on. */
export function validBsns(from: number, count: number): string[] {
  const bsns: string[] = [];
  for (let n = from; bsns.length < count; n++) {
    const bsn = bsnFrom(n);
    if (bsn) bsns.push(bsn);
  }
  return bsns;
}

/** Where the seeded register starts: every valid BSN from here on is opted out (see `seed-register.ts`). */
export const REGISTER_FROM = 10_000_000;
/** Where BSNs that are never in the register start (look-ups that miss, deliveries that are not suppressed). */
export const UNREGISTERED_FROM = 90_000_000;

/** `count` valid BSNs from `from` on, one at a time (a million-line file needs no million-string array). */
export function* bsnSequence(from: number, count: number): Generator<string> {
  for (let n = from, made = 0; made < count; n++) {
    const bsn = bsnFrom(n);
    if (bsn) {
      made++;
      yield bsn;
    }
  }
}

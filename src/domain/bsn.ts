/**
 * Burgerservicenummer rules: nine digits passing the elfproef
 * (9·d1 + 8·d2 + … + 2·d8 − 1·d9 ≡ 0 mod 11), and not all zeros.
 */
export function isValidBsn(value: string): boolean {
  if (value.length !== 9) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) {
    const digit = value.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return false;
    sum += i === 8 ? -digit : digit * (9 - i);
  }
  return sum % 11 === 0 && value !== '000000000';
}

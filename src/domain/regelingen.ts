/**
 * The codelist of regelingen (benefits and provisions) an aanwijzing can be about. Codes are stable
 * UPPER_SNAKE identifiers; the name is what a case worker reads.
 */
export const REGELINGEN = {
  ALGEMENE_BIJSTAND: 'Algemene bijstand (Participatiewet)',
  BIJZONDERE_BIJSTAND: 'Bijzondere bijstand (Participatiewet)',
  INDIVIDUELE_INKOMENSTOESLAG: 'Individuele inkomenstoeslag (Participatiewet)',
  KWIJTSCHELDING_GEMEENTELIJKE_BELASTINGEN: 'Kwijtschelding gemeentelijke belastingen',
  AIO: 'Aanvullende inkomensvoorziening ouderen (SVB)',
  TOESLAGENWET: 'Toeslag op een uitkering (Toeslagenwet, UWV)',
} as const;

/** A code of the built-in regelingen codelist. */
export type RegelingCode = keyof typeof REGELINGEN;

/** True when `code` is in the built-in codelist. */
export function isRegeling(code: string): code is RegelingCode {
  return Object.hasOwn(REGELINGEN, code);
}

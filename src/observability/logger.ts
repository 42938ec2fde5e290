import pino, { type DestinationStream, type Logger } from 'pino';
import { isValidBsn } from '../domain/bsn.js';

/** Text put in place of anything secret or personal. */
export const REDACTED = '[verborgen]';

/**
 * Fields never written as they are, at the top or one level down. No deeper wildcards: pino's
 * redaction walks every object for those on every line (measured: ~5 % of a cheap request), and
 * the scrubber below catches tokens and BSNs wherever they are.
 */
const REDACT_PATHS = [
  'authorization', '*.authorization',
  'access_token', '*.access_token', 'client_assertion', '*.client_assertion', 'token', '*.token',
  'burgerservicenummer', '*.burgerservicenummer', 'bsn', '*.bsn',
];

const JWT_LIKE = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;
const NINE_DIGITS = /(?<![0-9])[0-9]{9}(?![0-9])/g;

/**
 * The last line of defence, applied to every serialised log line: anything shaped like a JWT and
 * every nine-digit number that passes the elfproef (a possible BSN) is replaced. Field redaction
 * above catches the known places; this catches the unknown ones (an error message quoting input).
 */
export function scrubLogLine(line: string): string {
  return line
    .replace(JWT_LIKE, REDACTED)
    .replace(NINE_DIGITS, (digits) => (isValidBsn(digits) ? REDACTED : digits));
}

/** The gateway's pino logger: JSON lines, redacted and scrubbed. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino({
    level,
    base: { service: 'ketenpoort' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT_PATHS, censor: REDACTED },
    hooks: { streamWrite: scrubLogLine },
  }, destination);
}

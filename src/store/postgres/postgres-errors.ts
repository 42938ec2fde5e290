import pg from 'pg';
import { KetenpoortError, ServiceUnavailableError } from '../../errors.js';

/** Node socket codes meaning the database cannot be reached (refused, reset, timed out, no such host). */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/**
 * SQLSTATEs meaning the server is going or not yet there: admin_shutdown (a fast shutdown or a
 * failover), crash_shutdown, cannot_connect_now (starting up) and too_many_connections. Class 08
 * (connection exceptions) is matched by its prefix.
 */
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '53300']);

/** SQLSTATEs after which running the whole transaction again is correct: serialization failure, deadlock. */
const RETRY_STATES = new Set(['40001', '40P01']);

/**
 * Unique constraints a concurrent instance can win on although the transaction checked first (the
 * check ran before the other committed): running the transaction again finds the winner's row.
 */
const RETRY_CONSTRAINTS = new Set(['aanwijzing_kenmerk_uniek', 'opt_out_actief', 'aanlevering_digest_uniek']);

/**
 * Errors raised by the connection rather than by a statement: pg throws these without a SQLSTATE
 * ("Connection terminated unexpectedly", "Client has encountered a connection error", a connect
 * timeout). The query wrapper and the pool calls mark them here, so an ordinary bug in our own
 * code (a TypeError, also without a code) is never mistaken for an outage.
 */
const connectionFailures = new WeakSet<object>();

/** Marks an error thrown by `pool.connect()` or `client.query()` when it came from the connection. */
export function markIfConnectionFailure(error: unknown): unknown {
  if (typeof error === 'object' && error !== null && !(error instanceof pg.DatabaseError) && !(error instanceof KetenpoortError)) {
    connectionFailures.add(error);
  }
  return error;
}

/** True when the error means the database does not answer (now): the caller gets a 503. */
export function isUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  if (connectionFailures.has(error)) return true;
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string') return false;
  return SOCKET_CODES.has(code) || UNAVAILABLE_STATES.has(code) || (error instanceof pg.DatabaseError && code.startsWith('08'));
}

/** True when the transaction may simply run again (and will then see what the other instance committed). */
export function isRetryable(error: unknown): boolean {
  if (!(error instanceof pg.DatabaseError)) return false;
  if (error.code !== undefined && RETRY_STATES.has(error.code)) return true;
  return error.code === '23505' && error.constraint !== undefined && RETRY_CONSTRAINTS.has(error.constraint);
}

/** The one translation at the store boundary: an outage becomes a 503; everything else passes unchanged. */
export function translate(error: unknown): unknown {
  return isUnavailable(error) ? new ServiceUnavailableError('The database does not answer.', 5, error) : error;
}

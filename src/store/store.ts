/**
 * The one storage interface of the gateway. Everything outside `src/store` talks to this and knows
 * no SQL. Implementations: the embedded SQLite store (default) and, later, PostgreSQL. Methods are
 * async so both engines fit behind it; multi-instance correctness comes from the database (unique
 * keys, transactions), never from memory.
 */
export interface Store {
  /** Which engine this is, for health output and metrics. */
  readonly engine: 'sqlite' | 'postgres';

  /** Resolves when the database answers a trivial query; rejects with `ServiceUnavailableError` otherwise. */
  ping(): Promise<void>;

  /**
   * Records that a client assertion with this (issuer, jti) was used. Returns false when it had
   * been used before (a replay); atomic across instances because of a unique key.
   */
  consumeAssertionId(issuer: string, jti: string, expiresAt: Date): Promise<boolean>;

  /** Deletes used assertion ids that have expired; returns how many. */
  purgeExpiredAssertionIds(now: Date): Promise<number>;

  /** Closes connections; the store is unusable afterwards. */
  close(): Promise<void>;
}

import { setTimeout as sleep } from 'node:timers/promises';
import type { RetryClass } from './operation-routes.js';

/** How often and how patiently the SDK tries again. */
export interface RetryOptions {
  /** Attempts after the first (default 3; 0 = never retry). */
  retries?: number;
  /** Delay before the first retry in ms; doubles each time, with jitter (default 250). */
  baseDelayMs?: number;
  /** Longest delay between attempts in ms, also for a `Retry-After` (default 10,000). */
  maxDelayMs?: number;
}

/** Statuses that mean "the gateway could not handle it now": 503 (store unavailable) and gateway/proxy failures. */
const RETRYABLE_STATUSES = new Set([502, 503, 504]);

/**
 * The retry rules: only {@link RetryClass} `safe` and `idempotent` operations are repeated after a
 * 502/503/504, honouring `Retry-After`; a 4xx is never repeated (the same request would be refused
 * again, or, for 429, the caller decides when to come back).
 */
export class RetryPolicy {
  readonly retries: number;
  readonly #base: number;
  readonly #max: number;

  constructor(options: RetryOptions = {}) {
    this.retries = Math.max(0, Math.floor(options.retries ?? 3));
    this.#base = Math.max(0, options.baseDelayMs ?? 250);
    this.#max = Math.max(0, options.maxDelayMs ?? 10_000);
  }

  /** Whether an answer with this status may be retried for this operation. */
  retryableStatus(status: number, retry: RetryClass): boolean {
    return retry !== 'never' && RETRYABLE_STATUSES.has(status);
  }

  /**
   * The delay before retry number `attempt` (1 = the first retry): `Retry-After` when the gateway
   * gave one, else exponential backoff with full jitter; never more than `maxDelayMs`.
   */
  delayMs(attempt: number, retryAfterSeconds?: number): number {
    if (retryAfterSeconds !== undefined) return Math.min(this.#max, retryAfterSeconds * 1000);
    const ceiling = Math.min(this.#max, this.#base * 2 ** (attempt - 1));
    return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
  }

  /** Waits `ms`, or less if `signal` aborts (then it rejects with the abort reason). */
  async wait(ms: number, signal?: AbortSignal): Promise<void> {
    if (ms > 0) await sleep(ms, undefined, signal ? { signal } : undefined);
  }
}

/** `Retry-After` in seconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3); undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now: number): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text.trim() === '') return undefined;
  if (/^\d+$/.test(text.trim())) return Number(text.trim());
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

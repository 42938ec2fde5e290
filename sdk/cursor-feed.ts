import { setTimeout as sleep } from 'node:timers/promises';
import { isAbort } from './connection-errors.js';

/** One page of a feed. */
export interface FeedPage<T> {
  readonly items: readonly T[];
  /** The cursor after this page: pass it as `na` to continue. */
  readonly volgende: string;
  /** The page's ETag, where the feed has one (opt-out changes). */
  readonly etag?: string | undefined;
}

/** Fetches the page after `na`; `'not-modified'` for a 304 on `etag`. */
export type PageFetcher<T> = (na: string | undefined, etag: string | undefined, signal: AbortSignal | undefined) =>
  Promise<FeedPage<T> | 'not-modified'>;

/** Where a feed starts and whether it keeps going. */
export interface FeedOptions {
  /** Resume after this cursor (a `cursor` you saved); absent = from the beginning. */
  na?: string;
  /** Keep following once caught up (until `signal` aborts) instead of ending at the first empty page. */
  follow?: boolean;
  /** With `follow`: pause this long after an empty page (ms). */
  pollIntervalMs?: number;
  /** Ends the iteration (quietly) when aborted, also during a request or a pause. */
  signal?: AbortSignal;
}

/**
 * A feed that follows the `volgende` cursor: iterate it for the items (or {@link pages} for whole
 * pages). It ends at the first empty page unless it was asked to `follow`.
 *
 * {@link cursor} is the position after the last page you were handed completely: it moves when the
 * last item of a page is handed out (or the page, with {@link pages}). Save it *after* handling an
 * item and pass it as `na` after a restart: you go on where you were, and at most the items of an
 * unfinished page come again, so handle an item twice harmlessly.
 *
 * @example
 * const feed = client.aanwijzingenFeed({ na: await load() });
 * for await (const aanwijzing of feed) {
 *   await handle(aanwijzing);
 *   await save(feed.cursor);
 * }
 */
export class CursorFeed<T> implements AsyncIterable<T> {
  #cursor: string | undefined;
  #etag: string | undefined;

  constructor(private readonly fetchPage: PageFetcher<T>, private readonly options: FeedOptions & { etag?: string } = {}) {
    this.#cursor = options.na;
    this.#etag = options.etag;
  }

  /** The cursor to save (undefined until a first page was handed out completely, when not resumed). */
  get cursor(): string | undefined {
    return this.#cursor;
  }

  /** The last ETag seen (opt-out changes); sent as `If-None-Match`, so an unchanged feed costs a 304. */
  get etag(): string | undefined {
    return this.#etag;
  }

  /** The pages, each non-empty; {@link cursor} is the page's `volgende` once it is handed out. */
  async *pages(): AsyncGenerator<FeedPage<T>, void, undefined> {
    for await (const page of this.#pages()) {
      this.#cursor = page.volgende;
      yield page;
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for await (const page of this.#pages()) {
      const last = page.items.length - 1;
      for (const [index, item] of page.items.entries()) {
        if (index === last) this.#cursor = page.volgende;
        yield item;
      }
    }
  }

  /** Non-empty pages after the cursor; empty pages (and 304s) end the feed or, with `follow`, pause it. */
  async *#pages(): AsyncGenerator<FeedPage<T>, void, undefined> {
    const { signal, follow = false, pollIntervalMs = 5000 } = this.options;
    while (!signal?.aborted) {
      let page: FeedPage<T> | 'not-modified';
      try {
        page = await this.fetchPage(this.#cursor, this.#etag, signal);
      } catch (error) {
        if (signal?.aborted && isAbortLike(error)) return;
        throw error;
      }
      if (page !== 'not-modified') this.#etag = page.etag ?? this.#etag;
      if (page === 'not-modified' || page.items.length === 0) {
        // Nothing to hand out, so an empty page's cursor can be taken at once.
        if (page !== 'not-modified') this.#cursor = page.volgende;
        if (!follow) return;
        if (!(await pause(pollIntervalMs, signal))) return;
        continue;
      }
      yield page;
    }
  }
}

/** Waits; false when aborted meanwhile. */
async function pause(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  if (ms <= 0) return !signal?.aborted;
  try {
    await sleep(ms, undefined, signal ? { signal } : undefined);
    return true;
  } catch (error) {
    if (isAbort(error)) return false;
    throw error;
  }
}

function isAbortLike(error: unknown): boolean {
  return isAbort(error) || (typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'aborted');
}

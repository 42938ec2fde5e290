import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { BodyDigest } from '../src/security/payload-digest.js';

/**
 * Writes an NDJSON file line by line, in chunks of 5,000 lines, computing its `Digest` on the way:
 * a sender never holds a monthly file in memory, and neither does a benchmark.
 */
export class NdjsonWriter {
  readonly #out: WriteStream;
  readonly #digest = new BodyDigest();
  #chunk: string[] = [];
  #bytes = 0;

  constructor(file: string) {
    this.#out = createWriteStream(file);
  }

  /** Adds a line (without its line break); waits when the disk is behind. */
  async line(text: string): Promise<void> {
    this.#chunk.push(text);
    if (this.#chunk.length === 5_000) await this.#flush();
  }

  /** Ends the file; returns its size and `Digest` header value. */
  async close(): Promise<{ bytes: number; digest: string }> {
    if (this.#chunk.length > 0) await this.#flush();
    this.#out.end();
    await once(this.#out, 'finish');
    return { bytes: this.#bytes, digest: this.#digest.digestHeader() };
  }

  async #flush(): Promise<void> {
    const data = Buffer.from(`${this.#chunk.join('\n')}\n`);
    this.#chunk = [];
    this.#digest.update(data);
    this.#bytes += data.length;
    if (!this.#out.write(data)) await once(this.#out, 'drain');
  }
}

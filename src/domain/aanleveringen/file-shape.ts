/**
 * What the gateway learns about a file while it streams in, without keeping it: the first line (for
 * the CSV header, at most `maxFirstLine` bytes) and whether there is any content at all, and any
 * after the first line. Enough to refuse an empty file or a CSV with only a header at once.
 */
export class FileShape {
  #first: Buffer[] = [];
  #firstBytes = 0;
  #firstDone = false;
  #content = false;
  #contentAfterFirst = false;

  constructor(private readonly maxFirstLine = 64 * 1024) {}

  update(chunk: Buffer): void {
    let rest = chunk;
    if (!this.#firstDone) {
      const newline = chunk.indexOf(0x0a);
      const piece = newline === -1 ? chunk : chunk.subarray(0, newline);
      if (this.#firstBytes < this.maxFirstLine) {
        const room = piece.subarray(0, this.maxFirstLine - this.#firstBytes);
        this.#first.push(Buffer.from(room));
        this.#firstBytes += room.length;
      }
      if (!this.#content && hasNonSpace(piece)) this.#content = true;
      if (newline === -1) return;
      this.#firstDone = true;
      rest = chunk.subarray(newline + 1);
    }
    if (!this.#contentAfterFirst && hasNonSpace(rest)) {
      this.#contentAfterFirst = true;
      this.#content = true;
    }
  }

  /** The first line (without `\r`), as far as kept. */
  get firstLine(): string {
    return Buffer.concat(this.#first).toString('utf8').replace(/\r$/, '');
  }

  get hasContent(): boolean {
    return this.#content;
  }

  get hasContentAfterFirstLine(): boolean {
    return this.#contentAfterFirst;
  }
}

function hasNonSpace(bytes: Buffer): boolean {
  for (const b of bytes) if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) return true;
  return false;
}

/** One line of a delivered file, with where it ends so processing can resume right after it. */
export interface FileLine {
  /** 1-based line number in the file. */
  readonly regel: number;
  /** Byte offset just after the line and its line break: the checkpoint once this line is done. */
  readonly end: number;
  /** The line's bytes without the line break (`\n` or `\r\n`); absent when the line is too long. */
  readonly bytes?: Buffer;
  /** The line exceeded the maximum: its bytes were skipped, not kept in memory. */
  readonly tooLong: boolean;
}

/**
 * Splits a byte stream into lines without ever holding more than one line (at most `maxLineBytes`)
 * plus one chunk in memory: a 10 MB line is skipped as too long, not buffered.
 *
 * @param options.offset byte offset of the stream's first byte in the file (when resuming)
 * @param options.firstLine number of the line that starts at `offset`
 */
export async function* fileLines(chunks: AsyncIterable<Buffer>, options: { offset: number; firstLine: number; maxLineBytes: number }): AsyncGenerator<FileLine> {
  let position = options.offset;
  let regel = options.firstLine;
  let parts: Buffer[] = [];
  let partBytes = 0;
  let tooLong = false;
  const finishLine = (end: number): FileLine => {
    let bytes = tooLong ? undefined : (parts.length === 1 ? parts[0]! : Buffer.concat(parts, partBytes));
    if (bytes && bytes.length > 0 && bytes[bytes.length - 1] === 0x0d) bytes = bytes.subarray(0, bytes.length - 1);
    const line: FileLine = { regel, end, tooLong, ...(bytes ? { bytes } : {}) };
    parts = [];
    partBytes = 0;
    tooLong = false;
    regel += 1;
    return line;
  };
  const keep = (piece: Buffer) => {
    if (tooLong) return;
    if (partBytes + piece.length > options.maxLineBytes + 1) { // + 1: room for a `\r` before the `\n`
      tooLong = true;
      parts = [];
      partBytes = 0;
      return;
    }
    if (piece.length > 0) {
      parts.push(piece);
      partBytes += piece.length;
    }
  };
  for await (const chunk of chunks) {
    let start = 0;
    for (let newline = chunk.indexOf(0x0a, start); newline !== -1; newline = chunk.indexOf(0x0a, start)) {
      keep(chunk.subarray(start, newline));
      yield finishLine(position + newline + 1);
      start = newline + 1;
    }
    keep(chunk.subarray(start));
    position += chunk.length;
  }
  if (partBytes > 0 || tooLong) yield finishLine(position);
}

import { createReadStream, type ReadStream } from 'node:fs';
import { access, mkdir, open, readdir, rename, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { v7 as uuidv7 } from 'uuid';

/** A file being received: written to a `.part` file, made durable and named only when complete. */
export interface SpoolWriter {
  /** Takes the next chunk; it is kept (not copied) until written, so the caller must not change it. */
  write(chunk: Buffer): Promise<void>;
  /** Flushes to disk and gives the file its final name (the aanlevering id). */
  commit(id: string): Promise<void>;
  /** Removes what was written (the upload failed or was refused). */
  abort(): Promise<void>;
}

/**
 * An upload arrives in chunks of a TLS record or so (~16 KB); they are gathered up to this many
 * bytes and written with one call, instead of a write — a round trip to libuv's thread pool,
 * awaited before the next chunk is read — per chunk.
 */
export const SPOOL_WRITE_BYTES = 1024 * 1024;

/**
 * Where uploaded files wait until every line is processed. Only complete, verified files get a
 * name without `.part`; files without an aanlevering are removed at start-up.
 */
export class FileSpool {
  constructor(private readonly dir: string) {}

  async create(): Promise<SpoolWriter> {
    await mkdir(this.dir, { recursive: true });
    const part = path.join(this.dir, `${uuidv7()}.part`);
    const handle: FileHandle = await open(part, 'wx');
    let closed = false;
    const close = async () => {
      if (!closed) {
        closed = true;
        await handle.close();
      }
    };
    // The chunks are the request's own buffers, never reused by the socket: keeping them until the
    // gathered write costs no copy.
    let gathered: Buffer[] = [];
    let gatheredBytes = 0;
    const flush = async () => {
      if (gathered.length === 0) return;
      const [buffers, bytes] = [gathered, gatheredBytes];
      gathered = [];
      gatheredBytes = 0;
      // libuv continues after a partial write, and reports what it wrote when the disk then refuses
      // (full): a short count is that refusal, and the upload must fail rather than spool a short file.
      const { bytesWritten } = await handle.writev(buffers);
      if (bytesWritten !== bytes) throw new Error(`the spool took ${bytesWritten} of ${bytes} bytes (disk full?)`);
    };
    return {
      write: async (chunk) => {
        gathered.push(chunk);
        gatheredBytes += chunk.length;
        if (gatheredBytes >= SPOOL_WRITE_BYTES) await flush();
      },
      commit: async (id) => {
        await flush();
        await handle.sync(); // survives a crash of the machine, not only of the process
        await close();
        await rename(part, this.#file(id));
      },
      abort: async () => {
        await close();
        await rm(part, { force: true });
      },
    };
  }

  /** The file of an aanlevering from a byte offset (resuming). */
  open(id: string, offset: number): ReadStream {
    return createReadStream(this.#file(id), { start: offset, highWaterMark: 256 * 1024 });
  }

  /** The path of an aanlevering's file (for a reader in another thread). */
  pathOf(id: string): string {
    return this.#file(id);
  }

  /** Whether this spool holds the file of aanlevering `id` (another instance's files are in its own spool). */
  async has(id: string): Promise<boolean> {
    return access(this.#file(id)).then(() => true, () => false);
  }

  async remove(id: string): Promise<void> {
    await rm(this.#file(id), { force: true });
  }

  /** Removes `.part` files (uploads cut off by a stop) and files of aanleveringen not in `keep`. */
  async clean(keep: ReadonlySet<string>): Promise<number> {
    let removed = 0;
    for (const name of await readdir(this.dir).catch(() => [] as string[])) {
      if (name.endsWith('.part') || !keep.has(name)) {
        await rm(path.join(this.dir, name), { force: true });
        removed += 1;
      }
    }
    return removed;
  }

  #file(id: string): string {
    if (!/^[0-9a-f-]{36}$/.test(id)) throw new RangeError('not an aanlevering id');
    return path.join(this.dir, id);
  }
}

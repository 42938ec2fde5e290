import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { BodyDigest } from '../src/security/payload-digest.js';
import type { Aanlevering } from './contract-types.js';
import { KetenpoortSdkError } from './sdk-error.js';

/** The file formats `POST /v1/aanleveringen` takes, by their media type. */
export const FILE_TYPES = { ndjson: 'application/x-ndjson', csv: 'text/csv' } as const;

/** A file format: `ndjson` (one delivery body per line) or `csv` (the columns of the contract). */
export type FileFormat = keyof typeof FILE_TYPES;

/**
 * Where a file upload is: `digest` (reading the file once to sign its digest), `upload` (sending
 * it), `processing` (the gateway works through the lines; `aanlevering` holds the counts so far).
 */
export interface UploadProgress {
  readonly phase: 'digest' | 'upload' | 'processing';
  /** Bytes read (digest) or sent (upload) so far. */
  readonly bytes: number;
  readonly totalBytes: number;
  /** Line ends read or sent so far. */
  readonly lines: number;
  /** In the `processing` phase: the aanlevering as last reported. */
  readonly aanlevering?: Aanlevering;
}

/** Options of {@link KetenpoortClient.verstuurBestand}. */
export interface FileUploadOptions {
  /** The format; default by extension: `.csv` is CSV, `.ndjson` and `.jsonl` are NDJSON. */
  formaat?: FileFormat;
  /** The name recorded with the aanlevering; default the file's base name. */
  bestandsnaam?: string;
  /** Called as the file is read, sent and processed (at most every 64 KiB read, and on every poll). */
  onProgress?: (progress: UploadProgress) => void;
  /** Wait until the gateway has processed every line (default true); false returns the accepted upload. */
  wachtOpVerwerking?: boolean;
  /** How often to ask for the report while waiting (ms, default 1,000). */
  pollIntervalMs?: number;
}

/** A file on disk that is about to be sent: its size and format, known before the first byte goes. */
export interface FileToSend {
  readonly path: string;
  readonly size: number;
  readonly formaat: FileFormat;
  readonly bestandsnaam: string;
}

/**
 * Checks that `file` is a regular file and works out its format.
 * @throws KetenpoortSdkError `file-unreadable` or `option-invalid` (format unknown)
 */
export async function describeFile(file: string, options: Pick<FileUploadOptions, 'formaat' | 'bestandsnaam'>): Promise<FileToSend> {
  let size: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw Object.assign(new Error(`${file} is not a regular file`), { code: 'EISDIR' });
    size = info.size;
  } catch (error) {
    throw new KetenpoortSdkError({ code: 'file-unreadable', title: 'File unreadable', detail: `${file} cannot be read: ${reason(error)}.`, cause: error });
  }
  const formaat = options.formaat ?? formatOf(file);
  if (formaat === undefined) {
    throw new KetenpoortSdkError({ code: 'option-invalid', title: 'Invalid client option',
      detail: `The format of ${path.basename(file)} is not known from its extension: name it .csv or .ndjson, or pass formaat.` });
  }
  return { path: file, size, formaat, bestandsnaam: options.bestandsnaam ?? path.basename(file) };
}

/** Reads the file once and returns its `Digest` header value (`SHA-256=<base64>`). */
export async function digestFile(file: FileToSend, onProgress?: (progress: UploadProgress) => void): Promise<string> {
  const digest = new BodyDigest();
  const counter = new ProgressCounter('digest', file.size, onProgress);
  try {
    for await (const chunk of createReadStream(file.path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
      digest.update(chunk);
      counter.add(chunk);
    }
  } catch (error) {
    throw new KetenpoortSdkError({ code: 'file-unreadable', title: 'File unreadable', detail: `${file.path} cannot be read: ${reason(error)}.`, cause: error });
  }
  counter.done();
  return digest.digestHeader();
}

/** The file as a stream to send, counting bytes and lines for `onProgress`. */
export function uploadStream(file: FileToSend, onProgress?: (progress: UploadProgress) => void): Readable {
  const counter = new ProgressCounter('upload', file.size, onProgress);
  const counting = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      counter.add(chunk);
      callback(null, chunk);
    },
    flush(callback) {
      counter.done();
      callback();
    },
  });
  const source = createReadStream(file.path, { highWaterMark: 1 << 20 });
  source.on('error', (error) => counting.destroy(error));
  return source.pipe(counting);
}

/** Counts bytes and line ends and reports them at most every 64 KiB. */
class ProgressCounter {
  #bytes = 0;
  #lines = 0;
  #reported = 0;

  constructor(private readonly phase: 'digest' | 'upload', private readonly totalBytes: number,
    private readonly onProgress: ((progress: UploadProgress) => void) | undefined) {}

  add(chunk: Buffer): void {
    if (!this.onProgress) return;
    this.#bytes += chunk.length;
    for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) this.#lines++;
    if (this.#bytes - this.#reported >= 65_536) this.#report();
  }

  done(): void {
    if (this.onProgress) this.#report();
  }

  #report(): void {
    this.#reported = this.#bytes;
    this.onProgress!({ phase: this.phase, bytes: this.#bytes, totalBytes: this.totalBytes, lines: this.#lines });
  }
}

function formatOf(file: string): FileFormat | undefined {
  const extension = path.extname(file).toLowerCase();
  if (extension === '.csv') return 'csv';
  if (extension === '.ndjson' || extension === '.jsonl') return 'ndjson';
  return undefined;
}

function reason(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory, not a file';
  return typeof code === 'string' ? code : 'read error';
}

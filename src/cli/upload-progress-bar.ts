import { SingleBar } from 'cli-progress';
import type { UploadProgress } from '../../sdk/index.js';

const PHASE_LABEL: Record<UploadProgress['phase'], string> = {
  digest: 'signing   ',
  upload: 'sending   ',
  processing: 'processing',
};

/**
 * Shows a file upload's progress on stderr: on a terminal a bar per phase (bytes read to sign,
 * bytes sent, lines processed) with the lines counted so far; elsewhere (a log, CI) one plain line
 * when each phase ends, so redirected output stays readable.
 */
export class UploadProgressBar {
  readonly #stream: NodeJS.WriteStream;
  readonly #tty: boolean;
  #bar: SingleBar | undefined;
  #phase: UploadProgress['phase'] | undefined;
  #last: UploadProgress | undefined;
  /** Lines counted while sending: the total the processing bar runs to. */
  #linesSent = 0;

  constructor(stream: NodeJS.WriteStream = process.stderr) {
    this.#stream = stream;
    this.#tty = stream.isTTY === true;
  }

  /** Pass as `onProgress` of `verstuurBestand`. */
  readonly update = (progress: UploadProgress): void => {
    if (progress.phase !== this.#phase) this.#startPhase(progress);
    this.#last = progress;
    if (progress.phase === 'upload') this.#linesSent = progress.lines;
    if (!this.#bar) return;
    if (progress.phase === 'processing') {
      const done = progress.aanlevering?.aantallen.totaal ?? 0;
      this.#bar.setTotal(Math.max(this.#linesSent, done, 1));
      this.#bar.update(done, { detail: `${done.toLocaleString('en')} of ~${this.#linesSent.toLocaleString('en')} lines` });
    } else {
      this.#bar.update(progress.bytes, { detail: `${megabytes(progress.bytes)} of ${megabytes(progress.totalBytes)}, ${progress.lines.toLocaleString('en')} lines` });
    }
  };

  /** Ends the last phase (call in `finally`). */
  stop(): void {
    this.#endPhase();
  }

  #startPhase(progress: UploadProgress): void {
    this.#endPhase();
    this.#phase = progress.phase;
    if (!this.#tty) return;
    this.#bar = new SingleBar({
      stream: this.#stream,
      format: `${PHASE_LABEL[progress.phase]} |{bar}| {percentage}% | {detail}`,
      barCompleteChar: '\u2588', barIncompleteChar: '\u2591', hideCursor: true, clearOnComplete: false,
      etaBuffer: 50,
    });
    this.#bar.start(progress.phase === 'processing' ? Math.max(this.#linesSent, 1) : Math.max(progress.totalBytes, 1), 0, { detail: '' });
  }

  #endPhase(): void {
    if (this.#bar) {
      this.#bar.stop();
      this.#bar = undefined;
    } else if (this.#phase && this.#last && this.#phase !== 'processing') {
      const verb = this.#phase === 'digest' ? 'signed' : 'sent';
      this.#stream.write(`${verb} ${megabytes(this.#last.bytes)}, ${this.#last.lines.toLocaleString('en')} lines\n`);
    }
    this.#phase = undefined;
  }
}

function megabytes(bytes: number): string {
  return bytes < 1_000_000 ? `${(bytes / 1000).toFixed(1)} kB` : `${(bytes / 1_000_000).toFixed(1)} MB`;
}

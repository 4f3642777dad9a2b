/**
 * Shows an ingest's progress: a bar redrawn in place on a terminal, one plain line a photo
 * otherwise (a log file or a pipe should not fill with carriage returns).
 */
import type { IngestProgress, PhotoOutcome } from './ingest-photos.ts';

export interface ProgressReporter {
  uploaded(progress: IngestProgress): void;
  finished(outcome: PhotoOutcome, progress: IngestProgress): void;
  /** Clears the bar so that what follows starts on a clean line. */
  end(): void;
}

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

const BAR_WIDTH = 20;
const REDRAW_EVERY_MS = 100;

export function createProgressReporter(stream: ProgressStream): ProgressReporter {
  return stream.isTTY ? new ProgressBar(stream) : new ProgressLines(stream);
}

export function describeOutcome(
  outcome: Pick<PhotoOutcome, 'status' | 'reason' | 'reasonMessage' | 'faceCount'>,
): string {
  switch (outcome.status) {
    case 'DONE':
      return `${outcome.faceCount ?? 0} face${outcome.faceCount === 1 ? '' : 's'}`;
    case 'FAILED':
      return `${outcome.reason ?? 'UNKNOWN'}: ${outcome.reasonMessage ?? ''}`.trim();
    case 'UNFINISHED':
      return 'no final status (see the stack log and dead-letters.jsonl)';
    default:
      return '';
  }
}

function counter(progress: IngestProgress): string {
  const width = String(progress.total).length;
  return `${String(progress.finished).padStart(width)}/${progress.total}`;
}

class ProgressLines implements ProgressReporter {
  constructor(private readonly stream: ProgressStream) {}

  uploaded(): void {}

  finished(outcome: PhotoOutcome, progress: IngestProgress): void {
    const status = outcome.status.padEnd(10);
    const detail = describeOutcome(outcome);
    this.stream.write(`[${counter(progress)}] ${status} ${outcome.name}  ${detail}`.trimEnd());
    this.stream.write('\n');
  }

  end(): void {}
}

class ProgressBar implements ProgressReporter {
  private readonly startedAt = performance.now();
  private lastDrawnAt = 0;
  private drawn = false;

  constructor(private readonly stream: ProgressStream) {}

  uploaded(progress: IngestProgress): void {
    this.draw(progress, progress.uploaded === progress.total);
  }

  finished(outcome: PhotoOutcome, progress: IngestProgress): void {
    if (outcome.status === 'FAILED' || outcome.status === 'UNFINISHED') {
      // Failures stay on screen above the bar.
      this.clear();
      this.stream.write(`${outcome.status} ${outcome.name}  ${describeOutcome(outcome)}\n`);
    }
    this.draw(progress, progress.finished === progress.total);
  }

  end(): void {
    this.clear();
  }

  private clear(): void {
    if (this.drawn) this.stream.write('\r\x1b[2K');
    this.drawn = false;
  }

  private draw(progress: IngestProgress, force: boolean): void {
    const now = performance.now();
    if (!force && now - this.lastDrawnAt < REDRAW_EVERY_MS) return;
    this.lastDrawnAt = now;
    const share = progress.total === 0 ? 1 : progress.finished / progress.total;
    const filled = Math.round(share * BAR_WIDTH);
    const seconds = (now - this.startedAt) / 1000;
    const rate = seconds > 0 ? (progress.finished / seconds).toFixed(1) : '0.0';
    const uploading =
      progress.uploaded < progress.total
        ? `  uploading ${progress.uploaded}/${progress.total}`
        : '';
    const line =
      `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${counter(progress)}${uploading}` +
      `  faces ${progress.faces}  no faces ${progress.noFaces}  failed ${progress.failed}` +
      `  ${rate} photos/s`;
    // A terminal of unknown size reports 0 columns.
    const columns = this.stream.columns || 100;
    this.stream.write(`\r\x1b[2K${line.slice(0, columns - 1)}`);
    this.drawn = true;
  }
}

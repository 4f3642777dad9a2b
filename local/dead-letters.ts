/**
 * Events the runner gave up on, as Lambda's on-failure destination would hold them: kept in
 * memory and appended, one JSON object a line, to a file in the data folder.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { S3EventRecord } from 'aws-lambda';

export interface DeadLetter {
  record: S3EventRecord;
  attempts: number;
  errorName: string;
  errorMessage: string;
  droppedAt: string;
}

export class DeadLetters {
  readonly #entries: DeadLetter[] = [];
  readonly #file: string | undefined;

  /** @param file JSON Lines file to append to; none keeps them in memory only. */
  constructor(file?: string) {
    this.#file = file;
  }

  get entries(): readonly DeadLetter[] {
    return this.#entries;
  }

  add(entry: DeadLetter): void {
    this.#entries.push(entry);
    if (this.#file === undefined) return;
    mkdirSync(dirname(this.#file), { recursive: true });
    appendFileSync(this.#file, `${JSON.stringify(entry)}\n`);
  }
}

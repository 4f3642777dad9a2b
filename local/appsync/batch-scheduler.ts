/**
 * Batches the `BatchInvoke` calls of one GraphQL operation. A batch waits while any other data
 * source request of the operation is still under way, since finishing that request may add
 * fields to the batch (a page of people's photos, each photo wanting its URL); it leaves when
 * the operation has nothing else to wait for, or when it is full.
 */

interface PendingCall {
  payload: unknown;
  resolve(result: unknown): void;
}

interface PendingBatch {
  calls: PendingCall[];
  maxBatchSize: number;
  run(payloads: unknown[]): Promise<unknown[]>;
}

export class BatchScheduler {
  private inFlight = 0;
  private flushQueued = false;
  private readonly pending = new Map<string, PendingBatch>();

  /** Runs a data source request, keeping batches waiting until it is done. */
  async track<T>(request: () => Promise<T>): Promise<T> {
    this.inFlight += 1;
    try {
      return await request();
    } finally {
      this.inFlight -= 1;
      this.queueFlush();
    }
  }

  /**
   * Adds a call to the batch `key`; `run` serves a whole batch, answering one result per
   * payload in order, and never rejects.
   */
  enqueue<R>(
    key: string,
    maxBatchSize: number,
    payload: unknown,
    run: (payloads: unknown[]) => Promise<R[]>,
  ): Promise<R> {
    return new Promise<R>((resolve) => {
      let batch = this.pending.get(key);
      if (!batch) {
        batch = { calls: [], maxBatchSize, run: run as PendingBatch['run'] };
        this.pending.set(key, batch);
      }
      batch.calls.push({ payload, resolve: resolve as PendingCall['resolve'] });
      if (batch.calls.length >= batch.maxBatchSize) this.dispatch(key);
      else this.queueFlush();
    });
  }

  private queueFlush(): void {
    if (this.flushQueued || this.pending.size === 0) return;
    this.flushQueued = true;
    // After the current turn, so that every call the turn started is counted.
    setImmediate(() => {
      this.flushQueued = false;
      if (this.inFlight > 0) return;
      for (const key of [...this.pending.keys()]) this.dispatch(key);
    });
  }

  private dispatch(key: string): void {
    const batch = this.pending.get(key);
    if (!batch) return;
    this.pending.delete(key);
    void this.track(async () => {
      const results = await batch.run(batch.calls.map((call) => call.payload));
      batch.calls.forEach((call, index) => call.resolve(results[index]));
    });
  }
}

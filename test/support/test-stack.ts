/**
 * A running local stack for tests: fresh data folder in the temp dir, free ports, the product's
 * ingestion handler, the colour face engine unless a test asks for another, short retry delays.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStackClients, type StackClients } from '../../local/stack-clients.ts';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../local/stack.ts';
import { ColourFaceEngine } from './colour-face-engine.ts';

export interface TestStack {
  stack: LocalStack;
  clients: StackClients;
  dataDir: string;
  /** Stops the stack; the data folder stays, for a restart. */
  stop(): Promise<void>;
  /** Stops the stack and deletes its data folder. */
  close(): Promise<void>;
}

export function makeTempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'face-groups-stack-'));
}

export async function startTestStack(options: LocalStackOptions = {}): Promise<TestStack> {
  // Tests read outcomes from the tables; per-photo logs would only bury the failures.
  process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
  const dataDir = options.dataDir ?? makeTempDataDir();
  const stack = await startLocalStack({
    workers: 2,
    retryDelaysMs: [10, 20],
    createFaceEngine: async () => new ColourFaceEngine(),
    ...options,
    dataDir,
  });
  const clients = createStackClients(stack.environment);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    clients.destroy();
    await stack.close();
  };
  return {
    stack,
    clients,
    dataDir,
    stop,
    async close() {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The file through which a running local stack tells other commands where it listens. A file
 * left by a stack that died (its process is gone or its port closed) is ignored.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';

/** The data folder of commands not told otherwise, relative to the working directory. */
export const DEFAULT_DATA_DIR = '.face-groups';

export function defaultDataDir(): string {
  return resolve(DEFAULT_DATA_DIR);
}

export interface StackState {
  pid: number;
  dataDir: string;
  startedAt: string;
  dynamodbEndpoint: string;
  s3Endpoint: string;
  /** The GraphQL endpoint, once the stack serves one. */
  apiEndpoint?: string;
  /** The standard settings (endpoints, region, credentials, names) a client needs. */
  environment: Record<string, string>;
}

export function stackStatePath(dataDir: string): string {
  return join(dataDir, 'stack.json');
}

export function writeStackState(state: StackState): void {
  const path = stackStatePath(state.dataDir);
  const partial = `${path}.${state.pid}.partial`;
  writeFileSync(partial, `${JSON.stringify(state, null, 2)}\n`);
  // A reader never sees half a file.
  renameSync(partial, path);
}

/** Removes the state file if the given process wrote it. */
export function removeStackState(dataDir: string, pid: number): void {
  const state = readStackState(dataDir);
  if (state?.pid === pid) rmSync(stackStatePath(dataDir), { force: true });
}

export function readStackState(dataDir: string): StackState | undefined {
  try {
    return JSON.parse(readFileSync(stackStatePath(dataDir), 'utf8')) as StackState;
  } catch {
    return undefined;
  }
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // The process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function acceptsConnections(endpoint: string, timeoutMs = 1000): Promise<boolean> {
  const { hostname, port } = new URL(endpoint);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    const finish = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

/** The state of the stack running on this data folder, if one runs. */
export async function findRunningStack(dataDir: string): Promise<StackState | undefined> {
  const state = readStackState(dataDir);
  if (state === undefined || !isProcessAlive(state.pid)) return undefined;
  const open = await Promise.all([
    acceptsConnections(state.s3Endpoint),
    acceptsConnections(state.dynamodbEndpoint),
  ]);
  return open.every(Boolean) ? state : undefined;
}

/**
 * How a command reaches the stack's data: the stack already running on the data folder if
 * there is one, else a stack (or only the storage services) started inside this process for the
 * command's duration.
 */
import type { LocalStack, LocalStackOptions } from './stack.ts';
import { findRunningStack } from './stack-state.ts';
import { createStackClients, type StackClients } from './stack-clients.ts';

export interface StackConnection {
  clients: StackClients;
  /** The standard settings (endpoints, table and bucket names) that reach the stack's data. */
  environment: Record<string, string>;
  /** Set when this process started the stack, which ends with `close()`. */
  embedded?: LocalStack;
  /** The pid of the stack used, when another process runs it. */
  runningPid?: number;
  close(): Promise<void>;
}

/** Connects to the running stack, or starts a full one (face engine and runner included). */
export async function connectOrStartStack(
  options: LocalStackOptions & { dataDir: string },
): Promise<StackConnection> {
  const running = await findRunningStack(options.dataDir);
  if (running !== undefined) return connected(running.environment, running.pid);
  // Loaded only when needed: the stack brings the face model with it.
  const { startLocalStack } = await import('./stack.ts');
  const stack = await startLocalStack(options);
  const clients = createStackClients(stack.environment);
  return {
    clients,
    environment: stack.environment,
    embedded: stack,
    close: async () => {
      clients.destroy();
      await stack.close();
    },
  };
}

/** Connects to the running stack, or opens the stored tables and buckets for reading. */
export async function connectOrOpenData(dataDir: string): Promise<StackConnection> {
  const running = await findRunningStack(dataDir);
  if (running !== undefined) return connected(running.environment, running.pid);
  const { localEnvironment, startLocalServices } = await import('./services.ts');
  const services = await startLocalServices({ dataDir });
  const environment = localEnvironment(services);
  const clients = createStackClients(environment);
  return {
    clients,
    environment,
    close: async () => {
      clients.destroy();
      await services.close();
    },
  };
}

function connected(environment: Record<string, string>, pid: number): StackConnection {
  const clients = createStackClients(environment);
  return { clients, environment, runningPid: pid, close: async () => clients.destroy() };
}

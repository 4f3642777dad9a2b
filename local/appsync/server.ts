/**
 * The local API's endpoint on 127.0.0.1: GraphQL over HTTP (`POST /graphql`), subscriptions
 * over WebSocket at the same path (the graphql-ws protocol, `graphql-transport-ws`, not
 * AppSync's own real-time protocol), and the GraphiQL playground at `/`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GraphQLError, type ExecutionResult } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  authenticateConnection,
  authenticateRequest,
  type AuthSettings,
  type Caller,
} from './auth.ts';
import { RequestRefusedError } from './errors.ts';
import type {
  AppSyncFormattedError,
  AppSyncResponse,
  Executor,
  OperationRequest,
  RequestDetails,
} from './executor.ts';
import { playgroundAsset, playgroundPage } from './playground.ts';
import type { SubscriptionRegistry } from './subscriptions.ts';

/** AppSync refuses larger requests. */
const MAX_REQUEST_BYTES = 1024 * 1024;
const GRAPHQL_PATH = '/graphql';

export interface EndpointOptions {
  port: number;
  auth: AuthSettings;
  executor: Executor;
  registry: SubscriptionRegistry;
  onOperation?: () => void;
}

export interface Endpoint {
  port: number;
  close(): Promise<void>;
}

function send(response: ServerResponse, status: number, body: unknown, type = 'application/json') {
  const payload = Buffer.isBuffer(body)
    ? body
    : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  response.writeHead(status, { 'content-type': type, 'content-length': payload.length });
  response.end(payload);
}

function refusal(error: RequestRefusedError) {
  return { errors: [{ errorType: error.errorType, message: error.message }] };
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) {
        reject(
          new RequestRefusedError(413, 'PayloadTooLargeException', 'The request is too large'),
        );
        request.destroy();
      } else {
        chunks.push(chunk);
      }
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function detailsOf(request: IncomingMessage): RequestDetails {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  return { headers, domainName: null };
}

function parseOperation(body: Buffer): OperationRequest {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as OperationRequest;
    if (parsed && typeof parsed === 'object') return parsed;
  } catch {
    // Refused below, as AppSync refuses a body that is not JSON.
  }
  throw new RequestRefusedError(
    400,
    'MalformedHttpRequestException',
    'Invalid JSON payload in POST request.',
  );
}

/** An error of a subscription start, carried through graphql-ws to `onError`. */
function startError(error: AppSyncFormattedError): GraphQLError {
  return new GraphQLError(error.message, { extensions: { appSync: error } });
}

/** The events of one subscriber, as graphql-ws iterates them. */
function eventStream(
  register: (push: (event: AppSyncResponse) => void) => () => void,
): AsyncGenerator<AppSyncResponse> {
  const queue: AppSyncResponse[] = [];
  let waiting: ((result: IteratorResult<AppSyncResponse>) => void) | undefined;
  let done = false;
  const unregister = register((event) => {
    if (waiting) {
      waiting({ value: event, done: false });
      waiting = undefined;
    } else {
      queue.push(event);
    }
  });
  const finish = async (): Promise<IteratorResult<AppSyncResponse>> => {
    done = true;
    unregister();
    waiting?.({ value: undefined, done: true });
    return { value: undefined, done: true };
  };
  const stream: AsyncGenerator<AppSyncResponse> = {
    next: () => {
      const event = queue.shift();
      if (event) return Promise.resolve({ value: event, done: false });
      if (done) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve) => (waiting = resolve));
    },
    return: finish,
    throw: async (error) => {
      await finish();
      throw error;
    },
    [Symbol.asyncIterator]: () => stream,
  };
  return stream;
}

export async function startEndpoint(options: EndpointOptions): Promise<Endpoint> {
  const { auth, executor, registry } = options;

  async function handleGraphql(request: IncomingMessage, response: ServerResponse) {
    const body = await readBody(request);
    const caller = await authenticateRequest(
      {
        method: request.method ?? 'POST',
        url: request.url ?? GRAPHQL_PATH,
        headers: request.headers,
        body,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
      },
      auth,
    );
    const operation = parseOperation(body);
    options.onOperation?.();
    send(response, 200, await executor.execute(operation, caller, detailsOf(request)));
  }

  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://local').pathname;
    if (path === GRAPHQL_PATH && request.method === 'POST') {
      handleGraphql(request, response).catch((error: unknown) => {
        if (error instanceof RequestRefusedError) {
          send(response, error.statusCode, refusal(error));
        } else {
          console.error('The local AppSync runtime failed a request', error);
          send(response, 500, {
            errors: [{ errorType: 'InternalFailure', message: String(error) }],
          });
        }
      });
      return;
    }
    if (request.method !== 'GET') return send(response, 405, { message: 'Method not allowed' });
    if (path === '/') {
      const page = playgroundPage({ apiKey: auth.apiKey, ownerId: auth.defaultOwnerId });
      return send(response, 200, page, 'text/html; charset=utf-8');
    }
    const asset = playgroundAsset(path);
    if (asset) return send(response, 200, asset.body, asset.type);
    send(response, 404, { message: 'Not found' });
  });

  const callers = new WeakMap<WebSocket, Caller>();
  const sockets = new WebSocketServer({ server, path: GRAPHQL_PATH });
  const graphqlWs = useServer(
    {
      onConnect: (context) => {
        try {
          const ip = context.extra.request.socket.remoteAddress ?? '127.0.0.1';
          callers.set(
            context.extra.socket,
            authenticateConnection(context.connectionParams, ip, auth),
          );
          return true;
        } catch {
          return false;
        }
      },
      onSubscribe: async (context, _id, payload) => {
        const caller = callers.get(context.extra.socket);
        if (!caller) return [new GraphQLError('The connection is not authorized')];
        const started = await executor.subscribe(payload, caller, detailsOf(context.extra.request));
        if (!('deliver' in started)) return (started.errors ?? []).map(startError);
        return {
          schema: executor.schema,
          document: executor.documentOf(payload.query),
          operationName: payload.operationName ?? undefined,
          variableValues: payload.variables ?? undefined,
          contextValue: started,
        };
      },
      subscribe: (args) => {
        const started = args.contextValue as Awaited<ReturnType<Executor['subscribe']>>;
        if (!('deliver' in started)) throw new Error('The subscription did not start');
        const events = eventStream((push) =>
          registry.add({
            fieldName: started.fieldName,
            args: started.args,
            filter: started.filter,
            deliver: (payload) =>
              void started.deliver(payload).then(push, (error: unknown) => {
                console.error('The local AppSync runtime failed to deliver an event', error);
              }),
          }),
        );
        // Events are already shaped as AppSync shapes them; onNext passes them through.
        return events as unknown as AsyncGenerator<ExecutionResult>;
      },
      onNext: (_context, _id, _payload, _args, result) => result as never,
      onError: (_context, _id, _payload, errors) =>
        errors.map((error) => (error.extensions.appSync ?? error.toJSON()) as never),
    },
    sockets,
  );

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });

  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      await graphqlWs.dispose();
      for (const client of sockets.clients) client.terminate();
      await new Promise<void>((resolve) => sockets.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

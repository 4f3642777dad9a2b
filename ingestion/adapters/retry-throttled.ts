/**
 * Retries a call that a service refused for being over its request rate, or failed on its side,
 * with exponential backoff and full jitter: each wait is a random time up to a cap that doubles
 * per attempt, so that many throttled callers spread out instead of retrying in step.
 */

export interface BackoffPolicy {
  /** Calls in all, the first included. */
  maxAttempts: number;
  /** The cap of the first wait; it doubles with each attempt. */
  baseDelayMs: number;
  /** No wait is longer than this. */
  maxDelayMs: number;
}

/** Six calls over up to about 6 s: inside a Lambda timeout, past a burst of throttling. */
export const DEFAULT_BACKOFF: BackoffPolicy = {
  maxAttempts: 6,
  baseDelayMs: 200,
  maxDelayMs: 3000,
};

export interface RetryHooks {
  /** Waits; replaced in tests. */
  sleep?: (ms: number) => Promise<void>;
  /** A number in [0, 1); replaced in tests. */
  random?: () => number;
  /** Told before each wait. */
  onRetry?: (retry: { attempt: number; delayMs: number; error: unknown }) => void;
}

const THROTTLING_ERRORS = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
]);
const SERVER_ERRORS = new Set(['InternalServerError', 'ServiceUnavailable', 'InternalFailure']);
const NETWORK_ERRORS = new Set(['TimeoutError', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE']);

interface ServiceErrorShape {
  name?: string;
  code?: string;
  $retryable?: { throttling?: boolean };
  $metadata?: { httpStatusCode?: number };
}

/** Throttling, a server-side fault or a dropped connection: the same call may succeed later. */
export function isRetryable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name = '', code = '', $retryable, $metadata } = error as ServiceErrorShape;
  if (THROTTLING_ERRORS.has(name) || SERVER_ERRORS.has(name)) return true;
  if (NETWORK_ERRORS.has(name) || NETWORK_ERRORS.has(code)) return true;
  if ($retryable !== undefined) return true;
  const status = $metadata?.httpStatusCode ?? 0;
  return status === 429 || status >= 500;
}

/** The wait before retry number `attempt` (1 for the first retry). */
export function backoffDelay(policy: BackoffPolicy, attempt: number, random: () => number): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(random() * cap);
}

function sleepFor(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Runs `call`; on a retryable error waits and calls again, up to the policy's attempts. */
export async function retryThrottled<T>(
  call: () => Promise<T>,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
  hooks: RetryHooks = {},
): Promise<T> {
  const sleep = hooks.sleep ?? sleepFor;
  const random = hooks.random ?? Math.random;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= policy.maxAttempts || !isRetryable(error)) throw error;
      const delayMs = backoffDelay(policy, attempt, random);
      hooks.onRetry?.({ attempt, delayMs, error });
      await sleep(delayMs);
    }
  }
}

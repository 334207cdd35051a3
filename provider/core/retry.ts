import pRetry from "p-retry";
import { ApiError } from "./errors";
import { sleep } from "./memo";

export interface RetryPolicy {
    /** Retries after the first attempt. */
    retries: number;
    /** First backoff step; doubles each retry, with full jitter. */
    minDelayMs: number;
    maxDelayMs: number;
    /** Longest Retry-After we honour before giving up on a call. */
    maxRetryAfterMs: number;
    /** Give up once this much time has passed since the first attempt. */
    maxElapsedMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
    retries: 8,
    minDelayMs: 250,
    maxDelayMs: 15_000,
    maxRetryAfterMs: 120_000,
    maxElapsedMs: 5 * 60_000,
};

/** Network failures where the request surely never reached the server. */
const NOT_SENT = new Set(["ECONNREFUSED", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

export const surelyNotSent = (networkCode: string | undefined) => !!networkCode && NOT_SENT.has(networkCode);

/**
 * Whether a failed call may be sent again. Rate limits (429) and 503 mean "not processed"; other 5xx and dropped
 * connections may have been applied, so only idempotent requests are resent (a non-idempotent one surfaces as an
 * ambiguous ApiError and the resource recovers by its natural key).
 */
export function isRetryable(error: unknown, idempotent: boolean): boolean {
    if (!(error instanceof ApiError)) return false;
    if (error.status === 429 || error.status === 503) return true;
    if (error.status !== undefined) return idempotent && [500, 502, 504].includes(error.status);
    if (surelyNotSent(error.network)) return true;
    return idempotent;
}

export function delayFor(error: unknown, attempt: number, policy: RetryPolicy, random = Math.random): number {
    if (error instanceof ApiError && error.retryAfterMs !== undefined) {
        // a little jitter so that callers paused by the same 429 do not all return in the same millisecond
        return Math.min(error.retryAfterMs, policy.maxRetryAfterMs) + Math.floor(random() * 250);
    }
    const ceiling = Math.min(policy.maxDelayMs, policy.minDelayMs * 2 ** (attempt - 1));
    return Math.max(policy.minDelayMs / 2, Math.floor(random() * ceiling));
}

/**
 * Runs `attempt` until it succeeds, fails with a non-retryable error, or the policy's bounds are reached.
 * p-retry counts attempts and enforces the bounds; the waits are ours because Retry-After must win over backoff.
 */
export function withRetry<T>(
    attempt: () => Promise<T>,
    opts: { idempotent: boolean; policy?: RetryPolicy; onRetry?: (error: unknown, delayMs: number) => void },
): Promise<T> {
    const policy = opts.policy ?? DEFAULT_RETRY;
    const start = Date.now();
    return pRetry(attempt, {
        retries: policy.retries,
        minTimeout: 0,
        maxTimeout: 0,
        randomize: false,
        maxRetryTime: policy.maxElapsedMs,
        shouldRetry: ({ error }) => isRetryable(error, opts.idempotent),
        onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
            if (retriesLeft <= 0 || !isRetryable(error, opts.idempotent)) return; // p-retry rethrows it
            // Giving up must be a throw: returning without sleeping would make p-retry resend at once (its own delay is 0).
            if (error instanceof ApiError && (error.retryAfterMs ?? 0) > policy.maxRetryAfterMs) throw error;
            const ms = delayFor(error, attemptNumber, policy);
            // a wait that ends past the deadline is pointless: p-retry would give up right after it
            if (Date.now() - start + ms >= policy.maxElapsedMs) throw error;
            opts.onRetry?.(error, ms);
            await sleep(ms);
        },
    });
}

import { ApiError } from "./errors";
import { log } from "./log";
import { RateLimiter } from "./rate-limit";
import { DEFAULT_RETRY, RetryPolicy, withRetry } from "./retry";

export interface RequestInfo {
    method: string;
    path: string;
}

const IDEMPOTENT = new Set(["GET", "HEAD", "PUT", "DELETE", "OPTIONS"]);

/**
 * The one way every client facade sends a request: wait for the org's rate limiter, send, map the failure to an
 * ApiError, pause the whole org on 429, and retry by the shared policy.
 */
export function createCaller(opts: {
    system: string;
    limiter: RateLimiter;
    mapError: (error: unknown, req: RequestInfo) => ApiError;
    policy?: RetryPolicy;
}) {
    return async function call<T>(req: RequestInfo, send: () => Promise<T>, idempotent = IDEMPOTENT.has(req.method)): Promise<T> {
        return withRetry(
            async () => {
                await opts.limiter.acquire();
                try {
                    return await send();
                } catch (e) {
                    const err = e instanceof ApiError ? e : opts.mapError(e, req);
                    if (err.status === 429) opts.limiter.pause(err.retryAfterMs ?? 1000);
                    throw err;
                }
            },
            {
                idempotent,
                policy: opts.policy ?? DEFAULT_RETRY,
                onRetry: (err, ms) => log.debug(`${opts.system}: ${(err as Error).message}; retrying in ${ms} ms`),
            },
        );
    };
}

export type Caller = ReturnType<typeof createCaller>;

/** Parses a Retry-After header (seconds or HTTP date) to milliseconds. */
export function parseRetryAfter(value: unknown, now = Date.now()): number | undefined {
    if (typeof value !== "string" && typeof value !== "number") return undefined;
    const seconds = Number(value);
    if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
    const at = Date.parse(String(value));
    return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

/** Node network error codes that mean the request was sent but the answer was lost. */
export function networkCode(e: unknown): string | undefined {
    const code = (e as { code?: unknown })?.code;
    if (typeof code === "string" && /^E[A-Z]+$/.test(code)) return code;
    const msg = (e as { message?: unknown })?.message;
    if (typeof msg === "string" && /socket hang up/i.test(msg)) return "ECONNRESET";
    return undefined;
}

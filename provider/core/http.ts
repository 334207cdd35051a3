import { ApiError, TelephonyError } from "./errors";
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
    const policy = opts.policy ?? DEFAULT_RETRY;
    return async function call<T>(req: RequestInfo, send: () => Promise<T>, idempotent = IDEMPOTENT.has(req.method)): Promise<T> {
        return withRetry(
            async () => {
                await opts.limiter.acquire();
                try {
                    return await send();
                } catch (e) {
                    // an error this package raised on purpose (a refused login is a ConfigError) is not an HTTP failure:
                    // mapping it would make it a network error, retried and reported as such
                    if (e instanceof TelephonyError && !(e instanceof ApiError)) throw e;
                    const err = e instanceof ApiError ? e : opts.mapError(e, req);
                    // a gateway that timed out or lost the backend's answer may have let a write through: the resource
                    // must look before it sends again (a 500 is the API's own answer, and definite)
                    if (!idempotent && (err.status === 502 || err.status === 504)) Object.assign(err, { ambiguous: true });
                    // capped: a Retry-After longer than the policy honours fails this call; it must not stall every other one
                    if (err.status === 429) opts.limiter.pause(Math.min(err.retryAfterMs ?? 1000, policy.maxRetryAfterMs));
                    throw err;
                }
            },
            {
                idempotent,
                policy,
                onRetry: (err, ms) => log.debug(`${opts.system}: ${(err as Error).message}; retrying in ${ms} ms`),
            },
        );
    };
}

export type Caller = ReturnType<typeof createCaller>;

/** Parses a Retry-After header (seconds or HTTP date) to milliseconds. */
export function parseRetryAfter(value: unknown, now = Date.now()): number | undefined {
    if (typeof value === "number") return Number.isFinite(value) && value >= 0 ? value * 1000 : undefined;
    if (typeof value !== "string") return undefined;
    const text = value.trim();
    // delta-seconds; Number("") is 0 and Number("0x10") is 16, so match digits rather than trust Number()
    if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
    // an HTTP date has a four-digit year; V8's lenient Date.parse reads "-1" or "later 2" as dates in the past
    if (!/\b\d{4}\b/.test(text)) return undefined;
    const at = Date.parse(text);
    return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

/** Node network error codes that mean the request was sent but the answer was lost. */
export function networkCode(e: unknown): string | undefined {
    const code = (e as { code?: unknown })?.code;
    // EAI_AGAIN (DNS lookup timed out) has an underscore; axios's own ERR_* codes are not network errors
    if (typeof code === "string" && /^E(AI_)?[A-Z]+$/.test(code)) return code;
    const msg = (e as { message?: unknown })?.message;
    if (typeof msg === "string" && /socket hang up/i.test(msg)) return "ECONNRESET";
    return undefined;
}

import { sleep } from "./memo";

/** A process-wide budget of requests per interval for one remote org, shared by every resource. */
export interface RateLimiter {
    /** Resolves when one more request may be sent. */
    acquire(): Promise<void>;
    /** Holds every request back for `ms` (the server said Retry-After). */
    pause(ms: number): void;
    readonly limit: number;
}

/**
 * Sliding window over the times permits were granted: never more than `limit` in any `intervalMs`, which is what a
 * server counting a sliding minute enforces. Callers are served in arrival order. A pause is checked in the same loop
 * as the window (not after a permit was handed out, which let every caller queued during a pause through at once).
 */
export function createRateLimiter(limit: number, intervalMs: number): RateLimiter {
    const granted: number[] = []; // grant times within the last interval, oldest first
    let resumeAt = 0;
    let queue: Promise<void> = Promise.resolve();
    return {
        limit,
        acquire() {
            const turn = queue.then(async () => {
                for (;;) {
                    const now = Date.now();
                    while (granted.length && granted[0] <= now - intervalMs) granted.shift();
                    const windowWait = granted.length >= limit ? granted[0] + intervalMs - now : 0;
                    const wait = Math.max(resumeAt - now, windowWait);
                    if (wait <= 0) break;
                    await sleep(wait);
                }
                granted.push(Date.now());
            });
            queue = turn;
            return turn;
        },
        pause(ms) {
            resumeAt = Math.max(resumeAt, Date.now() + ms);
        },
    };
}

const limiters = new Map<string, RateLimiter>();

/**
 * One limiter per remote org and limit in this process. The window is a second longer than a minute so that
 * network jitter cannot make the server see more than `perMinute` in its own minute.
 */
export function limiterFor(key: string, perMinute: number): RateLimiter {
    const id = `${key}#${perMinute}`;
    let limiter = limiters.get(id);
    if (!limiter) {
        limiter = createRateLimiter(perMinute, 61_000);
        limiters.set(id, limiter);
    }
    return limiter;
}

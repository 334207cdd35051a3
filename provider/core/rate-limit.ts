import pThrottle from "p-throttle";
import { sleep } from "./memo";

/** A process-wide budget of requests per interval for one remote org, shared by every resource. */
export interface RateLimiter {
    /** Resolves when one more request may be sent. */
    acquire(): Promise<void>;
    /** Holds every request back for `ms` (the server said Retry-After). */
    pause(ms: number): void;
    readonly limit: number;
}

export function createRateLimiter(limit: number, intervalMs: number): RateLimiter {
    // strict: never more than `limit` in any window, which is what a server counting a sliding minute enforces
    const permit = pThrottle({ limit, interval: intervalMs, strict: true })(() => undefined);
    let resumeAt = 0;
    return {
        limit,
        async acquire() {
            await permit();
            for (let wait = resumeAt - Date.now(); wait > 0; wait = resumeAt - Date.now()) await sleep(wait);
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

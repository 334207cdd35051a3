import pRetry, { AbortError } from "p-retry";
import { sleep } from "./memo";

/** Eventual consistency: the remote system has not caught up yet (index lag, propagation). */
class NotYet extends Error {}

export interface WaitOptions {
    /** Give up after this long. */
    timeoutMs: number;
    /** First poll interval; grows by `factor` up to `maxIntervalMs`. Small, so a short lag costs little time. */
    initialMs?: number;
    factor?: number;
    maxIntervalMs?: number;
}

/**
 * Polls `probe` until it returns a value (not undefined), backing off from a small first interval. Returns
 * undefined when the time is up; errors from `probe` end the wait at once.
 */
export async function waitFor<T>(probe: () => Promise<T | undefined>, opts: WaitOptions): Promise<T | undefined> {
    try {
        return await pRetry(
            async () => {
                const value = await probe();
                if (value === undefined) throw new NotYet();
                return value;
            },
            {
                retries: Number.POSITIVE_INFINITY,
                minTimeout: opts.initialMs ?? 100,
                factor: opts.factor ?? 1.6,
                maxTimeout: opts.maxIntervalMs ?? 2_000,
                randomize: false,
                maxRetryTime: opts.timeoutMs,
                shouldRetry: ({ error }) => error instanceof NotYet,
            },
        );
    } catch (e) {
        if (e instanceof NotYet) return undefined;
        throw e instanceof AbortError ? e.originalError : e;
    }
}

/**
 * Optimistic concurrency: runs `attempt` (which must read the current version itself) again while it fails with
 * a version conflict, with a short jittered pause so concurrent writers interleave.
 */
export async function retryOnConflict<T>(attempt: () => Promise<T>, isConflict: (e: unknown) => boolean, attempts = 8): Promise<T> {
    for (let i = 1; ; i++) {
        try {
            return await attempt();
        } catch (e) {
            if (!isConflict(e) || i >= attempts) throw e;
            await sleep(Math.floor(Math.random() * 50 * i));
        }
    }
}

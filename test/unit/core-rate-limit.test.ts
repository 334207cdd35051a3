import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createRateLimiter, limiterFor, RateLimiter } from "../../provider/core/rate-limit";

/** The largest number of grants in any window [t, t + interval). */
function busiestWindow(grants: number[], intervalMs: number): number {
    const sorted = [...grants].sort((a, b) => a - b);
    return Math.max(0, ...sorted.map((t) => sorted.filter((u) => u >= t && u < t + intervalMs).length));
}

/** Deterministic pseudo-random numbers (LCG), so a failure reproduces. */
function seeded(seed: number) {
    let s = seed >>> 0;
    return () => ((s = (s * 1_664_525 + 1_013_904_223) >>> 0) / 2 ** 32);
}

describe("rate limiter (fake timers)", () => {
    let t0: number;
    beforeEach(() => {
        vi.useFakeTimers();
        t0 = Date.now();
    });
    afterEach(() => vi.useRealTimers());

    /** Starts an acquisition and records when it was granted (ms since the test began). */
    function acquireLogged(limiter: RateLimiter, grants: number[], label?: string, order?: string[]) {
        return limiter.acquire().then(() => {
            grants.push(Date.now() - t0);
            if (label !== undefined) order?.push(label);
        });
    }

    it("lets `limit` requests through at once, then one more as each leaves the window", async () => {
        const limiter = createRateLimiter(3, 1_000);
        const grants: number[] = [];
        const all = Array.from({ length: 7 }, () => acquireLogged(limiter, grants));
        await vi.advanceTimersByTimeAsync(10_000);
        await Promise.all(all);
        expect(grants).toEqual([0, 0, 0, 1_000, 1_000, 1_000, 2_000]);
        expect(limiter.limit).toBe(3);
    });

    it("never lets more than `limit` acquisitions through in any window, whatever the arrival pattern", async () => {
        const random = seeded(42);
        for (const [limit, interval] of [
            [1, 100],
            [5, 1_000],
            [20, 61_000],
        ]) {
            const limiter = createRateLimiter(limit, interval);
            const grants: number[] = [];
            const pending: Promise<void>[] = [];
            // 4 x limit callers arriving at random times over two intervals, in bursts
            for (let i = 0; i < 4 * limit; i++) {
                pending.push(acquireLogged(limiter, grants));
                if (random() < 0.3) await vi.advanceTimersByTimeAsync(Math.floor(random() * (interval / 2)));
            }
            await vi.advanceTimersByTimeAsync(10 * interval);
            await Promise.all(pending);
            expect(grants).toHaveLength(4 * limit);
            expect(busiestWindow(grants, interval)).toBeLessThanOrEqual(limit);
            t0 = Date.now();
        }
    });

    it("keeps the window when the server asked for a pause: callers queued during it are not let through in one burst", async () => {
        const limiter = createRateLimiter(3, 1_000);
        const grants: number[] = [];
        const all = Array.from({ length: 9 }, () => acquireLogged(limiter, grants));
        await vi.advanceTimersByTimeAsync(500);
        limiter.pause(5_000); // a 429 with Retry-After: 5
        await vi.advanceTimersByTimeAsync(20_000);
        await Promise.all(all);
        expect(grants).toEqual([0, 0, 0, 5_500, 5_500, 5_500, 6_500, 6_500, 6_500]);
        expect(busiestWindow(grants, 1_000)).toBe(3);
    });

    it("pause(ms) holds every caller back, even those within budget", async () => {
        const limiter = createRateLimiter(100, 1_000);
        limiter.pause(2_000);
        const grants: number[] = [];
        const all = Array.from({ length: 5 }, () => acquireLogged(limiter, grants));
        await vi.advanceTimersByTimeAsync(1_999);
        expect(grants).toEqual([]);
        await vi.advanceTimersByTimeAsync(1);
        await Promise.all(all);
        expect(grants).toEqual([2_000, 2_000, 2_000, 2_000, 2_000]);
    });

    it("a pause that arrives while callers wait for the window holds them too", async () => {
        const limiter = createRateLimiter(1, 1_000);
        const grants: number[] = [];
        const all = [acquireLogged(limiter, grants), acquireLogged(limiter, grants)];
        await vi.advanceTimersByTimeAsync(200); // the second waits for the window until t=1000
        limiter.pause(3_000); // until t=3200
        await vi.advanceTimersByTimeAsync(10_000);
        await Promise.all(all);
        expect(grants).toEqual([0, 3_200]);
    });

    it("a shorter pause never cuts a longer one short; a longer one extends it", async () => {
        const limiter = createRateLimiter(10, 1_000);
        limiter.pause(3_000);
        limiter.pause(1_000);
        const grants: number[] = [];
        const first = acquireLogged(limiter, grants);
        await vi.advanceTimersByTimeAsync(2_000);
        limiter.pause(2_000); // until t=4000
        await vi.advanceTimersByTimeAsync(5_000);
        await first;
        expect(grants).toEqual([4_000]);
    });

    it("a pause that has elapsed costs nothing", async () => {
        const limiter = createRateLimiter(10, 1_000);
        limiter.pause(100);
        await vi.advanceTimersByTimeAsync(100);
        const grants: number[] = [];
        await acquireLogged(limiter, grants);
        expect(grants).toEqual([100]);
    });

    it("serves callers in the order they arrived", async () => {
        const limiter = createRateLimiter(2, 1_000);
        const grants: number[] = [];
        const order: string[] = [];
        const all = ["a", "b", "c", "d", "e"].map((label) => acquireLogged(limiter, grants, label, order));
        await vi.advanceTimersByTimeAsync(5_000);
        await Promise.all(all);
        expect(order).toEqual(["a", "b", "c", "d", "e"]);
    });

    it("an idle limiter grants at once again after a quiet interval", async () => {
        const limiter = createRateLimiter(2, 1_000);
        const grants: number[] = [];
        await Promise.all([acquireLogged(limiter, grants), acquireLogged(limiter, grants)]);
        await vi.advanceTimersByTimeAsync(1_000);
        await Promise.all([acquireLogged(limiter, grants), acquireLogged(limiter, grants)]);
        expect(grants).toEqual([0, 0, 1_000, 1_000]);
    });
});

describe("limiterFor: one budget per remote org in the process", () => {
    it("returns the same limiter for the same org and limit, so every resource shares it", () => {
        const a = limiterFor("genesys:https://api.mypurecloud.com#client-a", 300);
        const b = limiterFor("genesys:https://api.mypurecloud.com#client-a", 300);
        expect(a).toBe(b);
        expect(a.limit).toBe(300);
    });

    it("keeps separate budgets for separate orgs", () => {
        const a = limiterFor("genesys:org-1", 300);
        const b = limiterFor("genesys:org-2", 300);
        const c = limiterFor("mediatel:https://mediatel.example", 300);
        expect(new Set([a, b, c]).size).toBe(3);
    });

    it("a changed limit gets its own limiter with that limit", () => {
        const a = limiterFor("genesys:org-3", 300);
        const b = limiterFor("genesys:org-3", 60);
        expect(a).not.toBe(b);
        expect(b.limit).toBe(60);
    });

    it("a pause through one handle holds back callers on another handle of the same org", async () => {
        vi.useFakeTimers();
        try {
            const t0 = Date.now();
            limiterFor("genesys:org-4", 300).pause(1_500);
            let grantedAt = -1;
            const p = limiterFor("genesys:org-4", 300)
                .acquire()
                .then(() => (grantedAt = Date.now() - t0));
            await vi.advanceTimersByTimeAsync(2_000);
            await p;
            expect(grantedAt).toBe(1_500);
        } finally {
            vi.useRealTimers();
        }
    });
});

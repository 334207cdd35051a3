import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError, ApiErrorDetails } from "../../provider/core/errors";
import { DEFAULT_RETRY, delayFor, isRetryable, RetryPolicy, withRetry } from "../../provider/core/retry";

function apiError(d: Partial<ApiErrorDetails> = {}): ApiError {
    return new ApiError({ system: "Genesys Cloud", method: "GET", path: "/api/v2/users", ...d });
}
const status = (s: number, extra: Partial<ApiErrorDetails> = {}) => apiError({ status: s, ...extra });
const network = (code: string) => apiError({ network: code, ambiguous: true });

const POLICY: RetryPolicy = { retries: 5, minDelayMs: 100, maxDelayMs: 2_000, maxRetryAfterMs: 10_000, maxElapsedMs: 60_000 };

describe("isRetryable: which failures may be sent again", () => {
    it.each([
        // [what, error, idempotent request (GET/PUT/DELETE), non-idempotent (POST/PATCH)]
        ["429 Too Many Requests (not processed)", status(429), true, true],
        ["503 Service Unavailable (not processed)", status(503), true, true],
        ["500 Internal Server Error (may have been applied)", status(500), true, false],
        ["502 Bad Gateway (may have been applied)", status(502), true, false],
        ["504 Gateway Timeout (may have been applied)", status(504), true, false],
        ["400 Bad Request", status(400), false, false],
        ["401 Unauthorized", status(401), false, false],
        ["403 Forbidden", status(403), false, false],
        ["404 Not Found", status(404), false, false],
        ["409 Conflict", status(409), false, false],
        ["501 Not Implemented", status(501), false, false],
        ["dropped connection ECONNRESET", network("ECONNRESET"), true, false],
        ["timeout ETIMEDOUT", network("ETIMEDOUT"), true, false],
        ["network error of unknown kind", apiError({ ambiguous: true }), true, false],
        ["connection refused ECONNREFUSED (never sent)", network("ECONNREFUSED"), true, true],
        ["DNS EAI_AGAIN (never sent)", network("EAI_AGAIN"), true, true],
        ["EHOSTUNREACH (never sent)", network("EHOSTUNREACH"), true, true],
        ["ENETUNREACH (never sent)", network("ENETUNREACH"), true, true],
        ["a plain Error", new Error("boom"), false, false],
        ["a TypeError from a bug", new TypeError("x is undefined"), false, false],
        ["a thrown string", "503", false, false],
        ["an object that looks like an ApiError", { status: 503, name: "ApiError" }, false, false],
        ["undefined", undefined, false, false],
    ])("%s: idempotent %s, non-idempotent %s", (_what, error, idempotent, nonIdempotent) => {
        expect(isRetryable(error, true)).toBe(idempotent);
        expect(isRetryable(error, false)).toBe(nonIdempotent);
    });
});

describe("delayFor: how long to wait before the next attempt", () => {
    it.each([
        ["Retry-After 5 s, no jitter", 5_000, 0, 5_000],
        ["Retry-After 5 s, most jitter", 5_000, 0.9999, 5_249],
        ["Retry-After 0, no jitter", 0, 0, 0],
        ["Retry-After longer than the policy honours is capped", 3_600_000, 0, POLICY.maxRetryAfterMs],
        ["capped Retry-After still gets jitter", 3_600_000, 0.5, POLICY.maxRetryAfterMs + 125],
    ])("%s", (_what, retryAfterMs, random, expected) => {
        expect(delayFor(status(429, { retryAfterMs }), 1, POLICY, () => random)).toBe(expected);
    });

    it("Retry-After wins over backoff, however many attempts were made", () => {
        expect(delayFor(status(503, { retryAfterMs: 1_500 }), 9, POLICY, () => 0)).toBe(1_500);
    });

    it.each([1, 2, 3, 4, 5, 6, 8, 12, 30])("attempt %i: exponential backoff with full jitter, bounded by the policy", (attempt) => {
        const ceiling = Math.min(POLICY.maxDelayMs, POLICY.minDelayMs * 2 ** (attempt - 1));
        const samples = [0, 0.001, 0.25, 0.5, 0.75, 0.9999].map((r) => delayFor(status(503), attempt, POLICY, () => r));
        for (const ms of samples) {
            expect(ms).toBeGreaterThanOrEqual(POLICY.minDelayMs / 2);
            expect(ms).toBeLessThanOrEqual(ceiling);
        }
        // the jitter spreads callers over the range rather than sending them all back at once
        expect(samples.at(-1)).toBe(Math.max(POLICY.minDelayMs / 2, Math.floor(0.9999 * ceiling)));
    });

    it("never waits longer than maxDelayMs without a Retry-After", () => {
        expect(delayFor(status(503), 1000, POLICY, () => 0.9999)).toBeLessThanOrEqual(POLICY.maxDelayMs);
    });

    it("a failure that is not an ApiError gets plain backoff", () => {
        expect(delayFor(new Error("x"), 1, POLICY, () => 0.9999)).toBe(99);
    });

    it("the default policy backs off from 250 ms to at most 15 s and honours Retry-After up to 2 minutes", () => {
        expect(DEFAULT_RETRY).toMatchObject({ minDelayMs: 250, maxDelayMs: 15_000, maxRetryAfterMs: 120_000 });
        expect(delayFor(status(503), 20, DEFAULT_RETRY, () => 0.9999)).toBeLessThanOrEqual(15_000);
    });
});

describe("withRetry (fake timers)", () => {
    beforeEach(() => {
        vi.useFakeTimers();
        vi.spyOn(Math, "random").mockReturnValue(0); // no jitter: exact timings
    });
    afterEach(() => {
        vi.useRealTimers();
        vi.restoreAllMocks();
    });

    /** An attempt function that fails with `failures` in turn, then returns "ok"; records when each attempt started. */
    function script(...failures: unknown[]) {
        const t0 = Date.now();
        const startedAt: number[] = [];
        const attempt = vi.fn(async () => {
            startedAt.push(Date.now() - t0);
            const next = failures.shift();
            if (next !== undefined) throw next;
            return "ok";
        });
        return { attempt, startedAt };
    }
    /** Settles a promise into a value or the error, without an unhandled rejection while timers advance. */
    const settle = <T>(p: Promise<T>) => p.then((value) => ({ value }), (error: unknown) => ({ error }));

    it("honours Retry-After: the second attempt does not happen before it elapses", async () => {
        const { attempt, startedAt } = script(status(429, { retryAfterMs: 3_000 }));
        const result = settle(withRetry(attempt, { idempotent: true, policy: POLICY }));

        await vi.advanceTimersByTimeAsync(2_999);
        expect(attempt).toHaveBeenCalledTimes(1);
        await vi.advanceTimersByTimeAsync(1);
        expect(attempt).toHaveBeenCalledTimes(2);
        expect(await result).toEqual({ value: "ok" });
        expect(startedAt).toEqual([0, 3_000]);
    });

    it("waits for Retry-After exactly once per failure (not Retry-After plus backoff, not twice)", async () => {
        const { attempt, startedAt } = script(
            status(429, { retryAfterMs: 1_000 }),
            status(503, { retryAfterMs: 2_000 }),
            status(429, { retryAfterMs: 500 }),
        );
        const result = settle(withRetry(attempt, { idempotent: false, policy: POLICY }));
        await vi.advanceTimersByTimeAsync(10_000);
        expect(await result).toEqual({ value: "ok" });
        expect(startedAt).toEqual([0, 1_000, 3_000, 3_500]);
    });

    it("backs off exponentially between attempts when there is no Retry-After", async () => {
        vi.spyOn(Math, "random").mockReturnValue(0.9999);
        const { attempt, startedAt } = script(status(503), status(503), status(503));
        const result = settle(withRetry(attempt, { idempotent: true, policy: POLICY }));
        await vi.advanceTimersByTimeAsync(10_000);
        expect(await result).toEqual({ value: "ok" });
        // waits of ~100, ~200, ~400 ms (full jitter at its top)
        expect(startedAt).toEqual([0, 99, 99 + 199, 99 + 199 + 399]);
    });

    it("tells onRetry about every wait it is about to make", async () => {
        const onRetry = vi.fn();
        const first = status(429, { retryAfterMs: 700 });
        const { attempt } = script(first);
        const result = settle(withRetry(attempt, { idempotent: true, policy: POLICY, onRetry }));
        await vi.advanceTimersByTimeAsync(1_000);
        await result;
        expect(onRetry).toHaveBeenCalledExactlyOnceWith(first, 700);
    });

    it("stops after `retries` retries and surfaces the last failure", async () => {
        const errors = [1, 2, 3, 4, 5].map((n) => status(503, { detail: `failure ${n}` }));
        const { attempt } = script(...errors);
        const result = settle(withRetry(attempt, { idempotent: true, policy: { ...POLICY, retries: 3 } }));
        await vi.advanceTimersByTimeAsync(60_000);
        expect(attempt).toHaveBeenCalledTimes(4); // the first attempt and 3 retries
        expect(await result).toEqual({ error: errors[3] });
    });

    it("retries: 0 means one attempt only", async () => {
        const { attempt } = script(status(503));
        const result = settle(withRetry(attempt, { idempotent: true, policy: { ...POLICY, retries: 0 } }));
        await vi.advanceTimersByTimeAsync(60_000);
        expect(attempt).toHaveBeenCalledTimes(1);
        expect((await result as { error: ApiError }).error.status).toBe(503);
    });

    it.each([
        ["400 Bad Request", status(400)],
        ["404 Not Found", status(404)],
        ["409 Conflict", status(409)],
        ["a bug in the provider (TypeError)", new TypeError("cannot read properties of undefined")],
        ["a plain Error", new Error("boom")],
    ])("stops at once on a failure that is not retryable: %s", async (_what, error) => {
        const { attempt } = script(error);
        const onRetry = vi.fn();
        const result = settle(withRetry(attempt, { idempotent: true, policy: POLICY, onRetry }));
        await vi.advanceTimersByTimeAsync(0);
        expect(await result).toEqual({ error });
        expect(attempt).toHaveBeenCalledTimes(1);
        expect(onRetry).not.toHaveBeenCalled();
    });

    it.each([
        ["502 on POST", status(502, { method: "POST" })],
        ["500 on POST", status(500, { method: "POST" })],
        ["504 on POST", status(504, { method: "POST" })],
        ["dropped connection on POST", apiError({ method: "POST", network: "ECONNRESET", ambiguous: true })],
        ["timeout on POST", apiError({ method: "POST", network: "ETIMEDOUT", ambiguous: true })],
    ])("does not resend an ambiguous non-idempotent request: %s", async (_what, error) => {
        const { attempt } = script(error);
        const result = settle(withRetry(attempt, { idempotent: false, policy: POLICY }));
        await vi.advanceTimersByTimeAsync(60_000);
        expect(attempt).toHaveBeenCalledTimes(1);
        expect(await result).toEqual({ error });
    });

    it("does resend a POST that surely was not processed (429, 503, connection refused)", async () => {
        const { attempt } = script(status(429), status(503), apiError({ network: "ECONNREFUSED" }));
        const result = settle(withRetry(attempt, { idempotent: false, policy: POLICY }));
        await vi.advanceTimersByTimeAsync(60_000);
        expect(await result).toEqual({ value: "ok" });
        expect(attempt).toHaveBeenCalledTimes(4);
    });

    it("gives up after maxElapsedMs: no attempt starts past the deadline and it does not sleep past it", async () => {
        const policy = { ...POLICY, retries: 1_000, maxElapsedMs: 10_000 };
        const attempt = vi.fn(async () => {
            throw status(503, { retryAfterMs: 3_000 });
        });
        const t0 = Date.now();
        let settledAt = -1;
        const result = settle(withRetry(attempt, { idempotent: true, policy })).finally(() => (settledAt = Date.now() - t0));
        await vi.advanceTimersByTimeAsync(120_000);
        expect((await result as { error: ApiError }).error.status).toBe(503);
        // attempts at 0, 3 s, 6 s, 9 s; the next would start at 12 s, past the 10 s budget, so it gives up at 9 s
        expect(attempt).toHaveBeenCalledTimes(4);
        expect(settledAt).toBe(9_000);
    });

    it("maxElapsedMs also bounds plain backoff", async () => {
        vi.spyOn(Math, "random").mockReturnValue(0.9999);
        const policy = { ...POLICY, retries: 1_000, maxDelayMs: 1_000, maxElapsedMs: 5_000 };
        const t0 = Date.now();
        const startedAt: number[] = [];
        const attempt = vi.fn(async () => {
            startedAt.push(Date.now() - t0);
            throw status(503);
        });
        const result = settle(withRetry(attempt, { idempotent: true, policy }));
        await vi.advanceTimersByTimeAsync(120_000);
        expect(await result).toHaveProperty("error");
        expect(Math.max(...startedAt)).toBeLessThan(5_000);
        expect(startedAt.length).toBeLessThan(15);
    });

    it("gives up at once when Retry-After is longer than the policy honours (no immediate resend)", async () => {
        const tooLong = status(429, { retryAfterMs: POLICY.maxRetryAfterMs + 1 });
        const { attempt } = script(tooLong);
        const result = settle(withRetry(attempt, { idempotent: true, policy: POLICY }));
        await vi.advanceTimersByTimeAsync(0);
        expect(await result).toEqual({ error: tooLong });
        expect(attempt).toHaveBeenCalledTimes(1);
    });

    it("a Retry-After exactly at the cap is honoured", async () => {
        const { attempt, startedAt } = script(status(429, { retryAfterMs: POLICY.maxRetryAfterMs }));
        const result = settle(withRetry(attempt, { idempotent: true, policy: POLICY }));
        await vi.advanceTimersByTimeAsync(POLICY.maxRetryAfterMs);
        expect(await result).toEqual({ value: "ok" });
        expect(startedAt).toEqual([0, POLICY.maxRetryAfterMs]);
    });

    it("returns the first success without waiting", async () => {
        const { attempt } = script();
        await expect(withRetry(attempt, { idempotent: false })).resolves.toBe("ok");
        expect(attempt).toHaveBeenCalledTimes(1);
    });
});

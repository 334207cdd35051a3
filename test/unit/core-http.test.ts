import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../../provider/core/errors";
import { createCaller, networkCode, parseRetryAfter, RequestInfo } from "../../provider/core/http";
import { RateLimiter } from "../../provider/core/rate-limit";
import { RetryPolicy } from "../../provider/core/retry";

/** Fast enough for real timers: waits of a few milliseconds. */
const FAST: RetryPolicy = { retries: 3, minDelayMs: 2, maxDelayMs: 4, maxRetryAfterMs: 30, maxElapsedMs: 5_000 };

function fakeLimiter() {
    return { limit: 10, acquire: vi.fn(async () => {}), pause: vi.fn() } satisfies RateLimiter;
}

/** What a client facade's mapError does: the HTTP library's error becomes one ApiError. */
function mapError(error: unknown, req: RequestInfo): ApiError {
    const e = error as { response?: { status: number; headers?: Record<string, string> }; code?: string; message?: string };
    return new ApiError({
        system: "Test",
        method: req.method,
        path: req.path,
        status: e.response?.status,
        retryAfterMs: parseRetryAfter(e.response?.headers?.["retry-after"]),
        network: e.response ? undefined : networkCode(e),
        ambiguous: !e.response && networkCode(e) !== "ECONNREFUSED",
    });
}
const httpFailure = (status: number, headers: Record<string, string> = {}) =>
    Object.assign(new Error(`Request failed with status code ${status}`), { response: { status, headers } });
const socketFailure = (code: string) => Object.assign(new Error(`connect ${code}`), { code });

/** A send function that throws the given failures in turn, then returns `result`. */
function sendScript<T>(result: T, ...failures: unknown[]) {
    return vi.fn(async () => {
        const next = failures.shift();
        if (next !== undefined) throw next;
        return result;
    });
}

describe("createCaller: the one way every facade sends a request", () => {
    beforeEach(() => vi.spyOn(Math, "random").mockReturnValue(0));
    afterEach(() => vi.restoreAllMocks());

    it("maps whatever the HTTP layer threw to an ApiError with mapError", async () => {
        const mapSpy = vi.fn(mapError);
        const call = createCaller({ system: "Test", limiter: fakeLimiter(), mapError: mapSpy, policy: FAST });
        const thrown = httpFailure(404);
        const req = { method: "GET", path: "/api/v2/users/u1" };

        const error = await call(req, sendScript("never", thrown)).catch((e: unknown) => e);

        expect(mapSpy).toHaveBeenCalledWith(thrown, req);
        expect(error).toBeInstanceOf(ApiError);
        expect(error).toMatchObject({ status: 404, method: "GET", path: "/api/v2/users/u1" });
    });

    it("passes an ApiError thrown by send through unchanged, without mapping it again", async () => {
        const mapSpy = vi.fn(mapError);
        const call = createCaller({ system: "Test", limiter: fakeLimiter(), mapError: mapSpy, policy: FAST });
        const own = new ApiError({ system: "Test", method: "GET", path: "/x", status: 409, code: "conflict" });
        await expect(call({ method: "GET", path: "/x" }, sendScript("never", own))).rejects.toBe(own);
        expect(mapSpy).not.toHaveBeenCalled();
    });

    it("waits for the rate limiter before every attempt, retries included", async () => {
        const limiter = fakeLimiter();
        const call = createCaller({ system: "Test", limiter, mapError, policy: FAST });
        const send = sendScript("ok", httpFailure(503), httpFailure(503));
        await expect(call({ method: "GET", path: "/x" }, send)).resolves.toBe("ok");
        expect(send).toHaveBeenCalledTimes(3);
        expect(limiter.acquire).toHaveBeenCalledTimes(3);
        // and the permit comes before the request
        expect(limiter.acquire.mock.invocationCallOrder[0]).toBeLessThan(send.mock.invocationCallOrder[0]);
    });

    it("on 429 pauses the whole org for the Retry-After, then retries", async () => {
        const limiter = fakeLimiter();
        const call = createCaller({ system: "Test", limiter, mapError, policy: FAST });
        const send = sendScript({ id: "u1" }, httpFailure(429, { "retry-after": "0.02" }));
        await expect(call({ method: "POST", path: "/api/v2/users" }, send)).resolves.toEqual({ id: "u1" });
        expect(limiter.pause).toHaveBeenCalledExactlyOnceWith(20);
        expect(send).toHaveBeenCalledTimes(2);
    });

    it("on 429 without Retry-After pauses the org for a second", async () => {
        const limiter = fakeLimiter();
        const call = createCaller({ system: "Test", limiter, mapError, policy: { ...FAST, maxRetryAfterMs: 60_000 } });
        await call({ method: "GET", path: "/x" }, sendScript("ok", httpFailure(429)));
        expect(limiter.pause).toHaveBeenCalledExactlyOnceWith(1_000);
    });

    it("a Retry-After longer than the policy honours fails the call and pauses the others only up to the cap", async () => {
        const limiter = fakeLimiter();
        const call = createCaller({ system: "Test", limiter, mapError, policy: FAST });
        const send = sendScript("ok", httpFailure(429, { "retry-after": "3600" }));
        const error = await call({ method: "GET", path: "/x" }, send).catch((e: unknown) => e);
        expect(error).toMatchObject({ status: 429, retryAfterMs: 3_600_000 });
        expect(send).toHaveBeenCalledTimes(1);
        expect(limiter.pause).toHaveBeenCalledExactlyOnceWith(FAST.maxRetryAfterMs);
    });

    it.each([503, 500, 404])("does not pause the org on %i", async (status) => {
        const limiter = fakeLimiter();
        const call = createCaller({ system: "Test", limiter, mapError, policy: FAST });
        await call({ method: "GET", path: "/x" }, sendScript("ok", httpFailure(status))).catch(() => undefined);
        expect(limiter.pause).not.toHaveBeenCalled();
    });

    it.each([
        // [method, failure, sends expected, outcome]
        ["GET", httpFailure(502), 2, "ok"],
        ["PUT", httpFailure(504), 2, "ok"],
        ["DELETE", socketFailure("ECONNRESET"), 2, "ok"],
        ["HEAD", httpFailure(500), 2, "ok"],
        ["POST", httpFailure(502), 1, "error"],
        ["PATCH", httpFailure(500), 1, "error"],
        ["POST", socketFailure("ECONNRESET"), 1, "error"],
        ["POST", socketFailure("ETIMEDOUT"), 1, "error"],
        ["POST", socketFailure("ECONNREFUSED"), 2, "ok"],
        ["POST", httpFailure(503), 2, "ok"],
        ["GET", httpFailure(400), 1, "error"],
        ["GET", httpFailure(409), 1, "error"],
    ])("%s after %s: sent %i time(s), ends in %s", async (method, failure, sends, outcome) => {
        const call = createCaller({ system: "Test", limiter: fakeLimiter(), mapError, policy: FAST });
        const send = sendScript("ok", failure);
        const result = await call({ method, path: "/x" }, send).then(
            () => "ok",
            () => "error",
        );
        expect(result).toBe(outcome);
        expect(send).toHaveBeenCalledTimes(sends);
    });

    it("a POST the facade declares idempotent (e.g. a batch read) is retried like a GET", async () => {
        const call = createCaller({ system: "Test", limiter: fakeLimiter(), mapError, policy: FAST });
        const send = sendScript(["a"], httpFailure(502));
        await expect(call({ method: "POST", path: "/api/v2/users/search" }, send, true)).resolves.toEqual(["a"]);
        expect(send).toHaveBeenCalledTimes(2);
    });

    it("a PUT the facade declares non-idempotent is not resent after a dropped connection", async () => {
        const call = createCaller({ system: "Test", limiter: fakeLimiter(), mapError, policy: FAST });
        const send = sendScript("ok", socketFailure("ECONNRESET"));
        await expect(call({ method: "PUT", path: "/x" }, send, false)).rejects.toMatchObject({ network: "ECONNRESET", ambiguous: true });
        expect(send).toHaveBeenCalledTimes(1);
    });

    it("stops after the policy's retries and surfaces the mapped error", async () => {
        const call = createCaller({ system: "Test", limiter: fakeLimiter(), mapError, policy: { ...FAST, retries: 2 } });
        const send = vi.fn(async () => {
            throw httpFailure(503);
        });
        const error = await call({ method: "GET", path: "/api/v2/stations" }, send).catch((e: unknown) => e);
        expect(send).toHaveBeenCalledTimes(3);
        expect(error).toBeInstanceOf(ApiError);
        expect((error as ApiError).message).toBe("Test GET /api/v2/stations failed: 503");
    });
});

describe("parseRetryAfter", () => {
    const now = Date.parse("2025-06-01T12:00:00Z");
    it.each([
        ["seconds", "120", 120_000],
        ["zero seconds", "0", 0],
        ["seconds with spaces", " 5 ", 5_000],
        ["fractional seconds", "1.5", 1_500],
        ["a number (already parsed header)", 7, 7_000],
        ["HTTP date 30 s ahead", "Sun, 01 Jun 2025 12:00:30 GMT", 30_000],
        ["HTTP date in the past: retry now", "Sun, 01 Jun 2025 11:00:00 GMT", 0],
        ["garbage word", "soon", undefined],
        ["empty header", "", undefined],
        ["blank header", "   ", undefined],
        ["negative seconds", "-1", undefined],
        ["negative number", -5, undefined],
        ["hex", "0x10", undefined],
        ["words around a number", "later 2", undefined],
        ["NaN", Number.NaN, undefined],
        ["Infinity", "Infinity", undefined],
        ["missing header", undefined, undefined],
        ["null", null, undefined],
        ["an array (repeated header)", ["1", "2"], undefined],
    ])("%s: %j -> %j ms", (_what, header, expected) => {
        expect(parseRetryAfter(header, now)).toBe(expected);
    });
});

describe("networkCode: the Node network error behind a failed request", () => {
    it.each([
        [{ code: "ECONNRESET" }, "ECONNRESET"],
        [{ code: "ETIMEDOUT" }, "ETIMEDOUT"],
        [{ code: "ECONNREFUSED" }, "ECONNREFUSED"],
        [{ code: "ECONNABORTED" }, "ECONNABORTED"],
        [{ code: "EPIPE" }, "EPIPE"],
        [{ code: "ENOTFOUND" }, "ENOTFOUND"],
        [{ code: "EAI_AGAIN" }, "EAI_AGAIN"],
        [socketFailure("EHOSTUNREACH"), "EHOSTUNREACH"],
        [new Error("socket hang up"), "ECONNRESET"],
        [{ message: "Socket hang up while reading" }, "ECONNRESET"],
        [{ code: "ERR_BAD_REQUEST" }, undefined],
        [{ code: "ERR_BAD_RESPONSE" }, undefined],
        [{ code: "ERR_NETWORK" }, undefined],
        [{ code: "ERR_CANCELED" }, undefined],
        [{ code: 500 }, undefined],
        [{ code: "conflict" }, undefined],
        [new Error("Request failed with status code 500"), undefined],
        [null, undefined],
        [undefined, undefined],
        ["ECONNRESET", undefined],
    ])("%j -> %s", (error, expected) => {
        expect(networkCode(error)).toBe(expected);
    });
});

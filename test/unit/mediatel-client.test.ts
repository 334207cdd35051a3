import { afterEach, describe, expect, it } from "vitest";
import { configureFrom, resetConfig } from "../../provider/core/config";
import { ApiError, ConfigError } from "../../provider/core/errors";
import { isAmbiguous, isNameInUse, isNotFound, mapTransportError, mediatel, MediatelError, unwrap } from "../../provider/mediatel/client";

const REQ = { method: "POST", path: "/agents", basePath: "/v1" };
const json = (v: unknown) => JSON.stringify(v);
const fail = (status: number, headers: Record<string, unknown>, text: string, req = REQ) => {
    try {
        unwrap(req, status, headers, text);
    } catch (e) {
        return e as MediatelError;
    }
    throw new Error("expected a failure");
};

describe("unwrap: the envelope decides, whatever the HTTP status said", () => {
    it.each([
        ["a list", 200, json({ error: { code: 200 }, result: [{ ID: 1 }, { ID: 3 }] }), [{ ID: 1 }, { ID: 3 }]],
        ["one object in an array", 200, json({ error: { code: 200 }, result: [{ ID: 2 }] }), [{ ID: 2 }]],
        ["DELETE's empty result", 200, json({ error: { code: 200 }, result: [] }), []],
        ["a missing result", 200, json({ error: { code: 200 } }), []],
        ["a bare object result (defensive)", 200, json({ error: { code: 200 }, result: { ID: 2 } }), [{ ID: 2 }]],
        ["code as a string", 200, json({ error: { code: "200" }, result: [1] }), [1]],
    ])("success: %s", (_what, status, text, expected) => {
        expect(unwrap(REQ, status, {}, text)).toEqual(expected);
    });

    it.each([
        // [what, HTTP status, body, status reported, detail code, words in the message]
        ["102 name in use on 409", 409, { error: { code: 409, detail: 102, entityType: 1, message: 'Login "a.b" is in use' } }, 409, 102, /409 102: name in use \(agent\) - Login "a.b" is in use/],
        ["an error envelope on HTTP 200", 200, { error: { code: 400, detail: 101 }, result: [] }, 400, 101, /400 101: invalid name/],
        ["detail under `details`", 400, { error: { code: 400, details: 100 } }, 400, 100, /invalid parameters/],
        ["detail under `id`", 403, { error: { code: 403, id: 103 } }, 403, 103, /no permissions/],
        ["106 object in use", 409, { error: { code: 409, detail: 106 } }, 409, 106, /object in use/],
        ["105 other", 500, { error: { code: 500, detail: 105 } }, 500, 105, /other error/],
        ["an unknown detail (104 is blank in the docs)", 400, { error: { code: 400, detail: 104 } }, 400, 104, /error detail 104/],
        ["498 network or local error", 498, { error: { code: 498 } }, 498, undefined, /network or local error/],
        ["an envelope that says 200 on an error status", 503, { error: { code: 200 } }, 503, undefined, /503/],
    ])("failure: %s", (_what, status, body, reported, detail, words) => {
        const e = fail(status, {}, json(body));
        expect(e).toBeInstanceOf(MediatelError);
        expect(e.status).toBe(reported);
        expect(e.detailCode).toBe(detail);
        expect(e.message).toMatch(/^Mediatel POST \/v1\/agents failed: /);
        expect(e.message).toMatch(words);
    });

    it.each([
        ["a bare 403 page from the vouch gateway", 403, "<html><h1>403 Forbidden</h1></html>"],
        ["an empty 401", 401, ""],
        ["a redirect to a login page", 302, ""],
    ])("%s is reported as an authentication problem naming the settings", (_what, status, text) => {
        const e = fail(status, { "content-type": "text/html" }, text);
        expect(e.status).toBe(status);
        expect(e.code).toBe("auth");
        expect(e.message).toMatch(/VouchCookie/);
        expect(e.message).toMatch(/telephony:mediatelToken \(MEDIATEL_TOKEN\)/);
    });

    it("a non-JSON 503 is a plain failure that keeps Retry-After", () => {
        const e = fail(503, { "retry-after": "2" }, "Service Unavailable");
        expect(e.status).toBe(503);
        expect(e.retryAfterMs).toBe(2000);
        expect(e.message).toMatch(/not the Mediatel envelope: Service Unavailable/);
    });

    it("an empty 2xx answer (a DELETE answered 204) is an empty result", () => {
        expect(unwrap(REQ, 204, {}, "")).toEqual([]);
    });

    it.each([
        ["the API's own 404 envelope: the object is gone", 404, json({ error: { code: 404, detail: 100 }, result: [] }), true],
        ["a 404 page from a proxy or a base URL without /v1: not gone, an error", 404, "<html>Not Found</html>", false],
    ])("%s", (_what, status, text, gone) => {
        const e = fail(status, {}, text);
        expect(isNotFound(e)).toBe(gone);
        if (!gone) expect(e.message).toMatch(/including \/v1/);
    });

    it("429 carries Retry-After for the shared limiter", () => {
        expect(fail(429, { "retry-after": "3" }, json({ error: { code: 429 } })).retryAfterMs).toBe(3000);
    });

    it.each([
        ["POST", 502, true],
        ["POST", 504, true],
        ["PATCH", 502, true],
        ["POST", 500, false],
        ["PUT", 502, false],
        ["GET", 504, false],
    ])("%s answered %i: ambiguous %s", (method, status, ambiguous) => {
        expect(fail(status, {}, json({ error: { code: status } }), { ...REQ, method }).ambiguous).toBe(ambiguous);
    });

    it("isNameInUse looks at the detail code, not the HTTP status", () => {
        expect(isNameInUse(fail(409, {}, json({ error: { code: 409, detail: 102 } })))).toBe(true);
        expect(isNameInUse(fail(409, {}, json({ error: { code: 409, detail: 106 } })))).toBe(false);
        expect(isNameInUse(new ApiError({ system: "x", method: "GET", path: "/", status: 409 }))).toBe(false);
    });
});

describe("mapTransportError: no answer at all", () => {
    it.each([
        ["POST", { code: "ECONNRESET" }, "ECONNRESET", true],
        ["POST", { message: "socket hang up" }, "ECONNRESET", true],
        ["PATCH", { code: "ETIMEDOUT" }, "ETIMEDOUT", true],
        ["POST", { code: "ECONNREFUSED" }, "ECONNREFUSED", false],
        ["GET", { code: "ECONNRESET" }, "ECONNRESET", false],
        ["PUT", { code: "ECONNRESET" }, "ECONNRESET", false],
    ])("%s with %j: network %s, ambiguous %s", (method, error, network, ambiguous) => {
        const e = mapTransportError(Object.assign(new Error("x"), error), { method, path: "/agents", basePath: "/v1" });
        expect(e.network).toBe(network);
        expect(isAmbiguous(e)).toBe(ambiguous);
    });

    it("never carries the request (and so never the cookie) into the message", () => {
        const axiosLike = Object.assign(new Error("socket hang up"), { code: "ECONNRESET", config: { headers: { Cookie: "VouchCookie=tok-secret" } } });
        const e = mapTransportError(axiosLike, { method: "POST", path: "/agents", basePath: "/v1" });
        expect(JSON.stringify({ ...e, message: e.message })).not.toContain("tok-secret");
    });
});

describe("mediatel(): the facade for the current settings", () => {
    afterEach(() => resetConfig());
    const settings = (s: Record<string, string>) => configureFrom((k) => s[k]);

    it.each([
        [{}, /telephony:mediatelUrl \(stack config\) or MEDIATEL_URL \(environment\)/],
        [{ "telephony:mediatelUrl": "https://mt.example.ua/v1" }, /telephony:mediatelToken \(stack config\) or MEDIATEL_TOKEN \(environment\).*--secret/],
        [{ "telephony:mediatelUrl": "http://mt.example.ua/v1", "telephony:mediatelToken": "t0ken-x" }, /must use https:\/\//],
        [{ "telephony:mediatelUrl": "not a url", "telephony:mediatelToken": "t0ken-x" }, /is not a URL/],
        [{ "telephony:mediatelUrl": "https://mt.example.ua/v1", "telephony:mediatelToken": "t0ken-x", "telephony:mediatelRequestsPerMinute": "-5" }, /positive number/],
    ])("%j: ConfigError %s, no network call", (s, message) => {
        settings(s);
        expect(() => mediatel()).toThrow(ConfigError);
        expect(() => mediatel()).toThrow(message);
    });

    it("is one facade per URL and token (shared limiter and batches), another for another token", () => {
        settings({ "telephony:mediatelUrl": "https://mt.example.ua/v1", "telephony:mediatelToken": "token-a" });
        const a = mediatel();
        expect(mediatel()).toBe(a);
        settings({ "telephony:mediatelUrl": "https://mt.example.ua/v1", "telephony:mediatelToken": "token-b" });
        expect(mediatel()).not.toBe(a);
    });

    it("takes plain http only on loopback (the sandbox)", () => {
        settings({ "telephony:mediatelUrl": "http://127.0.0.1:18611/v1", "telephony:mediatelToken": "token-a" });
        expect(() => mediatel()).not.toThrow();
    });
});

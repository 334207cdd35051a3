import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
    checkBaseUrl,
    configureFrom,
    numberSetting,
    redact,
    requireSetting,
    resetConfig,
    secretValues,
    setting,
    SETTINGS,
} from "../../provider/core/config";
import { ConfigError } from "../../provider/core/errors";

/** What `configure` receives: stack config with namespaced keys. */
const stack = (values: Record<string, string>) => configureFrom((key) => values[key]);

/** Every env var the package reads, unset, so the machine running the tests cannot leak into them. */
function clearEnv() {
    for (const s of Object.values(SETTINGS)) vi.stubEnv(s.env, undefined);
}

beforeEach(() => {
    resetConfig();
    clearEnv();
});
afterEach(() => {
    resetConfig();
    vi.unstubAllEnvs();
});

function thrown(f: () => unknown): Error {
    try {
        f();
    } catch (e) {
        return e as Error;
    }
    throw new Error("expected a throw");
}

describe("setting: stack config first, environment second", () => {
    it("stack config wins over the environment", () => {
        vi.stubEnv("GENESYSCLOUD_REGION", "eu-west-1");
        stack({ "telephony:genesysRegion": "us-east-1" });
        expect(setting("genesysRegion")).toBe("us-east-1");
    });

    it("the environment is the fallback", () => {
        vi.stubEnv("GENESYSCLOUD_REGION", "eu-west-1");
        stack({});
        expect(setting("genesysRegion")).toBe("eu-west-1");
    });

    it("unset everywhere is undefined", () => {
        expect(setting("genesysRegion")).toBeUndefined();
    });

    it.each([
        ["empty stack config falls back to the environment", { "telephony:genesysRegion": "" }, "eu-west-1", "eu-west-1"],
        ["empty environment is unset", {}, "", undefined],
        ["both empty is unset", { "telephony:genesysRegion": "" }, "", undefined],
    ])("%s", (_what, config, env, expected) => {
        vi.stubEnv("GENESYSCLOUD_REGION", env);
        stack(config);
        expect(setting("genesysRegion")).toBe(expected);
    });

    it("only namespaced keys count: a bare key is another project's setting", () => {
        stack({ genesysRegion: "us-east-1", "genesyscloud:region": "us-east-1" });
        expect(setting("genesysRegion")).toBeUndefined();
    });

    it("a later configure replaces what an earlier one copied", () => {
        stack({ "telephony:genesysRegion": "us-east-1", "telephony:mediatelUrl": "https://m.example" });
        stack({ "telephony:mediatelUrl": "https://m2.example" });
        expect(setting("genesysRegion")).toBeUndefined();
        expect(setting("mediatelUrl")).toBe("https://m2.example");
    });

    it("the environment is read at call time, so a rotated variable takes effect", () => {
        vi.stubEnv("MEDIATEL_TOKEN", "first-token");
        expect(setting("mediatelToken")).toBe("first-token");
        vi.stubEnv("MEDIATEL_TOKEN", "second-token");
        expect(setting("mediatelToken")).toBe("second-token");
    });
});

describe("requireSetting", () => {
    it("returns the value when set", () => {
        stack({ "telephony:genesysClientId": "client-1" });
        expect(requireSetting("genesysClientId", "Genesys Cloud")).toBe("client-1");
    });

    it.each(Object.keys(SETTINGS) as (keyof typeof SETTINGS)[])("a missing %s names the config key, the env var and how to set it", (name) => {
        const error = thrown(() => requireSetting(name, "Genesys Cloud login"));
        expect(error).toBeInstanceOf(ConfigError);
        expect(error.message).toContain(SETTINGS[name].key);
        expect(error.message).toContain(SETTINGS[name].env);
        expect(error.message).toContain("Genesys Cloud login");
        expect(error.message).toContain(`pulumi config set ${"secret" in SETTINGS[name] ? "--secret " : ""}${SETTINGS[name].key}`);
    });

    it("never includes a value: not the other credentials that are set", () => {
        stack({ "telephony:genesysClientId": "client-id-value", "telephony:mediatelToken": "mediatel-token-value" });
        vi.stubEnv("GENESYSCLOUD_REGION", "region-value");
        const error = thrown(() => requireSetting("genesysClientSecret", "Genesys Cloud login"));
        for (const v of ["client-id-value", "mediatel-token-value", "region-value"]) expect(error.message).not.toContain(v);
    });
});

describe("numberSetting", () => {
    it.each([
        ["unset: the fallback", undefined, 300],
        ["an integer", "120", 120],
        ["a fraction", "0.5", 0.5],
        ["surrounding spaces", " 60 ", 60],
    ])("%s", (_what, raw, expected) => {
        if (raw !== undefined) stack({ "telephony:genesysRequestsPerMinute": raw });
        expect(numberSetting("genesysRequestsPerMinute", 300)).toBe(expected);
    });

    it("reads the environment too", () => {
        vi.stubEnv("MEDIATEL_REQUESTS_PER_MINUTE", "30");
        expect(numberSetting("mediatelRequestsPerMinute", 300)).toBe(30);
    });

    it.each(["abc", "0", "-5", "Infinity", "NaN", "12 per minute"])("rejects %j, naming the key and env var", (raw) => {
        stack({ "telephony:genesysRequestsPerMinute": raw });
        const error = thrown(() => numberSetting("genesysRequestsPerMinute", 300));
        expect(error).toBeInstanceOf(ConfigError);
        expect(error.message).toContain("telephony:genesysRequestsPerMinute");
        expect(error.message).toContain("GENESYSCLOUD_REQUESTS_PER_MINUTE");
        expect(error.message).toContain("positive number");
    });
});

describe("checkBaseUrl: https everywhere, plain http only on this machine", () => {
    it.each([
        ["https://api.mypurecloud.com", "api.mypurecloud.com"],
        ["https://api.mypurecloud.de/", "api.mypurecloud.de"],
        ["https://mediatel.example.com:8443/api", "mediatel.example.com"],
        ["http://127.0.0.1:8080", "127.0.0.1"],
        ["http://localhost:3000/api", "localhost"],
        ["http://[::1]:9000", "[::1]"],
        ["https://127.0.0.1:8443", "127.0.0.1"],
    ])("accepts %s", (raw, host) => {
        expect(checkBaseUrl(raw, "genesysApiUrl").hostname).toBe(host);
    });

    it.each([
        ["plain http to a remote host", "http://api.mypurecloud.com", /must use https/],
        ["plain http to a private address", "http://10.0.0.5:8080", /must use https/],
        ["a look-alike of localhost", "http://localhost.evil.example", /must use https/],
        ["a look-alike of 127.0.0.1", "http://127.0.0.1.evil.example", /must use https/],
        ["another scheme", "ftp://files.example.com", /must be an http\(s\) URL/],
        ["a websocket", "wss://api.mypurecloud.com", /must be an http\(s\) URL/],
        ["no scheme", "api.mypurecloud.com", /is not a URL/],
        ["garbage", "not a url", /is not a URL/],
        ["empty", "", /is not a URL/],
    ])("rejects %s", (_what, raw, reason) => {
        const error = thrown(() => checkBaseUrl(raw, "mediatelUrl"));
        expect(error).toBeInstanceOf(ConfigError);
        expect(error.message).toMatch(reason);
        expect(error.message).toContain("telephony:mediatelUrl");
        expect(error.message).toContain("MEDIATEL_URL");
    });
});

describe("redact: no secret reaches an error message or log", () => {
    it("scrubs every configured secret value, from stack config and from the environment", () => {
        stack({ "telephony:genesysClientSecret": "gc-secret-1234" });
        vi.stubEnv("MEDIATEL_TOKEN", "mt-token-5678");
        expect(redact("login with gc-secret-1234 failed; token=mt-token-5678; again gc-secret-1234")).toBe(
            "login with [secret] failed; token=[secret]; again [secret]",
        );
    });

    it("knows exactly the secret settings", () => {
        stack({ "telephony:genesysClientSecret": "gc-secret-1234", "telephony:genesysClientId": "client-id-1234" });
        vi.stubEnv("MEDIATEL_TOKEN", "mt-token-5678");
        expect(secretValues().sort()).toEqual(["gc-secret-1234", "mt-token-5678"]);
    });

    it("leaves non-secret settings alone (a client id is not a secret)", () => {
        stack({ "telephony:genesysClientId": "client-id-1234", "telephony:genesysClientSecret": "gc-secret-1234" });
        expect(redact("client client-id-1234 was refused")).toBe("client client-id-1234 was refused");
    });

    it("secrets with characters special in regular expressions are scrubbed literally", () => {
        stack({ "telephony:genesysClientSecret": "a+b*c?(d)[e]$" });
        expect(redact("secret a+b*c?(d)[e]$ end")).toBe("secret [secret] end");
    });

    it("values too short to be a secret are not scrubbed (they would mangle every message)", () => {
        stack({ "telephony:mediatelToken": "abc" });
        expect(redact("abc abc")).toBe("abc abc");
    });

    it("with no secrets configured the text is unchanged", () => {
        expect(redact("nothing to hide")).toBe("nothing to hide");
    });
});

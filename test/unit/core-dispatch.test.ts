import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { mock } from "jest-mock-extended";
import { z } from "zod";
import type * as pulumi from "@pulumi/pulumi";
import { configureFrom, requireSetting, resetConfig, SETTINGS } from "../../provider/core/config";
import * as dispatch from "../../provider/core/dispatch";
import { ApiError, IncompleteCreateError, InputError } from "../../provider/core/errors";
import { ResourceDefinition } from "../../provider/core/resource";
import { UNKNOWN } from "../../provider/core/unknown";

/** A client facade, as a resource's hooks see it. */
interface FakeApi {
    findRole(name: string): Promise<string | undefined>;
}

const schema = z.strictObject({
    email: z.email(),
    name: z.string().min(1),
    roles: z.array(z.strictObject({ role: z.string().min(1) })).default([]),
    title: z.string().optional(),
});
type Inputs = z.infer<typeof schema>;
type Outputs = Inputs & { userId: string; createdAt?: string };

const PROVIDER = "exports.handler = function () { /* serialised shim */ }";
const SECRET = "gc-client-secret-value";

/** A resource definition whose hooks are mocks; connect() needs the client secret like a real facade. */
function fakeDefinition() {
    const api = mock<FakeApi>();
    const def = {
        kind: "test:User",
        schema,
        inputKeys: ["email", "name", "roles", "title"],
        connect: vi.fn((): FakeApi => {
            requireSetting("genesysClientSecret", "Genesys Cloud login");
            return api;
        }),
        diff: { keys: ["email", "name", "roles", "title"], replaces: ["email"], deleteBeforeReplace: true },
        validate: vi.fn(async (_inputs: Inputs, _api: FakeApi) => {}),
        create: vi.fn(async (_inputs: Inputs, _api: FakeApi): Promise<{ id: string; outs: Outputs }> => {
            throw new Error("not scripted");
        }),
        read: vi.fn(async (_id: string, _props: Outputs, _api: FakeApi): Promise<Outputs | undefined> => undefined),
        update: vi.fn(async (_id: string, _olds: Outputs, _news: Inputs, _api: FakeApi): Promise<Outputs> => {
            throw new Error("not scripted");
        }),
        delete: vi.fn(async (_id: string, _props: Outputs, _api: FakeApi) => {}),
    } satisfies ResourceDefinition<Inputs, Outputs, FakeApi>;
    return { def, api };
}

const goodInputs = { email: "ada@example.com", name: "Ada Lovelace", roles: [{ role: "Agent" }] };
const withProvider = <T extends object>(props: T) => ({ ...props, __provider: PROVIDER });

/** Every hook that may touch the remote system. */
const hooksOf = (def: ReturnType<typeof fakeDefinition>["def"]) => [def.validate, def.create, def.read, def.update, def.delete];

beforeEach(() => {
    resetConfig();
    for (const s of Object.values(SETTINGS)) vi.stubEnv(s.env, undefined);
    configureFrom((key) => (key === "telephony:genesysClientSecret" ? SECRET : undefined));
});
afterEach(() => {
    resetConfig();
    vi.unstubAllEnvs();
});

describe("check", () => {
    it.each([
        ["a bad email", { email: "nope", name: "Ada" }, ["email"]],
        ["an empty role name", { ...goodInputs, roles: [{ role: "" }] }, ["roles[0].role"]],
        ["a misspelt input", { ...goodInputs, titel: "Agent" }, ["titel"]],
        ["several mistakes", { email: "nope", name: "", roles: [{}] }, ["email", "name", "roles[0].role"]],
    ])("%s: failures name the properties; no hook runs with invalid input", async (_what, news, properties) => {
        const { def } = fakeDefinition();
        const result = await dispatch.check(def, {}, withProvider(news));
        expect(result.failures?.map((f) => f.property).sort()).toEqual(properties.sort());
        expect(result.inputs).toEqual(withProvider(news));
        for (const hook of hooksOf(def)) expect(hook).not.toHaveBeenCalled();
        expect(def.connect).not.toHaveBeenCalled();
    });

    it("valid input: defaults applied, __provider restored, remote validation run with the parsed value", async () => {
        const { def, api } = fakeDefinition();
        const result = await dispatch.check(def, {}, withProvider({ email: "ada@example.com", name: "Ada" }));
        expect(result).toEqual({ inputs: { email: "ada@example.com", name: "Ada", roles: [], __provider: PROVIDER }, failures: [] });
        expect(def.validate).toHaveBeenCalledWith({ email: "ada@example.com", name: "Ada", roles: [] }, api);
    });

    it("calls connect(), so a missing credential fails at check, before any write", async () => {
        const { def } = fakeDefinition();
        resetConfig(); // no client secret anywhere
        const error = await dispatch.check(def, {}, withProvider(goodInputs)).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(Error);
        expect((error as Error).message).toContain("telephony:genesysClientSecret");
        expect((error as Error).message).toContain("GENESYSCLOUD_OAUTHCLIENT_SECRET");
        expect((error as Error).name).toBe("ConfigError");
        expect(def.validate).not.toHaveBeenCalled();
    });

    it("an InputError from remote validation becomes a failure naming the property", async () => {
        const { def } = fakeDefinition();
        def.validate.mockRejectedValueOnce(new InputError("roles[0].role", 'no role named "Agnet"; did you mean "Agent"?'));
        const news = withProvider({ ...goodInputs, roles: [{ role: "Agnet" }] });
        expect(await dispatch.check(def, {}, news)).toEqual({
            inputs: news,
            failures: [{ property: "roles[0].role", reason: 'no role named "Agnet"; did you mean "Agent"?' }],
        });
    });

    it("any other error from remote validation is thrown, scrubbed of secrets", async () => {
        const { def } = fakeDefinition();
        def.validate.mockRejectedValueOnce(new Error(`token request with ${SECRET} refused`));
        await expect(dispatch.check(def, {}, withProvider(goodInputs))).rejects.toThrow("token request with [secret] refused");
    });

    it("preview unknowns: no failures, inputs passed through, no hook runs", async () => {
        const { def } = fakeDefinition();
        const news = withProvider({ ...goodInputs, email: UNKNOWN, roles: UNKNOWN });
        expect(await dispatch.check(def, {}, news)).toEqual({ inputs: news, failures: [] });
        for (const hook of hooksOf(def)) expect(hook).not.toHaveBeenCalled();
    });

    it("an unknown __provider (preview of a provider change) is passed back as it came", async () => {
        const { def } = fakeDefinition();
        const result = await dispatch.check(def, {}, { ...goodInputs, __provider: UNKNOWN });
        expect(result.inputs?.__provider).toBe(UNKNOWN);
    });
});

describe("diff", () => {
    const state = { ...goodInputs, userId: "u-1", __provider: PROVIDER };
    it.each([
        ["same inputs, new provider code", { ...goodInputs, __provider: "exports.handler = 'v2'" }, { changes: false, replaces: [], deleteBeforeReplace: false }],
        ["a changed name", { ...goodInputs, name: "Ada King", __provider: PROVIDER }, { changes: true, replaces: [], deleteBeforeReplace: false }],
        ["a changed email", { ...goodInputs, email: "ada.king@example.com", __provider: PROVIDER }, { changes: true, replaces: ["email"], deleteBeforeReplace: true }],
    ])("%s", async (_what, news, expected) => {
        const { def } = fakeDefinition();
        expect(await dispatch.diff(def, "u-1", state, news)).toEqual(expected);
    });

    it("a diff function gets olds and news without __provider", async () => {
        const custom = vi.fn((): pulumi.dynamic.DiffResult => ({ changes: false }));
        const { def } = fakeDefinition();
        const d = { ...def, diff: custom };
        await dispatch.diff(d, "u-1", state, { ...goodInputs, __provider: PROVIDER });
        expect(custom).toHaveBeenCalledWith({ ...goodInputs, userId: "u-1" }, goodInputs);
    });
});

describe("create", () => {
    it("passes the parsed inputs (defaults, no __provider) and sanitises the outputs", async () => {
        const { def, api } = fakeDefinition();
        def.create.mockResolvedValueOnce({
            id: "u-1",
            outs: {
                email: "ada@example.com",
                name: "Ada",
                roles: [],
                title: undefined,
                userId: "u-1",
                createdAt: new Date("2025-06-01T12:00:00Z") as unknown as string,
            },
        });
        const result = await dispatch.create(def, withProvider({ email: "ada@example.com", name: "Ada" }));
        expect(def.create).toHaveBeenCalledWith({ email: "ada@example.com", name: "Ada", roles: [] }, api);
        expect(result).toEqual({
            id: "u-1",
            outs: { email: "ada@example.com", name: "Ada", roles: [], userId: "u-1", createdAt: "2025-06-01T12:00:00.000Z" },
        });
        expect(Object.keys(result.outs)).not.toContain("title");
    });

    it("input that skipped check is still refused before the hook runs, naming the property", async () => {
        const { def } = fakeDefinition();
        await expect(dispatch.create(def, withProvider({ ...goodInputs, email: "nope" }))).rejects.toThrow(/^email: /);
        expect(def.create).not.toHaveBeenCalled();
    });

    it("a half-finished create keeps the object in state: the error carries id, properties with __provider, and reasons", async () => {
        const { def } = fakeDefinition();
        const outs = { ...goodInputs, userId: "u-1", title: undefined, createdAt: new Date("2025-06-01T00:00:00Z") };
        def.create.mockRejectedValueOnce(
            new IncompleteCreateError("u-1", outs, new ApiError({ system: "Genesys Cloud", method: "PUT", path: "/api/v2/users/u-1/roles", status: 403 })),
        );
        const error = (await dispatch.create(def, withProvider(goodInputs)).catch((e: unknown) => e)) as Error & {
            id: string;
            properties: Record<string, unknown>;
            reasons: string[];
        };
        expect(error).toBeInstanceOf(Error);
        expect(error.id).toBe("u-1");
        expect(error.properties).toEqual({ ...goodInputs, userId: "u-1", createdAt: "2025-06-01T00:00:00.000Z", __provider: PROVIDER });
        expect(error.reasons).toEqual([error.message]);
        expect(error.message).toBe("created u-1 but could not finish: Genesys Cloud PUT /api/v2/users/u-1/roles failed: 403");
    });

    it("a half-finished create's message is scrubbed of secrets too", async () => {
        const { def } = fakeDefinition();
        def.create.mockRejectedValueOnce(new IncompleteCreateError("u-1", { userId: "u-1" }, new Error(`bad secret ${SECRET}`)));
        const error = (await dispatch.create(def, withProvider(goodInputs)).catch((e: unknown) => e)) as Error & { reasons: string[] };
        expect(error.message).not.toContain(SECRET);
        expect(error.reasons.join(" ")).not.toContain(SECRET);
        expect(error.message).toContain("[secret]");
    });

    it("an ordinary failure carries no id: nothing is kept in state", async () => {
        const { def } = fakeDefinition();
        def.create.mockRejectedValueOnce(new ApiError({ system: "Genesys Cloud", method: "POST", path: "/api/v2/users", status: 400, detail: "bad" }));
        const error = await dispatch.create(def, withProvider(goodInputs)).catch((e: unknown) => e);
        expect(error).not.toHaveProperty("id");
        expect(error).toMatchObject({ name: "ApiError", message: "Genesys Cloud POST /api/v2/users failed: 400: bad" });
    });
});

describe("read", () => {
    it("an object that is gone reads as id \"\" so refresh drops it", async () => {
        const { def } = fakeDefinition();
        def.read.mockResolvedValueOnce(undefined);
        expect(await dispatch.read(def, "u-1", { ...goodInputs, userId: "u-1", __provider: PROVIDER })).toEqual({ id: "", props: {} });
    });

    it("returns the live outputs, and as inputs the managed input keys of them", async () => {
        const { def, api } = fakeDefinition();
        def.read.mockResolvedValueOnce({
            email: "ada@example.com",
            name: "Ada K. (renamed in the admin UI)",
            roles: [{ role: "Agent" }],
            title: undefined,
            userId: "u-1",
            createdAt: new Date("2025-06-01T00:00:00Z") as unknown as string,
        });
        const state = { ...goodInputs, userId: "u-1", __provider: PROVIDER };
        const result = await dispatch.read(def, "u-1", state);
        expect(def.read).toHaveBeenCalledWith("u-1", { ...goodInputs, userId: "u-1" }, api);
        expect(result).toEqual({
            id: "u-1",
            props: {
                email: "ada@example.com",
                name: "Ada K. (renamed in the admin UI)",
                roles: [{ role: "Agent" }],
                userId: "u-1",
                createdAt: "2025-06-01T00:00:00.000Z",
            },
            inputs: { email: "ada@example.com", name: "Ada K. (renamed in the admin UI)", roles: [{ role: "Agent" }] },
        });
    });

    it("errors are thrown scrubbed of secrets", async () => {
        const { def } = fakeDefinition();
        def.read.mockRejectedValueOnce(new Error(`Authorization: Basic ${SECRET}`));
        await expect(dispatch.read(def, "u-1", { userId: "u-1", __provider: PROVIDER })).rejects.toThrow("Authorization: Basic [secret]");
    });
});

describe("update and delete", () => {
    it("update gets the old outputs without __provider and the parsed new inputs; outputs are sanitised", async () => {
        const { def, api } = fakeDefinition();
        def.update.mockResolvedValueOnce({ ...goodInputs, name: "Ada King", title: undefined, userId: "u-1" });
        const olds = { ...goodInputs, userId: "u-1", __provider: PROVIDER };
        const result = await dispatch.update(def, "u-1", olds, withProvider({ ...goodInputs, name: "Ada King" }));
        expect(def.update).toHaveBeenCalledWith("u-1", { ...goodInputs, userId: "u-1" }, { ...goodInputs, name: "Ada King" }, api);
        expect(result).toEqual({ outs: { ...goodInputs, name: "Ada King", userId: "u-1" } });
    });

    it("update refuses invalid new inputs before the hook runs", async () => {
        const { def } = fakeDefinition();
        await expect(dispatch.update(def, "u-1", { userId: "u-1" }, withProvider({ ...goodInputs, name: "" }))).rejects.toThrow(/^name: /);
        expect(def.update).not.toHaveBeenCalled();
    });

    it("delete gets the outputs without __provider", async () => {
        const { def, api } = fakeDefinition();
        await dispatch.remove(def, "u-1", { ...goodInputs, userId: "u-1", __provider: PROVIDER });
        expect(def.delete).toHaveBeenCalledWith("u-1", { ...goodInputs, userId: "u-1" }, api);
    });

    it.each([
        ["update", (def: ReturnType<typeof fakeDefinition>["def"]) => dispatch.update(def, "u-1", {}, withProvider(goodInputs))],
        ["delete", (def: ReturnType<typeof fakeDefinition>["def"]) => dispatch.remove(def, "u-1", { userId: "u-1" })],
    ])("%s errors reach the engine scrubbed of secrets", async (_what, run) => {
        const { def } = fakeDefinition();
        def.update.mockRejectedValueOnce(new Error(`secret=${SECRET}`));
        def.delete.mockRejectedValueOnce(new Error(`secret=${SECRET}`));
        const error = (await run(def).catch((e: unknown) => e)) as Error;
        expect(error.message).toBe("secret=[secret]");
    });
});

describe("configure and secrets", () => {
    it("configure copies the stack config the engine sends, and errors are scrubbed of those secrets", async () => {
        resetConfig();
        const values: Record<string, string> = { "telephony:genesysClientSecret": "from-configure-9876" };
        dispatch.configure({ config: { get: (k: string) => values[k], require: (k: string) => values[k] } } as unknown as pulumi.dynamic.ConfigureRequest);
        const { def } = fakeDefinition();
        def.delete.mockRejectedValueOnce("a thrown string with from-configure-9876 in it");
        await expect(dispatch.remove(def, "u-1", {})).rejects.toThrow("a thrown string with [secret] in it");
    });

    it("an environment secret is scrubbed as well", async () => {
        resetConfig();
        vi.stubEnv("GENESYSCLOUD_OAUTHCLIENT_SECRET", "from-env-secret-4321");
        const { def } = fakeDefinition();
        def.delete.mockRejectedValueOnce(new Error("client_secret=from-env-secret-4321"));
        await expect(dispatch.remove(def, "u-1", {})).rejects.toThrow("client_secret=[secret]");
    });

    it("forEngine keeps the package's error names and no nested objects", () => {
        const api = new ApiError({ system: "Mediatel", method: "GET", path: "/agents", status: 500, correlationId: "c-1" });
        const e = dispatch.forEngine(api);
        expect(e.name).toBe("ApiError");
        expect(e.message).toBe("Mediatel GET /agents failed: 500 (correlation id c-1)");
        for (const key of ["status", "system", "path", "correlationId", "cause"]) expect(e).not.toHaveProperty(key);
        expect(dispatch.forEngine(new TypeError("x")).name).toBe("Error");
    });
});

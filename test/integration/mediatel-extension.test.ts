/**
 * mediatel.Extension against the emulator over real HTTP, through the dispatch layer the provider process uses.
 * Concurrent creates and deletes travel as PATCH batches; every fault must leave exactly the declared extensions.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { configureFrom } from "../../provider/core/config";
import * as dispatch from "../../provider/core/dispatch";
import { extensionDefinition as def } from "../../provider/mediatel/extension";
import { MediatelEmulator } from "../emulators/mediatel";

const TOKEN = "extension-it-token-9c1d";
// a separate emulator per file keeps the per-URL client (limiter, batches) to this file
const emu = new MediatelEmulator({ token: TOKEN });
type Props = Record<string, any>;

const pool = (from: number, n: number): Props[] =>
    Array.from({ length: n }, (_, i) => ({
        extension: String(from + i),
        type: 3,
        protocol: "SIP",
        destAddress: "webrtc-hes.creditkasa.ua",
        destination: String(from + i),
        codecs: ["g711a", "g711u"],
    }));

async function create(raw: Props): Promise<{ id: string; outs: Props }> {
    const c = await dispatch.check(def, {}, raw);
    expect(c.failures).toEqual([]);
    return (await dispatch.create(def, c.inputs)) as { id: string; outs: Props };
}
const named = (name: string) => [...emu.extensions.values()].filter((e) => e.E_Extension === name);
const calls = () => emu.log.map((r) => `${r.method} ${r.path}`);

beforeAll(async () => {
    await emu.start();
    configureFrom((k) => ({ "telephony:mediatelUrl": emu.baseUrl, "telephony:mediatelToken": TOKEN })[k]);
});
afterAll(() => emu.stop());
beforeEach(() => emu.reset());

describe("lifecycle", () => {
    it("creates, reads, changes and deletes one extension", async () => {
        const [spec] = pool(3450, 1);
        const { id, outs } = await create({ ...spec, description: "agent pool A" });
        expect(id).toBe("15");
        expect(emu.extensions.get(15)).toEqual({
            E_ID: 15,
            E_Extension: "3450",
            Protocol: "SIP",
            E_Type: 3,
            E_Description: "agent pool A",
            E_DialOutIdentities: "",
            ContactDisplay: "",
            DestAddress: "webrtc-hes.creditkasa.ua",
            Destination: "3450",
            Codecs: ["g711a", "g711u"],
            ConnectionType: "",
            DTMFSupport: [],
            FromDisplay: "",
            Payload: "",
        });
        expect(calls()).toEqual(["POST /v1/extensions"]);
        expect(outs).toEqual({ ...spec, description: "agent pool A", extensionId: 15 });

        const read = await dispatch.read(def, id, outs);
        expect(read.props).toEqual(outs);

        const news = (await dispatch.check(def, outs, { ...spec, description: "agent pool B", dtmfSupport: ["rfc2833"] })).inputs;
        expect(await dispatch.diff(def, id, outs, news)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
        emu.clearLog();
        const { outs: changed } = await dispatch.update(def, id, outs, news);
        expect(emu.requests("PUT").map((r) => r.body)).toEqual([{ E_Description: "agent pool B", DTMFSupport: ["rfc2833"] }]);
        expect(changed).toMatchObject({ description: "agent pool B", dtmfSupport: ["rfc2833"] });

        emu.clearLog();
        await dispatch.remove(def, id, changed);
        expect(emu.extensions.has(15)).toBe(false);
        expect(calls()).toEqual(["GET /v1/extensions/15", "DELETE /v1/extensions/15"]);
    });

    it("a new name is a replacement that deletes first (names are unique)", async () => {
        const [spec] = pool(3450, 1);
        const { id, outs } = await create(spec);
        const news = (await dispatch.check(def, outs, { ...spec, extension: "3460" })).inputs;
        expect(await dispatch.diff(def, id, outs, news)).toEqual({ changes: true, replaces: ["extension"], deleteBeforeReplace: true });
    });

    it("refresh shows drift in managed fields only; update converges them", async () => {
        const { id, outs } = await create(pool(3450, 1)[0]);
        emu.uiEditExtension(Number(id), { Destination: "0999", E_Description: "note by hand" });
        const read = await dispatch.read(def, id, outs);
        expect(read.props.destination).toBe("0999");
        expect(read.props).not.toHaveProperty("description");
        await dispatch.update(def, id, read.props, (await dispatch.check(def, read.props, pool(3450, 1)[0])).inputs);
        expect(emu.extensions.get(Number(id))).toMatchObject({ Destination: "3450", E_Description: "note by hand" });
    });

    it("an existing extension of the name is refused unless adopt: true (then its managed fields are set)", async () => {
        const spec = { extension: "3444", type: 3, destination: "3444", codecs: ["g711a"] };
        await expect(create(spec)).rejects.toThrow(/extension: extension "3444" already exists \(E_ID 14\).*adopt: true/);
        expect(named("3444")[0].Codecs).toEqual(["g711a", "g711u"]);
        const { id } = await create({ ...spec, adopt: true });
        expect(id).toBe("14");
        expect(named("3444")).toHaveLength(1);
        expect(named("3444")[0].Codecs).toEqual(["g711a"]);
    });

    it("E_IDs are reused: ours deleted by hand and the E_ID taken again means gone, and delete leaves the newcomer alone", async () => {
        const { id, outs } = await create(pool(3450, 1)[0]);
        emu.uiDeleteExtension(Number(id));
        const other = emu.uiCreateExtension({ E_Extension: "SIP9", E_Type: 5 });
        expect(String(other.E_ID)).toBe(id); // max + 1 again
        expect((await dispatch.read(def, id, outs)).id).toBe("");
        emu.clearLog();
        await dispatch.remove(def, id, outs);
        expect(emu.writes()).toEqual([]);
    });

    it("an extension in use cannot be deleted: the error says so", async () => {
        const { id, outs } = await create(pool(3450, 1)[0]);
        emu.extensionsInUse.add(Number(id));
        await expect(dispatch.remove(def, id, outs)).rejects.toThrow(/409 106: object in use/);
        expect(emu.extensions.has(Number(id))).toBe(true);
    });

    it.each([
        [{ "telephony:mediatelToken": TOKEN }, /telephony:mediatelUrl \(stack config\) or MEDIATEL_URL \(environment\)/],
        [{ "telephony:mediatelUrl": "EMU" }, /telephony:mediatelToken \(stack config\) or MEDIATEL_TOKEN \(environment\)/],
    ])("a missing setting (%j) fails check naming the config key and the variable, before any request", async (settings, message) => {
        const s: Record<string, string> = { ...settings };
        if (s["telephony:mediatelUrl"]) s["telephony:mediatelUrl"] = emu.baseUrl;
        configureFrom((k) => s[k]);
        try {
            await expect(dispatch.check(def, {}, pool(3450, 1)[0])).rejects.toThrow(message);
            expect(emu.log).toEqual([]);
        } finally {
            configureFrom((k) => ({ "telephony:mediatelUrl": emu.baseUrl, "telephony:mediatelToken": TOKEN })[k]);
        }
    });

    it("bad input is named in check and nothing is sent", async () => {
        const r = await dispatch.check(def, {}, { extension: "34 50", type: "3", payload: 127 });
        expect(r.failures!.map((f) => f.property).sort()).toEqual(["extension", "payload", "type"]);
        expect(emu.log).toEqual([]);
    });
});

describe("a pool of extensions: batched", () => {
    it("20 concurrent creates go out as one PATCH; 20 concurrent deletes as one list and one PATCH", async () => {
        const made = await Promise.all(pool(3500, 20).map(create));
        expect(calls()).toEqual(["PATCH /v1/extensions"]);
        expect(made.map((m) => m.outs.extension)).toEqual(pool(3500, 20).map((p) => p.extension));
        for (const m of made) expect(emu.extensions.get(Number(m.id))!.E_Extension).toBe(m.outs.extension);

        emu.clearLog();
        const read = await Promise.all(made.map((m) => dispatch.read(def, m.id, m.outs)));
        expect(read.every((r, i) => r.id === made[i].id)).toBe(true);
        expect(calls()).toEqual(["GET /v1/extensions"]);

        emu.clearLog();
        await Promise.all(made.map((m) => dispatch.remove(def, m.id, m.outs)));
        expect(calls()).toEqual(["GET /v1/extensions", "PATCH /v1/extensions"]);
        expect(emu.requests("PATCH")[0].body).toEqual({ Deleted: made.map((m) => ({ E_ID: Number(m.id) })), Inserted: [] });
        expect([...emu.extensions.keys()].sort((a, b) => a - b)).toEqual([9, 13, 14]);
    });

    it("one taken name in a batch: the server refuses the whole batch, each then gets its own answer", async () => {
        const specs = [...pool(3600, 3), { extension: "SIP", type: 5 }];
        const results = await Promise.allSettled(specs.map(create));
        expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "fulfilled", "rejected"]);
        expect(String((results[3] as PromiseRejectedResult).reason.message)).toMatch(/extension "SIP" already exists/);
        expect(emu.requests("PATCH").map((r) => r.status)).toEqual([409]);
        expect(emu.requests("POST").length).toBe(4);
        for (const s of pool(3600, 3)) expect(named(s.extension)).toHaveLength(1);
    });

    it("a server without PATCH: one refusal, then every write goes one by one", async () => {
        // a facade of its own (the base URL spelled with a trailing slash), so the others keep batching
        configureFrom((k) => ({ "telephony:mediatelUrl": `${emu.baseUrl}/`, "telephony:mediatelToken": TOKEN })[k]);
        try {
            emu.inject({ method: "PATCH", path: "/v1/extensions", times: 99, fault: { kind: "status", status: 405 } });
            await Promise.all(pool(3700, 3).map(create));
            await Promise.all(pool(3710, 3).map(create));
            expect(emu.requests("PATCH")).toHaveLength(1);
            expect(emu.requests("POST")).toHaveLength(6);
        } finally {
            configureFrom((k) => ({ "telephony:mediatelUrl": emu.baseUrl, "telephony:mediatelToken": TOKEN })[k]);
        }
    });
});

describe("faults: no duplicate extension, no orphan", () => {
    const exactlyOnce = (made: { id: string; outs: Props }[], specs: Props[]) => {
        for (const [i, s] of specs.entries()) {
            expect(named(s.extension)).toHaveLength(1);
            expect(String(named(s.extension)[0].E_ID)).toBe(made[i].id);
        }
        expect(emu.extensions.size).toBe(3 + specs.length);
    };

    it.each([
        ["dropped before it was applied", { kind: "drop-before" } as const],
        ["dropped after it was applied", { kind: "drop-after" } as const],
    ])("a batch of 10 whose connection was %s", async (_what, fault) => {
        emu.inject({ method: "PATCH", path: "/v1/extensions", fault });
        const specs = pool(3800, 10);
        const made = await Promise.all(specs.map(create));
        exactlyOnce(made, specs);
        expect(emu.requests("PATCH")[0].fault).toBe(fault.kind);
    });

    it.each([
        ["dropped before it was applied", { kind: "drop-before" } as const],
        ["dropped after it was applied", { kind: "drop-after" } as const],
    ])("a single POST whose connection was %s", async (_what, fault) => {
        emu.inject({ method: "POST", path: "/v1/extensions", fault });
        const specs = pool(3900, 1);
        exactlyOnce([await create(specs[0])], specs);
    });

    it("429 with Retry-After on a batch: the batch waits and goes again once", async () => {
        emu.inject({ method: "PATCH", path: "/v1/extensions", fault: { kind: "status", status: 429, retryAfterSeconds: 1 } });
        const specs = pool(4000, 5);
        const made = await Promise.all(specs.map(create));
        exactlyOnce(made, specs);
        const [first, second] = emu.requests("PATCH");
        expect([first.status, second.status]).toEqual([429, 200]);
        expect(second.at - first.at).toBeGreaterThanOrEqual(950);
    });

    it("503 on a single create and on a read: retried", async () => {
        emu.inject({ method: "POST", path: "/v1/extensions", fault: { kind: "status", status: 503 } });
        const specs = pool(4100, 1);
        const made = await create(specs[0]);
        exactlyOnce([made], specs);
        emu.inject({ method: "GET", path: `/v1/extensions/${made.id}`, fault: { kind: "status", status: 503 } });
        expect((await dispatch.read(def, made.id, made.outs)).id).toBe(made.id);
    });

    it("a dropped batch delete: each delete is resent alone; all gone", async () => {
        const made = await Promise.all(pool(4200, 4).map(create));
        emu.inject({ method: "PATCH", path: "/v1/extensions", fault: { kind: "drop-after" } });
        await Promise.all(made.map((m) => dispatch.remove(def, m.id, m.outs)));
        expect(emu.requests("PATCH").map((r) => r.fault)).toEqual([undefined, "drop-after"]);
        expect([...emu.extensions.keys()].sort((a, b) => a - b)).toEqual([9, 13, 14]);
    });

    it("498 (Mediatel network or local error) surfaces as a readable error", async () => {
        emu.inject({ method: "POST", path: "/v1/extensions", fault: { kind: "status", status: 498 } });
        await expect(create(pool(4300, 1)[0])).rejects.toThrow(/498.*network or local error/);
        expect(named("4300")).toHaveLength(0);
    });
});

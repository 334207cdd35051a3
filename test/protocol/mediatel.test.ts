/**
 * Both Mediatel resource types through the real dynamic-provider server (the shim serialised as
 * `pulumi.dynamic.Resource` does it, gRPC, protobuf Structs, a fresh provider process) against the Mediatel emulator.
 * Assertions are on the emulator's state and request log, on what crosses the protocol, and on what the provider
 * process prints: never a token or a password in plain text outside the `password` output itself (which the Agent
 * class marks secret with additionalSecretOutputs, see test/unit/mediatel-classes.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MediatelEmulator, passwordHash, SEED } from "../emulators/mediatel";
import { plain, ProviderError, ProviderProcess, secret, serializeProvider, startProvider, UNKNOWN } from "./harness";

const TOKEN = "protocol-vouch-token-5e2b9";
const AGENT = "mediatel:Agent";
const EXTENSION = "mediatel:Extension";
const TEMPLATE = SEED.agents.find((a) => a.Login === "AGENT_TEMPLATE_CK_01")!;

let emu: MediatelEmulator;
let p: ProviderProcess;
const config = () => ({ "telephony:mediatelUrl": emu.baseUrl, "telephony:mediatelToken": secret(TOKEN) });
const passwords: string[] = [];

beforeAll(async () => {
    emu = new MediatelEmulator({ token: TOKEN });
    await emu.start();
    p = await startProvider(config(), { TELEPHONY_LOG: "debug" }); // the chattiest setting must still leak nothing
});
afterAll(async () => {
    await p?.stop();
    await emu?.stop();
});

async function up(kind: string, inputs: Record<string, unknown>) {
    const checked = await p.check(kind, {}, inputs);
    expect(checked.failures).toEqual([]);
    return p.create(kind, checked.inputs);
}

/** Everything but the password output, as text: where a password must never appear. */
const exceptPassword = (props: Record<string, unknown>) => JSON.stringify({ ...props, password: undefined });

describe("the serialised provider", () => {
    it.each([AGENT, EXTENSION])("%s: a small shim with no secret and no module captured", async (kind) => {
        const { text, containsSecrets } = await serializeProvider(kind);
        expect(containsSecrets).toBe(false);
        expect(text.length).toBeLessThan(2000);
        expect(text).not.toContain(TOKEN);
        expect(text).not.toMatch(/axios|VouchCookie|zod/);
    });
});

describe("mediatel.Agent through the provider protocol", () => {
    it("check names a bad login and sends nothing", async () => {
        emu.clearLog();
        const r = await p.check(AGENT, {}, { login: "Ivan Ivanov", email: "ivan.ivanov@creditkasa.ua", template: "AGENT_TEMPLATE_CK_01" });
        expect(r.failures).toEqual([{ property: "login", reason: expect.stringMatching(/name\.surname, e\.g\. ivan\.ivanov/) }]);
        expect(emu.log).toEqual([]);
    });

    it("check during preview skips unknowns and sends nothing", async () => {
        emu.clearLog();
        const r = await p.check(AGENT, {}, { login: UNKNOWN, email: "x@creditkasa.ua", template: "AGENT_TEMPLATE_CK_01" });
        expect(r.failures).toEqual([]);
        expect(emu.log).toEqual([]);
    });

    it("create -> unchanged diff -> read -> update -> password drift -> delete, with the logical delete first", async () => {
        const args = { login: "ivan.ivanov", email: "ivan.ivanov@creditkasa.ua", template: "AGENT_TEMPLATE_CK_01", clientApp: { timeForDialOut: 25 } };
        const created = await up(AGENT, args);
        const id = created.id;
        const outs = plain(created.outs);
        passwords.push(outs.password);
        const stored = emu.agents.get(Number(id))!;
        expect(stored).toMatchObject({ Login: "ivan.ivanov", Details: args.email, Domain: TEMPLATE.Domain, ClientApp: { ...TEMPLATE.ClientApp, TimeForDialOut: 25 } });
        expect(stored.Password).toBe(passwordHash(outs.password));
        expect(outs).toEqual({ ...args, active: true, deletion: "hard", agentId: Number(id), password: outs.password, passwordInSync: true });
        expect(exceptPassword(outs)).not.toContain(outs.password);
        expect(typeof created.outs.__provider).toBe("string");

        // an unchanged program: no change, and no API call at all
        emu.clearLog();
        const news = (await p.check(AGENT, args, args)).inputs;
        expect(await p.diff(AGENT, id, created.outs, news)).toEqual({ changes: "none", replaces: [], deleteBeforeReplace: false });
        expect(emu.log).toEqual([]);

        // refresh: one read
        const read = await p.read(AGENT, id, created.outs);
        expect(read.id).toBe(id);
        expect(plain(read.props)).toEqual(outs);
        expect(emu.log.map((r) => `${r.method} ${r.path}`)).toEqual([`GET /v1/agents/${id}`]);

        // update: e-mail and a default skill
        const changedArgs = { ...args, email: "i.ivanov@creditkasa.ua", defaultSkill: 7 };
        const changedNews = (await p.check(AGENT, args, changedArgs)).inputs;
        expect((await p.diff(AGENT, id, read.props, changedNews)).changes).toBe("some");
        const updated = await p.update(AGENT, id, read.props, changedNews);
        expect(plain(updated.outs)).toMatchObject({ email: "i.ivanov@creditkasa.ua", defaultSkill: 7, password: outs.password });
        expect(emu.agents.get(Number(id))).toMatchObject({ Details: "i.ivanov@creditkasa.ua", DefaultSkill: 7 });

        // the password changed by hand: refresh sees it, the diff wants an update, the update sets ours back
        emu.uiEditAgent(Number(id), { PlainPassword: "typed-by-hand" });
        const drifted = await p.read(AGENT, id, updated.outs);
        expect(drifted.props.passwordInSync).toBe(false);
        expect((await p.diff(AGENT, id, drifted.props, changedNews)).changes).toBe("some");
        await p.update(AGENT, id, drifted.props, changedNews);
        expect(emu.agents.get(Number(id))!.Password).toBe(passwordHash(outs.password));

        // destroy: PUT {State:0}, then DELETE
        emu.clearLog();
        await p.delete(AGENT, id, updated.outs);
        expect(emu.writes().map((r) => `${r.method} ${r.path} ${JSON.stringify(r.body ?? null)}`)).toEqual([
            `PUT /v1/agents/${id} {"State":0}`,
            `DELETE /v1/agents/${id} null`,
        ]);
        expect(emu.agents.has(Number(id))).toBe(false);
    });

    it("reactivates a soft-deleted login instead of duplicating it; deletion: soft leaves State 0", async () => {
        const holder = emu.agentByLogin("olena.kovalenko")!;
        const created = await up(AGENT, { login: "olena.kovalenko", email: "olena.k@creditkasa.ua", template: 10, deletion: "soft", password: "Olena-pass-2024" });
        passwords.push("Olena-pass-2024");
        expect(created.id).toBe(String(holder.ID));
        expect([...emu.agents.values()].filter((a) => a.Login === "olena.kovalenko")).toHaveLength(1);
        expect(emu.agents.get(holder.ID)).toMatchObject({ State: 1, Password: passwordHash("Olena-pass-2024") });
        await p.delete(AGENT, created.id, created.outs);
        expect(emu.agents.get(holder.ID)!.State).toBe(0);
    });

    it("a create whose answer was lost is recovered: one agent, id in state", async () => {
        emu.inject({ method: "POST", path: "/v1/agents", fault: { kind: "drop-after" } });
        const created = await up(AGENT, { login: "petro.petrenko", email: "petro.petrenko@creditkasa.ua", template: "AGENT_TEMPLATE_CK_02" });
        passwords.push(plain(created.outs).password);
        const found = [...emu.agents.values()].filter((a) => a.Login === "petro.petrenko");
        expect(found.map((a) => String(a.ID))).toEqual([created.id]);
    });

    it("errors cross the protocol readable and without the password or the token", async () => {
        const created = await up(AGENT, { login: "anna.bondar", email: "anna.bondar@creditkasa.ua", template: "AGENT_TEMPLATE_CK_01", password: "Anna-first-1" });
        passwords.push("Anna-first-1", "Anna-second-2");
        emu.inject({ method: "PUT", fault: { kind: "status", status: 400, code: "100", message: 'bad Password "Anna-second-2"' } });
        const news = (await p.check(AGENT, {}, { login: "anna.bondar", email: "anna.bondar@creditkasa.ua", template: "AGENT_TEMPLATE_CK_01", password: "Anna-second-2" })).inputs;
        const err = await p.update(AGENT, created.id, created.outs, news).catch((e) => e);
        expect(err).toBeInstanceOf(ProviderError);
        expect(err.message).toMatch(/Mediatel PUT \/v1\/agents\/\d+ failed: 400 100: invalid parameters/);
        expect(err.message).not.toContain("Anna-second-2");
        expect(err.message).not.toContain(TOKEN);
    });

    it("an unknown template fails create naming `template`, with nothing written", async () => {
        emu.clearLog();
        const err = await up(AGENT, { login: "oleh.savchenko", email: "o.s@creditkasa.ua", template: "AGENT_TEMPLATE_CK_1" }).catch((e) => e);
        expect(err.message).toMatch(/template: no agent named "AGENT_TEMPLATE_CK_1"; did you mean "AGENT_TEMPLATE_CK_01"/);
        expect(emu.writes()).toEqual([]);
    });
});

describe("mediatel.Extension through the provider protocol", () => {
    it("create -> diff -> read -> update -> replace decision -> delete", async () => {
        const args = { extension: "3460", type: 3, protocol: "SIP", destAddress: "webrtc-hes.creditkasa.ua", destination: "3460", codecs: ["g711a", "g711u"] };
        const created = await up(EXTENSION, args);
        expect(plain(created.outs)).toEqual({ ...args, extensionId: Number(created.id) });
        expect(emu.extensions.get(Number(created.id))).toMatchObject({ E_Extension: "3460", E_Type: 3, Codecs: ["g711a", "g711u"] });

        emu.clearLog();
        expect(await p.diff(EXTENSION, created.id, created.outs, args)).toEqual({ changes: "none", replaces: [], deleteBeforeReplace: false });
        expect(emu.log).toEqual([]);
        expect(await p.diff(EXTENSION, created.id, created.outs, { ...args, extension: "3461" })).toEqual({ changes: "some", replaces: ["extension"], deleteBeforeReplace: true });

        const read = await p.read(EXTENSION, created.id, created.outs);
        expect(plain(read.props)).toEqual(plain(created.outs));

        const updated = await p.update(EXTENSION, created.id, read.props, { ...args, type: 5, dtmfSupport: ["rfc2833"] });
        expect(plain(updated.outs)).toMatchObject({ type: 5, dtmfSupport: ["rfc2833"] });
        expect(emu.extensions.get(Number(created.id))).toMatchObject({ E_Type: 5, DTMFSupport: ["rfc2833"] });

        await p.delete(EXTENSION, created.id, updated.outs);
        expect(emu.extensions.has(Number(created.id))).toBe(false);
    });

    it("20 extensions created in parallel through the server arrive as few batches, each once", async () => {
        emu.clearLog();
        const made = await Promise.all(Array.from({ length: 20 }, (_, i) => up(EXTENSION, { extension: String(3500 + i), type: 3 })));
        for (const m of made) expect(emu.extensions.get(Number(m.id))!.E_Extension).toBe(m.outs.extension);
        const writes = emu.writes();
        expect(writes.every((r) => r.method === "PATCH" || r.method === "POST")).toBe(true);
        expect(writes.length).toBeLessThan(10);
        await Promise.all(made.map((m) => p.delete(EXTENSION, m.id, m.outs)));
        expect([...emu.extensions.values()].filter((e) => /^35\d\d$/.test(e.E_Extension))).toEqual([]);
    });

    it("a refresh of a gone extension returns an empty id", async () => {
        const created = await up(EXTENSION, { extension: "3470", type: 3 });
        emu.uiDeleteExtension(Number(created.id));
        expect((await p.read(EXTENSION, created.id, created.outs)).id).toBe("");
    });
});

describe("secrets", () => {
    it("the provider process never printed the token or a password", () => {
        expect(passwords.length).toBeGreaterThanOrEqual(4);
        const out = p.output();
        expect(out).not.toContain(TOKEN);
        for (const pw of passwords) expect(out).not.toContain(pw);
    });
});

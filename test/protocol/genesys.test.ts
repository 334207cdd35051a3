/**
 * Every Genesys resource type through the real dynamic-provider server (serialised shim, gRPC, Structs) against
 * the Genesys emulator over HTTP. Assertions are on the emulator's state and request log.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GenesysEmulator, SEED } from "../emulators/genesys";
import { plain, ProviderError, ProviderProcess, secret, serializeProvider, startProvider, UNKNOWN } from "./harness";

const KINDS = ["genesys:User", "genesys:UserRoles", "genesys:GroupMembership", "genesys:WebRtcPhone", "genesys:DefaultStation"];

let emu: GenesysEmulator;
let p: ProviderProcess;
const config = () => ({
    "telephony:genesysApiUrl": emu.url,
    "telephony:genesysClientId": SEED.client.id,
    "telephony:genesysClientSecret": secret(SEED.client.secret),
});

beforeAll(async () => {
    emu = new GenesysEmulator();
    await emu.start();
    p = await startProvider(config());
});
afterAll(async () => {
    await p?.stop();
    await emu?.stop();
});

/** check, then create with the checked inputs, as the engine does. */
async function up(kind: string, inputs: Record<string, unknown>) {
    const checked = await p.check(kind, {}, inputs);
    expect(checked.failures).toEqual([]);
    return p.create(kind, checked.inputs);
}

describe("a person provisioned and deprovisioned through the provider protocol", () => {
    it("converges against an API that indexes stations 1.5 s late and answers some requests with 429", async () => {
        emu.stationIndexLagMs = 1500;
        emu.inject({ method: "POST", path: "/api/v2/users", fault: { kind: "status", status: 429, retryAfterSeconds: 1 } });
        emu.inject({ method: "GET", pathPattern: "^/api/v2/stations$", fault: { kind: "status", status: 429, retryAfterSeconds: 1 } });
        emu.inject({ method: "POST", pathPattern: "/members$", fault: { kind: "status", status: 503 } });

        const person = { name: "Olena Kovalenko", email: "olena.kovalenko@example.com", title: "Agent", department: "Sales" };
        const user = await up("genesys:User", person);
        expect(plain(user.outs)).toEqual({ ...person, state: "active" });
        expect(emu.user(user.id)).toMatchObject({ email: person.email, title: "Agent", state: "active" });

        const roles = await up("genesys:UserRoles", { userId: user.id, roles: [{ role: "Communicate" }] });
        expect(roles.outs.grants).toEqual([{ roleId: SEED.roles.communicate, divisionId: SEED.divisions.home }]);
        expect(emu.grantsOf(user.id)).toEqual([{ roleId: SEED.roles.communicate, divisionId: SEED.divisions.home }]);

        const member = await up("genesys:GroupMembership", { group: "Sales Team", userId: user.id });
        expect(member.outs.groupId).toBe(SEED.groups.salesTeam);
        expect(emu.membersOf(SEED.groups.salesTeam)).toContain(user.id);

        const phone = await up("genesys:WebRtcPhone", { userId: user.id, site: "London" });
        expect(plain(phone.outs)).toMatchObject({ userId: user.id, site: "London", siteId: SEED.sites.london, phoneBaseSettingsId: SEED.phoneBases.webrtc });
        expect(emu.phonesOf(user.id).map((x) => x.id)).toEqual([phone.id]);

        const started = Date.now();
        const station = await up("genesys:DefaultStation", { userId: user.id, phoneId: phone.id });
        expect(Date.now() - started).toBeGreaterThanOrEqual(1000); // it really waited for the index
        const stationId = emu.stationOf(phone.id)!.id;
        expect(station.outs).toMatchObject({ userId: user.id, phoneId: phone.id, stationId });
        expect(emu.defaultStationOf(user.id)).toBe(stationId);

        // a title changed by hand shows as drift, and the update reverts it
        emu.adminEditUser(user.id, { title: "Changed by hand" });
        const read = await p.read("genesys:User", user.id, user.outs);
        expect(read.props.title).toBe("Changed by hand");
        const drift = await p.diff("genesys:User", user.id, read.props, { ...person, state: "active" });
        expect(drift).toMatchObject({ changes: "some", replaces: [] });
        await p.update("genesys:User", user.id, read.props, { ...person, state: "active" });
        expect(emu.user(user.id)!.title).toBe("Agent");

        // a default station changed by hand shows as drift, and the update puts it back
        emu.adminSetDefaultStation(user.id, undefined);
        const stRead = await p.read("genesys:DefaultStation", station.id, station.outs);
        expect(stRead.props.defaultStationId).toBe("");
        expect((await p.diff("genesys:DefaultStation", station.id, stRead.props, { userId: user.id, phoneId: phone.id })).changes).toBe("some");
        await p.update("genesys:DefaultStation", station.id, stRead.props, { userId: user.id, phoneId: phone.id });
        expect(emu.defaultStationOf(user.id)).toBe(stationId);

        // destroy, in the engine's reverse dependency order
        await p.delete("genesys:DefaultStation", station.id, station.outs);
        expect(emu.defaultStationOf(user.id)).toBeUndefined();
        await p.delete("genesys:WebRtcPhone", phone.id, phone.outs);
        expect(emu.phonesOf(user.id)).toEqual([]);
        await p.delete("genesys:GroupMembership", member.id, member.outs);
        expect(emu.membersOf(SEED.groups.salesTeam)).not.toContain(user.id);
        await p.delete("genesys:UserRoles", roles.id, roles.outs);
        expect(emu.grantsOf(user.id)).toEqual([]);
        await p.delete("genesys:User", user.id, user.outs);
        expect(emu.user(user.id)?.state ?? "deleted").toBe("deleted");
        expect(emu.userByEmail(person.email)!.state).toBe("deleted");

        // creating the user again restores the same user
        const again = await up("genesys:User", person);
        expect(again.id).toBe(user.id);
        expect(emu.user(user.id)!.state).toBe("active");
        expect(emu.requests("POST", "^/api/v2/users$").filter((r) => r.status === 200)).toHaveLength(1);
        await p.delete("genesys:User", again.id, again.outs);
    });
});

describe("bad input fails at check, naming the property, before any write", () => {
    it.each([
        ["genesys:User", { name: "Ivan", email: "ivan at example" }, "email", /email/],
        ["genesys:UserRoles", { userId: SEED.users.existingAdmin, roles: [{ role: "Comunicate" }] }, "roles[0].role", /did you mean "Communicate"/],
        ["genesys:WebRtcPhone", { userId: SEED.users.existingAdmin, site: "Lodnon" }, "site", /did you mean "London"/],
        ["genesys:GroupMembership", { group: "Night Shfit", userId: SEED.users.existingAdmin }, "group", /did you mean "Night Shift"/],
        ["genesys:DefaultStation", { userId: SEED.users.existingAdmin }, "phoneId", /.+/],
    ])("%s %j -> %s", async (kind, inputs, property, reason) => {
        emu.clearLog();
        const { failures } = await p.check(kind, {}, inputs);
        expect(failures).toEqual([expect.objectContaining({ property, reason: expect.stringMatching(reason) })]);
        expect(emu.writes()).toEqual([]);
    });

    it("a missing client secret names the config key and the env var, and nothing reaches the API", async () => {
        const bare = await startProvider({ "telephony:genesysApiUrl": emu.url, "telephony:genesysClientId": SEED.client.id }, { GENESYSCLOUD_OAUTHCLIENT_SECRET: "" });
        emu.clearLog();
        try {
            const err = await bare.check("genesys:User", {}, { name: "Ivan", email: "ivan@example.com" }).catch((e) => e);
            expect(err).toBeInstanceOf(ProviderError);
            expect(err.message).toMatch(/telephony:genesysClientSecret.*GENESYSCLOUD_OAUTHCLIENT_SECRET/);
            expect(emu.log).toEqual([]);
        } finally {
            await bare.stop();
        }
    });

    it("an active user of the same email that the stack does not own is refused, saying how to proceed", async () => {
        emu.clearLog();
        const err = await p.create("genesys:User", { name: "Someone", email: SEED.emails.existingAdmin, state: "active" }).catch((e) => e);
        expect(err.message).toMatch(/already exists.*adopt: true/);
        expect(emu.writes()).toEqual([]);
    });
});

describe("preview: unknown values", () => {
    it("check passes unknown inputs through without failures or API calls", async () => {
        emu.clearLog();
        const res = await p.check("genesys:DefaultStation", {}, { userId: UNKNOWN, phoneId: UNKNOWN });
        expect(res.failures).toEqual([]);
        const roles = await p.check("genesys:UserRoles", {}, { userId: UNKNOWN, roles: UNKNOWN });
        expect(roles.failures).toEqual([]);
        expect(emu.writes()).toEqual([]);
    });

    it("diff treats an unknown replacing input as a replacement", async () => {
        const d = await p.diff("genesys:WebRtcPhone", "ph", { userId: "u-1", site: "London", name: "n", siteId: "s", phoneBaseSettingsId: "b" }, { userId: UNKNOWN, site: "London" });
        expect(d).toEqual({ changes: "some", replaces: ["userId"], deleteBeforeReplace: true });
    });
});

describe("failures leave nothing behind", () => {
    it("a create that fails after the user exists is kept in state (id and properties with __provider)", async () => {
        emu.inject({ method: "PATCH", pathPattern: "^/api/v2/users/", fault: { kind: "status", status: 400, message: "injected" } });
        const err = await p.create("genesys:User", { name: "Half Done", email: "half.done@example.com", managerId: SEED.users.existingAdmin, state: "active" }).catch((e) => e);
        emu.clearFaults();
        expect(err).toBeInstanceOf(ProviderError);
        const created = emu.userByEmail("half.done@example.com")!;
        expect(err.initFailure).toMatchObject({ id: created.id, properties: expect.objectContaining({ email: "half.done@example.com" }) });
        expect(typeof err.initFailure.properties.__provider).toBe("string");
        // the next `pulumi up` updates it in place
        await p.update("genesys:User", created.id, err.initFailure.properties, { name: "Half Done", email: "half.done@example.com", managerId: SEED.users.existingAdmin, state: "active" });
        expect(emu.user(created.id)!.manager?.id).toBe(SEED.users.existingAdmin);
        await p.delete("genesys:User", created.id, err.initFailure.properties);
    });

    it("read of a deleted user reports it gone (empty id)", async () => {
        const u = await up("genesys:User", { name: "Short Stay", email: "short.stay@example.com" });
        emu.model.deleteUser(u.id);
        const r = await p.read("genesys:User", u.id, u.outs);
        expect(r.id).toBe("");
    });
});

describe("concurrency", () => {
    it("concurrent first calls to a fresh provider process all find their methods (configure runs first)", async () => {
        const fresh = await startProvider(config());
        try {
            const made = await Promise.all(
                [1, 2, 3, 4, 5, 6].map((i) => fresh.create("genesys:User", { name: `First Caller ${i}`, email: `first.caller${i}@example.com`, state: "active" })),
            );
            for (const { id } of made) expect(emu.user(id)!.state).toBe("active");
        } finally {
            await fresh.stop();
        }
    });

    it("six people joining one group at once all land, batched, despite a concurrent writer", async () => {
        const users = await Promise.all(
            [1, 2, 3, 4, 5, 6].map((i) => up("genesys:User", { name: `Night Worker ${i}`, email: `night.worker${i}@example.com` })),
        );
        emu.clearLog();
        emu.inject({ method: "POST", pathPattern: "/members$", fault: { kind: "status", status: 409, code: "general.conflict", message: "version mismatch" } });
        await Promise.all(users.map((u) => up("genesys:GroupMembership", { group: "Night Shift", userId: u.id })));
        expect(emu.membersOf(SEED.groups.nightShift)).toEqual(expect.arrayContaining(users.map((u) => u.id)));
        expect(emu.requests("POST", "/members$").length).toBeLessThanOrEqual(3);
    });
});

describe("what is stored in state", () => {
    it.each(KINDS)("%s: __provider is small, credential-free and requires only the runtime entry", async (kind) => {
        const { text, containsSecrets } = await serializeProvider(kind);
        expect(text.length).toBeLessThan(2000);
        expect(containsSecrets).toBe(false);
        expect(text).not.toContain(SEED.client.secret);
        const requires = [...text.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]);
        const builtins = new Set(require("node:module").builtinModules as string[]);
        for (const r of requires) expect(r === "pulumi-telephony/runtime" || builtins.has(r.replace(/^node:/, ""))).toBe(true);
        expect(requires).toContain("pulumi-telephony/runtime");
    });

    it("the provider process never printed the client secret or a token", () => {
        expect(p.output()).not.toContain(SEED.client.secret);
        expect(p.output()).not.toMatch(/Bearer [A-Za-z0-9]/);
    });
});

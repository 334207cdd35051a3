/**
 * The Genesys Cloud emulator, driven through the real purecloud-platform-client-v2 SDK over HTTP on 127.0.0.1.
 * In default mode the SDK rejects API errors with the parsed Genesys error body (not an Error), login errors and
 * transport errors with the AxiosError.
 */
import platformClient from "purecloud-platform-client-v2";
import { afterEach, describe, expect, it } from "vitest";
import { GenesysEmulator, GenesysEmulatorOptions, SEED } from "../emulators/genesys";

type Client = InstanceType<typeof platformClient.ApiClientClass>;

/** A fake clock for lags and token expiry: tests advance it instead of sleeping. */
function fakeClock(start = 1_700_000_000_000) {
    const c = { t: start, now: () => c.t, advance: (ms: number) => void (c.t += ms) };
    return c;
}

let emulators: GenesysEmulator[] = [];
afterEach(async () => {
    await Promise.all(emulators.map((e) => e.stop()));
    emulators = [];
});

async function start(opts: GenesysEmulatorOptions = {}) {
    const emu = new GenesysEmulator(opts);
    emulators.push(emu);
    await emu.start();
    return emu;
}

function sdkClient(emu: GenesysEmulator): Client {
    const client = new platformClient.ApiClientClass();
    client.config.setConfigPath("");
    const u = new URL(emu.url);
    client.setGateway({ host: u.hostname, protocol: "http", port: u.port } as never);
    return client;
}

/** An emulator plus a logged-in SDK client and its API classes. */
async function connect(opts: GenesysEmulatorOptions = {}) {
    const emu = await start(opts);
    const client = sdkClient(emu);
    await client.loginClientCredentialsGrant(SEED.client.id, SEED.client.secret);
    return {
        emu,
        client,
        users: new platformClient.UsersApi(client),
        auth: new platformClient.AuthorizationApi(client),
        groups: new platformClient.GroupsApi(client),
        edges: new platformClient.TelephonyProvidersEdgeApi(client),
        stations: new platformClient.StationsApi(client),
    };
}

/** The rejection value of a promise that must fail. */
async function failure(p: Promise<unknown>): Promise<any> {
    try {
        await p;
    } catch (e) {
        return e;
    }
    throw new Error("expected the call to fail");
}

const webRtcPhone = (userId: string, name = `phone-${userId.slice(0, 8)}`) => ({
    name,
    site: { id: SEED.sites.london },
    phoneBaseSettings: { id: SEED.phoneBases.webrtc },
    lines: [{ name: "line", lineBaseSettings: { id: SEED.lineBases.webrtc } }],
    webRtcUser: { id: userId },
});

describe("OAuth", () => {
    it("issues a bearer token for a configured client and accepts it", async () => {
        const { emu, client, users } = await connect({ clients: [SEED.client, { id: "other", secret: "s2" }] });
        expect((client as any).authData.accessToken).toMatch(/\S{20,}/);
        const other = sdkClient(emu);
        const auth = await other.loginClientCredentialsGrant("other", "s2");
        expect(auth.accessToken).not.toBe((client as any).authData.accessToken);
        await expect(users.getUser(SEED.users.existingAdmin)).resolves.toMatchObject({ email: SEED.emails.existingAdmin });
    });

    it.each([
        ["bad secret", SEED.client.id, "nope"],
        ["unknown client", "who", SEED.client.secret],
    ])("rejects a %s with 401 invalid_client", async (_label, id, secret) => {
        const emu = await start();
        const e = await failure(sdkClient(emu).loginClientCredentialsGrant(id, secret));
        expect(e.response.status).toBe(401);
        expect(e.response.data.error).toBe("invalid_client");
    });

    it.each([
        ["no token", (emu: GenesysEmulator) => void emu],
        ["revoked tokens", (emu: GenesysEmulator) => emu.revokeTokens()],
    ])("answers 401 authentication.required with %s", async (label, spoil) => {
        const { emu, client, users } = await connect();
        if (label === "no token") client.setAccessToken("");
        spoil(emu);
        const e = await failure(users.getUser(SEED.users.existingAdmin));
        expect(e).toMatchObject({ status: 401, code: "authentication.required", details: [], errors: [] });
        expect(e.contextId).toMatch(/^[0-9a-f-]{36}$/);
    });

    it("expires tokens after tokenLifetimeSeconds", async () => {
        const clock = fakeClock();
        const { client, users } = await connect({ now: clock.now, tokenLifetimeSeconds: 60 });
        expect((client as any).authData.tokenExpiryTime - Date.now()).toBeGreaterThan(55_000);
        await users.getUser(SEED.users.existingAdmin);
        clock.advance(60_000);
        expect(await failure(users.getUser(SEED.users.existingAdmin))).toMatchObject({ status: 401 });
    });
});

describe("users", () => {
    it("creates a user in the home division with version 1", async () => {
        const { emu, users } = await connect();
        const u = await users.postUsers({ name: "Jane Doe", email: "jane@example.com", title: "Agent" } as never);
        expect(u).toMatchObject({ name: "Jane Doe", email: "jane@example.com", username: "jane@example.com", state: "active", version: 1, title: "Agent", division: { id: SEED.divisions.home, name: "Home" } });
        expect(emu.userByEmail("JANE@example.com")?.id).toBe(u.id);
    });

    it.each([
        ["missing name", { email: "x@example.com" }, 400, "bad.request", /'name'/],
        ["missing email", { name: "X" }, 400, "bad.request", /'email'/],
        ["invalid email", { name: "X", email: "not-an-email" }, 400, "bad.request", /'email'/],
        ["unknown division", { name: "X", email: "x@example.com", divisionId: "nope" }, 400, "bad.request", /division/],
        ["active user's email", { name: "X", email: SEED.emails.existingAdmin }, 409, "general.conflict", /Email already in use/],
        ["deleted user's email", { name: "X", email: "FORMER.agent@example.com" }, 409, "general.conflict", /Email already in use/],
    ])("rejects a create with %s", async (_label, body, status, code, message) => {
        const { emu, users } = await connect();
        const before = emu.model.users.size;
        const e = await failure(users.postUsers(body as never));
        expect(e).toMatchObject({ status, code });
        expect(e.message).toMatch(message);
        expect(emu.model.users.size).toBe(before);
    });

    it("patches with the current version only", async () => {
        const { emu, users } = await connect();
        const u = await users.postUsers({ name: "Jane", email: "jane@example.com" } as never);
        const e = await failure(users.patchUser(u.id!, { version: 7, title: "Boss" }));
        expect(e).toMatchObject({ status: 409, code: "general.conflict", message: "The version supplied (7) does not match the current version (1)" });
        expect(await failure(users.patchUser(u.id!, { title: "Boss" } as never))).toMatchObject({ status: 400, code: "bad.request" });
        const p = await users.patchUser(u.id!, { version: 1, title: "Boss", manager: SEED.users.existingAdmin });
        expect(p).toMatchObject({ version: 2, title: "Boss", manager: { id: SEED.users.existingAdmin } });
        expect(await failure(users.patchUser(u.id!, { version: 2, manager: "nobody" }))).toMatchObject({ status: 400 });
        const cleared = await users.patchUser(u.id!, { version: 2, manager: "" });
        expect(cleared.manager).toBeUndefined();
        // an admin edit in the UI bumps the version behind the client's back
        emu.adminEditUser(u.id!, { department: "Ops" });
        expect(await failure(users.patchUser(u.id!, { version: 3, title: "x" }))).toMatchObject({ status: 409 });
        expect(emu.user(u.id!)).toMatchObject({ version: 4, department: "Ops", title: "Boss" });
    });

    it("soft-deletes a user, hides it, and restores it with a PATCH of state", async () => {
        const { emu, users, groups } = await connect();
        const u = await users.postUsers({ name: "Jane", email: "jane@example.com" } as never);
        emu.adminGrant(u.id!, SEED.roles.agent, SEED.divisions.home);
        const g = await groups.getGroup(SEED.groups.salesTeam);
        await groups.postGroupMembers(SEED.groups.salesTeam, { memberIds: [u.id!], version: g.version });
        await expect(users.deleteUser(u.id!)).resolves.toEqual({});

        expect(await failure(users.getUser(u.id!))).toMatchObject({ status: 404, code: "not.found" });
        expect(await failure(users.deleteUser(u.id!))).toMatchObject({ status: 404 });
        const deleted = await users.getUser(u.id!, { state: "deleted" });
        expect(deleted).toMatchObject({ state: "deleted", version: 2, email: "jane@example.com" });
        expect(emu.grantsOf(u.id!)).toEqual([]);
        expect(emu.membersOf(SEED.groups.salesTeam)).toEqual([]);

        const e = await failure(users.patchUser(u.id!, { version: 2, title: "x" }));
        expect(e).toMatchObject({ status: 404 });
        expect(await failure(users.patchUser(u.id!, { version: 1, state: "active" }))).toMatchObject({ status: 409 });
        const restored = await users.patchUser(u.id!, { version: 2, state: "active" });
        expect(restored).toMatchObject({ id: u.id, email: "jane@example.com", state: "active", version: 3 });
        expect(emu.grantsOf(u.id!)).toEqual([]);
    });

    it("lists by ids and state (default: only active), paged", async () => {
        const { users } = await connect();
        const a = await users.postUsers({ name: "A", email: "a@example.com" } as never);
        const b = await users.postUsers({ name: "B", email: "b@example.com", state: "inactive" } as never);
        const ids = [a.id!, b.id!, SEED.users.formerAgent, SEED.users.existingAdmin];
        const cases: [string | undefined, string[]][] = [
            [undefined, [a.id!, SEED.users.existingAdmin]],
            ["inactive", [b.id!]],
            ["deleted", [SEED.users.formerAgent]],
            ["any", ids],
        ];
        for (const [state, want] of cases) {
            const page = await users.getUsers({ id: ids, state, pageSize: 100 });
            expect(page.entities!.map((u) => u.id).sort(), String(state)).toEqual([...want].sort());
        }
        const p1 = await users.getUsers({ id: ids, state: "any", pageSize: 3, expand: ["groups", "station"] });
        expect(p1).toMatchObject({ pageSize: 3, pageNumber: 1, total: 4, pageCount: 2 });
        expect(p1.nextUri).toContain("pageNumber=2");
        expect(p1.entities![0]).toHaveProperty("groups");
        expect(await failure(users.getUsers({ pageSize: 501 }))).toMatchObject({ status: 400 });
        expect((await users.getUser(b.id!)).state).toBe("inactive");
    });

    it("search reflects each user as it was searchLagMs ago", async () => {
        const clock = fakeClock();
        const { users } = await connect({ now: clock.now, searchLagMs: 5_000 });
        const byEmail = (email: string, states?: string[]) =>
            users.postUsersSearch({
                query: [{ type: "EXACT", fields: ["email"], value: email }, ...(states ? [{ type: "EXACT", fields: ["state"], values: states }] : [])],
            });
        const u = await users.postUsers({ name: "Jane", email: "jane@example.com" } as never);
        expect((await byEmail("jane@example.com")).total).toBe(0);
        clock.advance(5_000);
        expect((await byEmail("jane@example.com")).results).toMatchObject([{ id: u.id, state: "active" }]);

        await users.deleteUser(u.id!);
        const all = ["active", "inactive", "deleted"];
        expect((await byEmail("jane@example.com", ["deleted"])).total).toBe(0);
        expect((await byEmail("jane@example.com", all)).results).toMatchObject([{ state: "active" }]);
        clock.advance(5_000);
        expect((await byEmail("jane@example.com")).total).toBe(0);
        expect((await byEmail("jane@example.com", ["deleted"])).results).toMatchObject([{ id: u.id, state: "deleted", version: 2 }]);
        // seeded users are indexed from the start
        expect((await byEmail(SEED.emails.formerAgent, ["deleted"])).total).toBe(1);
    });
});

describe("roles and grants", () => {
    it("replaces, adds and removes direct grants; the subject view includes group grants", async () => {
        const { emu, users, auth, groups } = await connect();
        const u = await users.postUsers({ name: "Jane", email: "jane@example.com" } as never);
        const agent = { roleId: SEED.roles.agent, divisionId: SEED.divisions.home };
        const comm = { roleId: SEED.roles.communicate, divisionId: SEED.divisions.sales };
        await auth.postAuthorizationSubjectBulkreplace(u.id!, { grants: [agent, agent] }, { subjectType: "PC_USER" });
        expect(emu.grantsOf(u.id!)).toEqual([agent]);
        await auth.postAuthorizationSubjectBulkadd(u.id!, { grants: [comm] }, { subjectType: "PC_USER" });
        expect(emu.grantsOf(u.id!)).toEqual([agent, comm]);

        const g = await groups.getGroup(SEED.groups.supportTeam);
        await groups.postGroupMembers(SEED.groups.supportTeam, { memberIds: [u.id!], version: g.version });
        const subject = await auth.getAuthorizationSubject(u.id!, { includeDuplicates: true });
        expect(subject.grants!.map((x) => [x.subjectId, x.role!.name, x.division!.name])).toEqual([
            [u.id, "Agent", "Home"],
            [u.id, "Communicate", "Sales"],
            [SEED.groups.supportTeam, "Employee", "Home"],
        ]);
        // a role held directly and through a group: with duplicates both grants, by default only the group's
        await auth.postAuthorizationSubjectBulkadd(u.id!, { grants: [{ roleId: SEED.roles.employee, divisionId: SEED.divisions.home }] });
        const employee = (gs: { subjectId?: string; role?: { id?: string } }[]) => gs.filter((x) => x.role!.id === SEED.roles.employee).map((x) => x.subjectId);
        expect(employee((await auth.getAuthorizationSubject(u.id!, { includeDuplicates: true })).grants!)).toEqual([u.id, SEED.groups.supportTeam]);
        expect(employee((await auth.getAuthorizationSubject(u.id!)).grants!)).toEqual([SEED.groups.supportTeam]);

        // bulkreplace leaves inherited grants alone
        await auth.postAuthorizationSubjectBulkreplace(u.id!, { grants: [comm] }, { subjectType: "PC_USER" });
        await auth.postAuthorizationSubjectBulkremove(u.id!, { grants: [comm] });
        expect(emu.grantsOf(u.id!)).toEqual([]);
        expect((await auth.getAuthorizationSubject(u.id!)).grants).toHaveLength(1);
    });

    it.each([
        ["unknown role", "nope", SEED.divisions.home, /Role nope/],
        ["unknown division", SEED.roles.agent, "nope", /Division nope/],
    ])("answers 404 naming the %s", async (_l, roleId, divisionId, message) => {
        const { auth } = await connect();
        const e = await failure(auth.postAuthorizationSubjectBulkadd(SEED.users.existingAdmin, { grants: [{ roleId, divisionId }] }, { subjectType: "PC_USER" }));
        expect(e).toMatchObject({ status: 404, code: "not.found" });
        expect(e.message).toMatch(message);
    });

    it("looks roles up by name and 404s subjects of deleted users", async () => {
        const { auth } = await connect();
        const roles = await auth.getAuthorizationRoles({ name: "communicate" });
        expect(roles.entities).toMatchObject([{ id: SEED.roles.communicate, name: "Communicate" }]);
        expect(roles.entities![0].permissions).toContain("conversation:call:add");
        expect(await failure(auth.getAuthorizationSubject(SEED.users.formerAgent))).toMatchObject({ status: 404 });
        expect(await auth.getAuthorizationDivisionsHome()).toMatchObject({ id: SEED.divisions.home, name: "Home", homeDivision: true });
    });
});

describe("groups", () => {
    it("adds members only with the group's current version", async () => {
        const { emu, users, groups } = await connect();
        const a = await users.postUsers({ name: "A", email: "a@example.com" } as never);
        const b = await users.postUsers({ name: "B", email: "b@example.com" } as never);
        const v = (await groups.getGroup(SEED.groups.nightShift)).version!;
        await expect(groups.postGroupMembers(SEED.groups.nightShift, { memberIds: [a.id!], version: v })).resolves.toEqual({});
        // a second writer that read the same version collides
        expect(await failure(groups.postGroupMembers(SEED.groups.nightShift, { memberIds: [b.id!], version: v }))).toMatchObject({ status: 409, code: "general.conflict" });
        emu.touchGroup(SEED.groups.nightShift);
        expect(await failure(groups.postGroupMembers(SEED.groups.nightShift, { memberIds: [b.id!], version: v + 1 }))).toMatchObject({ status: 409 });
        await groups.postGroupMembers(SEED.groups.nightShift, { memberIds: [a.id!, b.id!], version: v + 2 });
        expect(emu.membersOf(SEED.groups.nightShift)).toEqual([a.id, b.id]);
        const cases: [string, unknown, number][] = [
            ["no version", { memberIds: [a.id] }, 400],
            ["deleted user", { memberIds: [SEED.users.formerAgent], version: v + 3 }, 400],
            ["unknown user", { memberIds: ["nobody"], version: v + 3 }, 400],
        ];
        for (const [label, body, status] of cases) {
            expect(await failure(groups.postGroupMembers(SEED.groups.nightShift, body as never)), label).toMatchObject({ status });
        }
        const members = await groups.getGroupMembers(SEED.groups.nightShift);
        expect(members.entities!.map((u) => u.email)).toEqual(["a@example.com", "b@example.com"]);
        await groups.deleteGroupMembers(SEED.groups.nightShift, a.id!);
        expect(await groups.getGroup(SEED.groups.nightShift)).toMatchObject({ memberCount: 1, version: v + 4 });
        const tooMany = Array.from({ length: 51 }, (_, i) => `id${i}`).join(",");
        expect(await failure(groups.deleteGroupMembers(SEED.groups.nightShift, tooMany))).toMatchObject({ status: 400 });
    });
});

describe("phones and stations", () => {
    it("creates a WebRTC phone whose station is listed only after the index lag", async () => {
        const clock = fakeClock();
        const { emu, users, edges, stations } = await connect({ now: clock.now, stationIndexLagMs: 1500 });
        const u = await users.postUsers({ name: "Jane", email: "jane@example.com" } as never);
        const bases = await edges.getTelephonyProvidersEdgesPhonebasesettings({ name: "webrtc phone base", expand: ["lines"] });
        expect(bases.entities).toMatchObject([{ id: SEED.phoneBases.webrtc, phoneMetaBase: { id: "inin_webrtc_softphone.json" }, lines: [{ id: SEED.lineBases.webrtc }] }]);
        const sites = await edges.getTelephonyProvidersEdgesSites({ name: "PureCloud Voice*" });
        expect(sites.entities!.map((s) => s.id)).toEqual([SEED.sites.aws]);

        const phone = await edges.postTelephonyProvidersEdgesPhones(webRtcPhone(u.id!, "Jane WebRTC") as never);
        expect(phone).toMatchObject({ name: "Jane WebRTC", state: "active", webRtcUser: { id: u.id }, site: { id: SEED.sites.london, name: "London" } });
        const station = emu.stationOf(phone.id!)!;
        expect(station).toMatchObject({ type: "inin_webrtc_softphone", status: "AVAILABLE", webRtcUserId: u.id, lineAppearanceId: phone.lines![0].id });

        expect((await stations.getStations({ webRtcUserId: u.id })).entities).toEqual([]);
        await expect(stations.getStation(station.id)).resolves.toMatchObject({ id: station.id });
        clock.advance(1499);
        expect((await stations.getStations({ webRtcUserId: u.id })).total).toBe(0);
        clock.advance(1);
        expect((await stations.getStations({ webRtcUserId: u.id })).entities).toMatchObject([{ id: station.id }]);
        expect((await edges.getTelephonyProvidersEdgesPhones({ webRtcUserId: u.id })).entities!.map((p) => p.id)).toEqual([phone.id]);
    });

    it.each([
        ["no name", (b: any) => delete b.name, 400, /'name'/],
        ["unknown site", (b: any) => (b.site.id = "nope"), 400, /site/],
        ["unknown phone base", (b: any) => (b.phoneBaseSettings.id = "nope"), 400, /phoneBaseSettings|phone base/],
        ["no lines", (b: any) => (b.lines = []), 400, /lines/],
        ["line base of another phone base", (b: any) => (b.lines[0].lineBaseSettings.id = SEED.lineBases.polycom), 400, /lineBaseSettings/],
        ["webRtcUser on a non-WebRTC base", (b: any) => ((b.phoneBaseSettings.id = SEED.phoneBases.polycom), (b.lines[0].lineBaseSettings.id = SEED.lineBases.polycom)), 400, /WebRTC/],
        ["deleted webRtcUser", (b: any) => (b.webRtcUser.id = SEED.users.formerAgent), 400, /webRtcUser/],
        ["a name in use", (b: any) => (b.name = "TAKEN"), 409, /already exists/],
        ["a second WebRTC phone for the user", (b: any) => (b.name = "second"), 400, /A web rtc phone has already been assigned to user/],
    ])("rejects a phone with %s", async (_label, spoil, status, message) => {
        const { emu, users, edges } = await connect();
        const u = await users.postUsers({ name: "Jane", email: "jane@example.com" } as never);
        await edges.postTelephonyProvidersEdgesPhones(webRtcPhone(u.id!, "taken") as never);
        const body = webRtcPhone(u.id!, "fresh");
        spoil(body);
        const e = await failure(edges.postTelephonyProvidersEdgesPhones(body as never));
        expect(e).toMatchObject({ status });
        expect(e.message).toMatch(message);
        expect(emu.model.phones.size).toBe(1);
    });

    it("updates and deletes a phone; deleting removes its station and clears the default station", async () => {
        const { emu, users, edges } = await connect();
        const u = await users.postUsers({ name: "Jane", email: "jane@example.com" } as never);
        emu.adminGrant(u.id!, SEED.roles.communicate);
        const phone = await edges.postTelephonyProvidersEdgesPhones(webRtcPhone(u.id!) as never);
        const stationId = emu.stationOf(phone.id!)!.id;
        await users.putUserStationDefaultstationStationId(u.id!, stationId);

        const renamed = await edges.putTelephonyProvidersEdgesPhone(phone.id!, { ...phone, name: "Renamed", site: { id: SEED.sites.kyiv } });
        expect(renamed).toMatchObject({ name: "Renamed", site: { name: "Kyiv" }, version: 2, lines: [{ id: phone.lines![0].id }] });
        expect(emu.station(stationId)).toMatchObject({ name: "Renamed" });
        const other = await users.postUsers({ name: "Other", email: "other@example.com" } as never);
        expect(await failure(edges.putTelephonyProvidersEdgesPhone(phone.id!, { ...renamed, webRtcUser: { id: other.id } } as never))).toMatchObject({ status: 400 });

        await edges.deleteTelephonyProvidersEdgesPhone(phone.id!);
        expect(await edges.getTelephonyProvidersEdgesPhone(phone.id!)).toMatchObject({ state: "deleted" });
        expect(emu.station(stationId)).toBeUndefined();
        expect(emu.defaultStationOf(u.id!)).toBeUndefined();
        expect(await users.getUserStation(u.id!)).toEqual({});
        expect(emu.phonesOf(u.id!)).toEqual([]);
        // the name and the user's WebRTC slot are free again
        await edges.postTelephonyProvidersEdgesPhones(webRtcPhone(u.id!, "Renamed") as never);
    });

    it("assigns a default station only to a user holding a role with conversation:call:add", async () => {
        const { emu, users, edges, groups, auth } = await connect();
        const u = await users.postUsers({ name: "Jane", email: "jane@example.com" } as never);
        const phone = await edges.postTelephonyProvidersEdgesPhones(webRtcPhone(u.id!) as never);
        const stationId = emu.stationOf(phone.id!)!.id;

        const denied = async () => {
            const e = await failure(users.putUserStationDefaultstationStationId(u.id!, stationId));
            expect(e).toMatchObject({ status: 400, code: "bad.request" });
            expect(e.message).toContain("conversation:call:add");
        };
        await denied(); // no roles
        const g = await groups.getGroup(SEED.groups.supportTeam);
        await groups.postGroupMembers(SEED.groups.supportTeam, { memberIds: [u.id!], version: g.version });
        await denied(); // Employee via the group: no call permission
        await auth.postAuthorizationSubjectBulkadd(u.id!, { grants: [{ roleId: SEED.roles.agent, divisionId: SEED.divisions.home }] }, { subjectType: "PC_USER" });
        await expect(users.putUserStationDefaultstationStationId(u.id!, stationId)).resolves.toBeUndefined();
        expect(await users.getUserStation(u.id!)).toMatchObject({ defaultStation: { id: stationId }, effectiveStation: { id: stationId } });
        expect(await users.getUser(u.id!, { expand: ["station"] })).toMatchObject({ station: { defaultStation: { id: stationId } } });

        expect(await failure(users.putUserStationDefaultstationStationId(u.id!, "nope"))).toMatchObject({ status: 404 });
        expect(await failure(users.putUserStationDefaultstationStationId("nobody", stationId))).toMatchObject({ status: 404 });
        await users.deleteUserStationDefaultstation(u.id!);
        await users.deleteUserStationDefaultstation(u.id!);
        expect(emu.defaultStationOf(u.id!)).toBeUndefined();

        emu.adminSetDefaultStation(u.id!, stationId);
        await users.deleteUser(u.id!);
        expect(emu.defaultStationOf(u.id!)).toBeUndefined();
    });
});

describe("rate limit and faults", () => {
    it("answers 429 with Retry-After past rateLimitPerMinute requests per token", async () => {
        const { emu, client, users } = await connect({ rateLimitPerMinute: 3 });
        for (let i = 0; i < 3; i++) await users.getUser(SEED.users.existingAdmin);
        client.setReturnExtendedResponses(true);
        const e = await failure(users.getUser(SEED.users.existingAdmin));
        expect(e.status).toBe(429);
        expect(Number(e.headers["retry-after"])).toBeGreaterThanOrEqual(59);
        expect(e.headers["inin-correlation-id"]).toBe(e.body.contextId);
        expect(e.body).toMatchObject({ code: "too.many.requests.retry.after", status: 429 });
        // another token has its own budget
        const other = sdkClient(emu);
        await other.loginClientCredentialsGrant(SEED.client.id, SEED.client.secret);
        await expect(new platformClient.UsersApi(other).getUser(SEED.users.existingAdmin)).resolves.toBeDefined();
    });

    const create = (users: platformClient.UsersApi) => users.postUsers({ name: "Jane", email: "jane@example.com" } as never);
    it.each([
        ["status 503", { kind: "status", status: 503 }, (e: any) => expect(e).toMatchObject({ status: 503, code: "service.unavailable" }), false],
        ["status 429 + Retry-After", { kind: "status", status: 429, retryAfterSeconds: 3 }, (e: any) => expect(e).toMatchObject({ status: 429 }), false],
        ["drop-before", { kind: "drop-before" }, (e: any) => expect(e.code).toBe("ECONNRESET"), false],
        ["drop-after", { kind: "drop-after" }, (e: any) => expect(e.code).toBe("ECONNRESET"), true],
    ] as const)("injects %s on POST /users", async (_label, fault, check, applied) => {
        const { emu, users } = await connect();
        const rule = emu.inject({ method: "POST", path: "/api/v2/users", fault: fault as never });
        check(await failure(create(users)));
        expect(rule.used).toBe(1);
        expect(!!emu.userByEmail("jane@example.com")).toBe(applied);
        // the fault fires once; the retry sees the real outcome
        const retry = applied ? await failure(create(users)) : await create(users);
        if (applied) expect(retry).toMatchObject({ status: 409 });
        else expect(retry).toMatchObject({ email: "jane@example.com" });
    });

    it("injects a delay that a client timeout turns into ECONNABORTED", async () => {
        const { emu, client, users } = await connect();
        emu.inject({ method: "GET", pathPattern: "^/api/v2/users/", fault: { kind: "delay", ms: 300 } });
        client.getHttpClient().setTimeout(100);
        expect((await failure(users.getUser(SEED.users.existingAdmin))).code).toBe("ECONNABORTED");
        client.getHttpClient().setTimeout(5000);
        emu.inject({ method: "GET", pathPattern: "^/api/v2/users/", fault: { kind: "delay", ms: 150 } });
        const t0 = Date.now();
        await users.getUser(SEED.users.existingAdmin);
        expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    });
});

describe("control endpoints", () => {
    it("dumps state, changes settings, edits users as an admin, and resets", async () => {
        const { emu, users, edges } = await connect();
        const ctl = (method: string, path: string, body?: unknown) =>
            fetch(`${emu.url}/__emulator${path}`, { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });

        const u = await users.postUsers({ name: "Jane", email: "jane@example.com" } as never);
        const state = await (await ctl("GET", "/state")).json();
        expect(state.users.map((x: any) => x.email)).toContain("jane@example.com");
        expect(state.settings).toMatchObject({ stationIndexLagMs: 0, rateLimitPerMinute: 300 });

        expect(await (await ctl("PUT", "/settings", { stationIndexLagMs: 60_000, searchLagMs: 10 })).json()).toMatchObject({ stationIndexLagMs: 60_000, searchLagMs: 10 });
        expect(emu.stationIndexLagMs).toBe(60_000);

        const edited = await (await ctl("PATCH", `/users/${u.id}`, { title: "Edited" })).json();
        expect(edited).toMatchObject({ title: "Edited", version: 2 });
        expect(await failure(users.patchUser(u.id!, { version: 1, title: "mine" }))).toMatchObject({ status: 409 });

        const phone = await edges.postTelephonyProvidersEdgesPhones(webRtcPhone(u.id!) as never);
        const stationId = emu.stationOf(phone.id!)!.id;
        expect((await ctl("PUT", `/users/${u.id}/defaultstation`, { stationId })).status).toBe(204);
        expect(emu.defaultStationOf(u.id!)).toBe(stationId);
        expect((await ctl("PUT", `/users/${u.id}/defaultstation`, {})).status).toBe(204);
        expect(emu.defaultStationOf(u.id!)).toBeUndefined();
        expect((await ctl("PATCH", "/users/nobody", { title: "x" })).status).toBe(404);

        expect(emu.writes().length).toBeGreaterThan(0);
        expect((await ctl("POST", "/reset")).status).toBe(204);
        expect(emu.userByEmail("jane@example.com")).toBeUndefined();
        expect(emu.log).toEqual([]);
        await expect(users.getUser(SEED.users.existingAdmin)).resolves.toBeDefined(); // tokens survive a reset
    });
});

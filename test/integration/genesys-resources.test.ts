/**
 * The Genesys resources over real HTTP: each resource definition's hooks driven with the real facade (`genesys()`:
 * the real SDK, the installed HTTP client with its limiter, retry policy, error mapping and token renewal) against
 * the Genesys emulator on 127.0.0.1, with every fault the emulator can inject. Assertions are on the emulator's state
 * and request log, not on what the provider says it did.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { configureFrom, resetConfig } from "../../provider/core/config";
import { ApiError, ConfigError } from "../../provider/core/errors";
import { limiterFor } from "../../provider/core/rate-limit";
import { genesys, GenesysApi } from "../../provider/genesys/client";
import { defaultStationDefinition } from "../../provider/genesys/default-station";
import { groupMembershipDefinition } from "../../provider/genesys/group-membership";
import { userDefinition, UserInputs } from "../../provider/genesys/user";
import { userRolesDefinition } from "../../provider/genesys/user-roles";
import { webRtcPhoneDefinition } from "../../provider/genesys/webrtc-phone";
import type { Fault, LoggedRequest } from "../emulators/http";
import { GenesysEmulator, GenesysEmulatorOptions, SEED } from "../emulators/genesys";

type Settings = Record<string, string>;

/**
 * Points the provider at `emu` exactly as `configure` would, and returns the facade. Each emulator listens on its own
 * port, so each gets its own facade, token, limiter and caches. Unless a test is about the rate limit, the budget is
 * set far above what a test sends, so the 61 s limiter window never stalls a test.
 */
function connect(emu: GenesysEmulator, extra: Settings = {}): GenesysApi {
    const cfg: Settings = {
        "telephony:genesysApiUrl": emu.url,
        "telephony:genesysClientId": SEED.client.id,
        "telephony:genesysClientSecret": SEED.client.secret,
        "telephony:genesysRequestsPerMinute": "6000",
        ...extra,
    };
    configureFrom((k) => cfg[k]);
    return genesys();
}

/** An emulator for one describe block: started once, back to the seed before each test. */
function emulator(opts: GenesysEmulatorOptions = {}): { emu: GenesysEmulator } {
    const box = { emu: new GenesysEmulator({ rateLimitPerMinute: 0, ...opts }) };
    beforeAll(async () => {
        await box.emu.start();
    });
    afterAll(async () => {
        await box.emu.stop();
        resetConfig();
    });
    beforeEach(() => box.emu.reset());
    return box;
}

let seq = 0;
const email = (tag: string) => `${tag}.${process.pid}.${++seq}@example.com`;
const userInputs = (tag: string, over: Partial<UserInputs> = {}): UserInputs => ({ name: `Test ${tag}`, email: email(tag), state: "active", ...over });

/** A user made straight in the emulator's state (setup, not under test). */
const seedUser = (emu: GenesysEmulator, tag: string) => emu.model.createUser({ name: `Test ${tag}`, email: email(tag) }).id;

/** A WebRTC phone (with its station) made straight in the emulator's state. */
const seedPhone = (emu: GenesysEmulator, userId: string) =>
    emu.model.createPhone({
        name: `phone ${userId}`,
        site: { id: SEED.sites.london },
        phoneBaseSettings: { id: SEED.phoneBases.webrtc },
        lines: [{ name: "line", lineBaseSettings: { id: SEED.lineBases.webrtc } }],
        webRtcUser: { id: userId },
    }).id;

/** A user who may hold a default station: has Communicate (conversation:call:add) and a WebRTC phone. */
function callingUser(emu: GenesysEmulator, tag: string) {
    const userId = seedUser(emu, tag);
    emu.adminGrant(userId, SEED.roles.communicate);
    const phoneId = seedPhone(emu, userId);
    return { userId, phoneId, stationId: emu.stationOf(phoneId)!.id };
}

/** The request log without the OAuth logins, as "METHOD /path". */
const calls = (emu: GenesysEmulator, method?: string, path?: RegExp) =>
    emu.requests(method, path).filter((r) => !r.path.startsWith("/oauth"));

/** Resolves once the emulator has logged a request matching `pred` (the test's view of "the provider sent it"). */
async function logged(emu: GenesysEmulator, pred: (r: LoggedRequest) => boolean, timeoutMs = 5_000): Promise<LoggedRequest> {
    const end = Date.now() + timeoutMs;
    for (;;) {
        const hit = emu.log.find(pred);
        if (hit) return hit;
        if (Date.now() > end) throw new Error("the expected request was never sent");
        await new Promise((r) => setTimeout(r, 5));
    }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function failure(p: Promise<unknown>): Promise<any> {
    try {
        await p;
    } catch (e) {
        return e;
    }
    throw new Error("expected the call to fail");
}

describe("429 with Retry-After", () => {
    const box = emulator();

    // The operation under test, the request the 429 lands on, and what must be true afterwards.
    const cases = [
        {
            what: "a read (User read -> GET /api/v2/users?id=)",
            method: "GET",
            path: "/api/v2/users",
            run: async (emu: GenesysEmulator, api: GenesysApi) => {
                const id = seedUser(emu, "read429");
                const live = await userDefinition.read(id, userInputs("read429"), api);
                expect(live).toMatchObject({ name: "Test read429", state: "active" });
            },
        },
        {
            what: "a write (User create -> POST /api/v2/users)",
            method: "POST",
            path: "/api/v2/users",
            run: async (emu: GenesysEmulator, api: GenesysApi) => {
                const inputs = userInputs("write429");
                const { id } = await userDefinition.create(inputs, api);
                expect(emu.user(id)).toMatchObject({ email: inputs.email, state: "active" });
                expect([...emu.model.users.values()].filter((u) => u.email === inputs.email)).toHaveLength(1);
            },
        },
    ];

    it.each(cases)("$what succeeds; nothing of the org is sent before Retry-After has passed", async ({ method, path, run }) => {
        const { emu } = box;
        const api = connect(emu);
        await api.sites(); // logged in, lookups warm: the only traffic below is the operation's
        emu.clearLog();
        emu.inject({ method, path, fault: { kind: "status", status: 429, retryAfterSeconds: 1 } });

        // the org's process-wide limiter (the one limiterFor hands the facade), watched to know when the 429 has
        // reached the client and paused the org
        const paused = vi.spyOn(limiterFor(`genesys:${emu.url}:${SEED.client.id}`, 6000), "pause");
        const op = run(emu, api);
        const limited = await logged(emu, (r) => r.status === 429);
        await vi.waitFor(() => expect(paused).toHaveBeenCalledWith(1000), { timeout: 5_000, interval: 2 });
        paused.mockRestore();
        // another operation of the same org, started while the org is paused: held back too
        const other = api.webRtcStationOf(SEED.users.existingAdmin);
        await Promise.all([op, other]);

        const [first, retry] = emu.requests(method, new RegExp(`^${path}$`));
        expect(first.status).toBe(429);
        expect(retry.status).toBe(200);
        expect(retry.at - limited.at).toBeGreaterThanOrEqual(1000);
        const held = calls(emu, "GET", /^\/api\/v2\/stations$/);
        expect(held).toHaveLength(1);
        expect(held[0].at - limited.at).toBeGreaterThanOrEqual(1000);
        // nothing at all reached the server during the pause
        expect(emu.log.filter((r) => r.at > limited.at && r.at < limited.at + 1000)).toEqual([]);
    });
});

describe("5xx: resent when it was not processed or is idempotent, looked for when it may have been applied, otherwise surfaced", () => {
    const box = emulator();

    const create = (emu: GenesysEmulator, api: GenesysApi) => userDefinition.create(userInputs("5xx"), api);
    const read = (emu: GenesysEmulator, api: GenesysApi) => userDefinition.read(seedUser(emu, "5xx"), userInputs("5xx"), api);

    it.each([
        { status: 503, method: "POST", path: "/api/v2/users", op: create, resent: true },
        { status: 500, method: "POST", path: "/api/v2/users", op: create, resent: false },
        // a gateway error may hide an applied POST: the provider searches first, finds nothing, then sends again
        { status: 502, method: "POST", path: "/api/v2/users", op: create, resent: true },
        { status: 504, method: "POST", path: "/api/v2/users", op: create, resent: true },
        { status: 503, method: "GET", path: "/api/v2/users", op: read, resent: true },
        { status: 500, method: "GET", path: "/api/v2/users", op: read, resent: true },
        { status: 502, method: "GET", path: "/api/v2/users", op: read, resent: true },
    ])("$status on $method $path: resent = $resent", async ({ status, method, path, op, resent }) => {
        const { emu } = box;
        const api = connect(emu);
        emu.inject({ method, path, fault: { kind: "status", status } });
        const before = emu.model.users.size;
        const result = op(emu, api);
        const sent = () => emu.requests(method, new RegExp(`^${path}$`));
        if (resent) {
            await result;
            expect(sent().map((r) => r.status)).toEqual([status, 200]);
            if (method === "POST") expect(emu.model.users.size).toBe(before + 1); // exactly one user
        } else {
            const err = await failure(result);
            expect(err).toBeInstanceOf(ApiError);
            expect(err).toMatchObject({ method, path, status });
            expect(err.message).toContain(`${method} ${path} failed: ${status}`);
            expect(sent().map((r) => r.status)).toEqual([status]);
            expect(emu.model.users.size).toBe(before); // the POST was not applied and not resent
        }
    });
});

describe("dropped connections: nothing duplicated, nothing orphaned", () => {
    const box = emulator();
    const G = SEED.groups.salesTeam;

    // For each write: the setup, the request to drop, the hook call, and the state that must hold afterwards.
    const writes = [
        {
            what: "User create (POST /api/v2/users)",
            method: "POST",
            // a lost POST is resent only after the search shows no such user (the API refuses a second one anyway)
            sent: { "drop-before": 2, "drop-after": 1 },
            check: /^\/api\/v2\/users\/search$/,
            path: "/api/v2/users",
            async run(emu: GenesysEmulator, api: GenesysApi) {
                const inputs = userInputs("drop");
                const { id } = await userDefinition.create(inputs, api);
                const holders = [...emu.model.users.values()].filter((u) => u.email === inputs.email);
                expect(holders.map((u) => u.id)).toEqual([id]);
                expect(holders[0]).toMatchObject({ name: inputs.name, state: "active" });
            },
        },
        {
            what: "WebRtcPhone create (POST .../phones)",
            method: "POST",
            // resent only after GET phones?webRtcUser.id= shows none (the API refuses a second WebRTC phone anyway)
            sent: { "drop-before": 2, "drop-after": 1 },
            check: /^\/api\/v2\/telephony\/providers\/edges\/phones$/,
            path: "/api/v2/telephony/providers/edges/phones",
            async run(emu: GenesysEmulator, api: GenesysApi) {
                const userId = seedUser(emu, "drop");
                const { id } = await webRtcPhoneDefinition.create({ userId, site: "London" }, api);
                expect(emu.phonesOf(userId).map((p) => p.id)).toEqual([id]);
                expect(emu.stationOf(id)).toBeDefined();
            },
        },
        {
            what: "GroupMembership create (POST /api/v2/groups/:id/members)",
            method: "POST",
            // a member add is a set union: resent with the group's version read again (a lost POST that was applied
            // has bumped it), never with the old one
            sent: { "drop-before": 2, "drop-after": 2 },
            check: new RegExp(`^/api/v2/groups/${G}$`),
            path: `/api/v2/groups/${G}/members`,
            async run(emu: GenesysEmulator, api: GenesysApi) {
                const userId = seedUser(emu, "drop");
                const { id } = await groupMembershipDefinition.create({ group: "Sales Team", userId }, api);
                expect(id).toBe(`${G}/${userId}`);
                expect(emu.membersOf(G)).toEqual([userId]);
            },
        },
        {
            what: "DefaultStation create (PUT /api/v2/users/:id/station/defaultstation/:stationId)",
            method: "PUT",
            sent: { "drop-before": 2, "drop-after": 2 }, // idempotent: resent as is
            pathPattern: "/station/defaultstation/",
            async run(emu: GenesysEmulator, api: GenesysApi) {
                const { userId, phoneId, stationId } = callingUser(emu, "drop");
                const { outs } = await defaultStationDefinition.create({ userId, phoneId }, api);
                expect(outs.stationId).toBe(stationId);
                expect(emu.defaultStationOf(userId)).toBe(stationId);
            },
        },
        {
            what: "User delete (DELETE /api/v2/users/:id)",
            method: "DELETE",
            sent: { "drop-before": 2, "drop-after": 2 }, // idempotent: resent; the 404 of the second means done
            pathPattern: "^/api/v2/users/[^/]+$",
            async run(emu: GenesysEmulator, api: GenesysApi) {
                const id = seedUser(emu, "drop");
                await userDefinition.delete(id, userInputs("drop"), api);
                expect(emu.user(id)?.state).toBe("deleted");
            },
        },
    ];
    const table = writes.flatMap((w) => (["drop-before", "drop-after"] as const).map((kind) => ({ ...w, kind })));

    it.each(table)("$kind on $what", async ({ method, path, pathPattern, run, kind, sent, check }) => {
        const { emu } = box;
        const api = connect(emu);
        const rule = emu.inject({ method, path, pathPattern, fault: { kind } as Fault });
        await run(emu, api);
        expect(rule.used).toBe(1);
        const matching = emu.requests(method).filter((r) => (path ? r.path === path : new RegExp(pathPattern!).test(r.path)));
        expect(matching.map((r) => r.fault ?? r.status)).toEqual([kind, ...matching.slice(1).map((r) => r.status)]);
        expect(matching).toHaveLength(sent[kind]);
        if (check && matching.length > 1) {
            // not resent blindly: the provider looked before sending the non-idempotent request again
            const looked = emu.log.filter((r) => r.seq > matching[0].seq && r.seq < matching[1].seq && check.test(r.path));
            expect(looked.length).toBeGreaterThan(0);
        }
    });
});

describe("version conflicts", () => {
    const box = emulator();
    const G = SEED.groups.salesTeam;
    const userPath = (id: string) => new RegExp(`^/api/v2/users/${id}$`);

    it("a 409 on the first PATCH: the update re-reads the version and lands", async () => {
        const { emu } = box;
        const api = connect(emu);
        const id = seedUser(emu, "conflict");
        const olds = userInputs("conflict", { title: "Agent" });
        emu.inject({ method: "PATCH", pathPattern: userPath(id).source, fault: { kind: "status", status: 409, code: "general.conflict" } });
        await userDefinition.update(id, olds, { ...olds, title: "Senior Agent" }, api);
        expect(emu.user(id)).toMatchObject({ title: "Senior Agent", version: 2 });
        expect(calls(emu, "PATCH").map((r) => r.status)).toEqual([409, 200]);
        expect(calls(emu, "GET", userPath(id))).toHaveLength(2); // a fresh version for each attempt
    });

    it("an admin edits the user between the provider's GET and PATCH: a real 409, then the update lands beside the edit", async () => {
        const { emu } = box;
        const api = connect(emu);
        const id = seedUser(emu, "race");
        const olds = userInputs("race");
        // hold the PATCH on the wire long enough for the admin's edit to get in first
        emu.inject({ method: "PATCH", pathPattern: userPath(id).source, fault: { kind: "delay", ms: 300 } });
        const update = userDefinition.update(id, olds, { ...olds, title: "Team Lead" }, api);
        await logged(emu, (r) => r.method === "PATCH");
        emu.adminEditUser(id, { department: "Operations" }); // version 1 -> 2
        await update;
        const patches = calls(emu, "PATCH");
        expect(patches.map((r) => r.status)).toEqual([409, 200]);
        expect(patches.map((r) => (r.body as { version: number }).version)).toEqual([1, 2]);
        expect(emu.user(id)).toMatchObject({ title: "Team Lead", department: "Operations", version: 3 });
    });

    it("a concurrent writer bumps the group's version during the member POST: re-read, re-sent, joined", async () => {
        const { emu } = box;
        const api = connect(emu);
        const userId = seedUser(emu, "grouprace");
        emu.inject({ method: "POST", path: `/api/v2/groups/${G}/members`, fault: { kind: "delay", ms: 300 } });
        const join = groupMembershipDefinition.create({ group: "Sales Team", userId }, api);
        await logged(emu, (r) => r.method === "POST" && r.path.endsWith("/members"));
        const touched = emu.touchGroup(G);
        await join;
        const posts = calls(emu, "POST", /\/members$/);
        expect(posts.map((r) => r.status)).toEqual([409, 202]);
        expect((posts[1].body as { version: number }).version).toBe(touched);
        expect(emu.membersOf(G)).toEqual([userId]);
    });

    it("12 people joining one group at once all land, in few POSTs, even when a POST collides", async () => {
        const { emu } = box;
        const api = connect(emu);
        const ids = Array.from({ length: 12 }, (_, i) => seedUser(emu, `joiner${i}`));
        emu.inject({ method: "POST", path: `/api/v2/groups/${G}/members`, fault: { kind: "status", status: 409, code: "general.conflict" } });
        const results = await Promise.all(ids.map((userId) => groupMembershipDefinition.create({ group: "Sales Team", userId }, api)));
        expect(results.map((r) => r.id)).toEqual(ids.map((u) => `${G}/${u}`));
        expect([...emu.membersOf(G)].sort()).toEqual([...ids].sort());
        const posts = calls(emu, "POST", /\/members$/);
        const landed = posts.filter((r) => r.status === 202);
        expect(landed.length).toBeLessThanOrEqual(2); // batched: not one POST per person
        expect(posts.length).toBeLessThanOrEqual(3); // plus the one that collided
        expect(new Set(landed.flatMap((r) => (r.body as { memberIds: string[] }).memberIds)).size).toBe(12);
    });
});

describe("station index lag", () => {
    const box = emulator({ stationIndexLagMs: 1500 });

    /** A user with the call permission and a WebRTC phone made through the provider just now (its station lags). */
    async function freshPhone(emu: GenesysEmulator, api: GenesysApi) {
        const userId = seedUser(emu, "lag");
        await userRolesDefinition.create({ userId, roles: [{ role: "Communicate" }] }, api);
        const { id: phoneId } = await webRtcPhoneDefinition.create({ userId, site: "London" }, api);
        return { userId, phoneId, createdAt: emu.model.phones.get(phoneId)!.createdAt };
    }

    it("DefaultStation create waits for the station, polling first after a short step (not 1 s), and assigns it", async () => {
        const { emu } = box;
        const api = connect(emu);
        const { userId, phoneId, createdAt } = await freshPhone(emu, api);
        const { outs } = await defaultStationDefinition.create({ userId, phoneId }, api);
        const stationId = emu.stationOf(phoneId)!.id;
        expect(outs).toMatchObject({ stationId, defaultStationId: stationId });
        expect(emu.defaultStationOf(userId)).toBe(stationId);

        const polls = calls(emu, "GET", /^\/api\/v2\/stations$/);
        const gaps = polls.slice(1).map((p, i) => p.at - polls[i].at);
        // backoff from a small first step (default-station.ts: 250 ms, x1.8), not the seed script's fixed 1 s steps
        expect(gaps[0]).toBeGreaterThanOrEqual(90);
        expect(gaps[0]).toBeLessThan(500);
        expect(gaps[1]).toBeGreaterThan(gaps[0]);
        expect(polls.length).toBeGreaterThan(2);
        expect(polls.length).toBeLessThanOrEqual(10);
        const put = calls(emu, "PUT", /defaultstation/);
        expect(put).toHaveLength(1);
        expect(put[0].at).toBeGreaterThanOrEqual(createdAt + 1500);
        expect(put[0].at - (createdAt + 1500)).toBeLessThan(1500); // backoff did not overshoot by much
    });

    it("with a lag past telephony:genesysStationTimeoutSeconds it fails with a clear message and sends no PUT", async () => {
        const { emu } = box;
        const api = connect(emu, { "telephony:genesysStationTimeoutSeconds": "1" });
        const { userId, phoneId } = await freshPhone(emu, api);
        emu.stationIndexLagMs = 5000;
        try {
            const started = Date.now();
            const err = await failure(defaultStationDefinition.create({ userId, phoneId }, api));
            expect(err.message).toMatch(/did not appear in GET \/api\/v2\/stations within 1 s/);
            expect(err.message).toMatch(/raise telephony:genesysStationTimeoutSeconds/);
            expect(Date.now() - started).toBeLessThan(3000);
        } finally {
            emu.stationIndexLagMs = 1500;
        }
        expect(calls(emu, "PUT", /defaultstation/)).toEqual([]);
        expect(emu.defaultStationOf(userId)).toBeUndefined();
    });
});

describe("user search lag", () => {
    const box = emulator({ searchLagMs: 1500 });

    it("delete then create the same email at once: the same user comes back (new user still unindexed)", async () => {
        const { emu } = box;
        const api = connect(emu);
        const inputs = userInputs("relag");
        const { id } = await userDefinition.create(inputs, api);
        await userDefinition.delete(id, inputs, api);
        const again = await userDefinition.create(inputs, api);
        expect(again.id).toBe(id);
        expect(emu.user(id)).toMatchObject({ state: "active", email: inputs.email });
        expect([...emu.model.users.values()].filter((u) => u.email === inputs.email)).toHaveLength(1);
    });

    it("delete then create the same email at once: the index still shows the user active, yet it is restored, not refused", async () => {
        const { emu } = box;
        const api = connect(emu);
        const inputs = userInputs("indexed");
        // a user the index has known for long: right after the delete the search still shows it active
        const id = "f0000000-0000-4000-8000-0000000000aa";
        emu.model.seedUser({ id, name: inputs.name, email: inputs.email, state: "active", divisionId: SEED.divisions.home });
        await userDefinition.delete(id, inputs, api);
        const again = await userDefinition.create(inputs, api);
        expect(again.id).toBe(id);
        expect(emu.user(id)).toMatchObject({ state: "active" });
        expect(calls(emu, "POST", /^\/api\/v2\/users$/)).toEqual([]); // no second user attempted
        const restore = calls(emu, "PATCH", new RegExp(`^/api/v2/users/${id}$`));
        expect(restore.map((r) => r.body)).toEqual([{ state: "active", version: 2 }]);
    });
});

describe("OAuth tokens", () => {
    const box = emulator({ tokenLifetimeSeconds: 1 });
    const logins = (emu: GenesysEmulator) => emu.requests("POST", /^\/oauth\/token$/);
    const unauthorized = (emu: GenesysEmulator) => calls(emu).filter((r) => r.status === 401);

    it("a short-lived token is renewed before it expires: calls keep working, no 401", async () => {
        const { emu } = box;
        const api = connect(emu);
        emu.clearLog();
        const id = seedUser(emu, "token");
        // the first call logs in, the second reuses the token, the third runs after its 1 s lifetime (renewed at 0.9 s)
        for (const pause of [300, 900, 0]) {
            expect(await userDefinition.read(id, userInputs("token"), api)).toBeDefined();
            await sleep(pause);
        }
        expect(logins(emu)).toHaveLength(2);
        expect(calls(emu).map((r) => r.status)).toEqual([200, 200, 200]); // no 401: renewed before it expired
    });

    it("revoked mid-run: each call logs in again once on 401 (one login for all of them) and succeeds", async () => {
        const { emu } = box;
        emu.tokenLifetimeSeconds = 3600;
        try {
            const api = connect(emu, { "telephony:genesysRequestsPerMinute": "5999" }); // a facade of its own: fresh token
            const phones = Array.from({ length: 6 }, (_, i) => seedPhone(emu, seedUser(emu, `revoke${i}`)));
            await api.getPhone(phones[0]);
            expect(logins(emu)).toHaveLength(1);
            emu.revokeTokens();
            const read = await Promise.all(phones.map((id) => webRtcPhoneDefinition.read(id, { userId: "", site: "London", name: "", siteId: SEED.sites.london, phoneBaseSettingsId: SEED.phoneBases.webrtc }, api)));
            expect(read.every((p) => p !== undefined)).toBe(true);
            expect(logins(emu)).toHaveLength(2);
            // every 401 was followed by exactly one resend of the same request, which succeeded
            const reads = calls(emu, "GET", /\/phones\/[^/]+$/);
            expect(reads.filter((r) => r.status === 200)).toHaveLength(7);
            expect(unauthorized(emu).length).toBeGreaterThanOrEqual(1);
            expect(unauthorized(emu).length).toBeLessThanOrEqual(6);
        } finally {
            emu.tokenLifetimeSeconds = 1;
        }
    });

    it("a wrong client secret fails with a ConfigError naming the settings, and nothing but /oauth/token is sent", async () => {
        const { emu } = box;
        const api = connect(emu, { "telephony:genesysClientSecret": "not-the-secret" });
        emu.clearLog();
        const ops = [() => userDefinition.read(SEED.users.existingAdmin, userInputs("x"), api), () => userDefinition.create(userInputs("wrong"), api)];
        for (const op of ops) {
            const err = await failure(op());
            expect(err).toBeInstanceOf(ConfigError);
            expect(err.message).toMatch(/telephony:genesysClientId \/ telephony:genesysClientSecret/);
            expect(err.message).not.toContain("not-the-secret");
        }
        expect(emu.log.every((r) => r.path === "/oauth/token" && r.status === 401)).toBe(true);
        expect(logins(emu)).toHaveLength(2); // one per operation: a refused login is not retried
        expect(emu.writes()).toEqual([]);
    });

    it("the secret is rotated mid-run: the re-login after a 401 fails with the ConfigError at once, not as a retried network error", async () => {
        const { emu } = box;
        emu.tokenLifetimeSeconds = 3600;
        const clients = (emu as unknown as { clients: Map<string, string> }).clients;
        try {
            const api = connect(emu, { "telephony:genesysRequestsPerMinute": "5998" });
            const id = seedUser(emu, "rotated");
            await api.getUser(id); // logged in with the old secret
            clients.set(SEED.client.id, "rotated-secret");
            emu.revokeTokens();
            emu.clearLog();
            const err = await failure(userDefinition.read(id, userInputs("rotated"), api));
            expect(err).toBeInstanceOf(ConfigError);
            expect(err.message).toMatch(/telephony:genesysClientSecret/);
            expect(emu.log.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(["GET /api/v2/users 401", "POST /oauth/token 401"]);
        } finally {
            clients.set(SEED.client.id, SEED.client.secret);
            emu.tokenLifetimeSeconds = 1;
        }
    });
});

describe("client-side rate limit", () => {
    // The limiter's window is 61 s, so 40 reads at 30/min need a second window. Rather than wait a real minute, the
    // clock (Date and setTimeout, as the provider's limiter and the in-process emulator's rate limit both read it) is
    // faked and moved on by 61 s once the first window is spent; the assertions are on order and on the 429s the
    // emulator did not send.
    const box = emulator({ rateLimitPerMinute: 30 });
    afterEach(() => vi.useRealTimers());

    /** Polls until `done()` or the deadline (performance.now is not faked; setTimeout advances with real time). */
    async function until(done: () => boolean, ms: number): Promise<boolean> {
        const end = performance.now() + ms;
        while (!done() && performance.now() < end) await new Promise((r) => setTimeout(r, 5));
        return done();
    }

    it("40 concurrent reads at 30/min: all succeed, the emulator answers no 429, the rest wait for the next minute", async () => {
        const { emu } = box;
        const phones = Array.from({ length: 40 }, (_, i) => seedPhone(emu, seedUser(emu, `limit${i}`)));
        vi.useFakeTimers({ toFake: ["Date", "setTimeout", "clearTimeout"], shouldAdvanceTime: true });
        const api = connect(emu, { "telephony:genesysRequestsPerMinute": "30" });
        const reads = () => calls(emu, "GET", /\/phones\/[^/]+$/);

        const all = Promise.all(phones.map((id) => api.getPhone(id)));
        // logins have their own budget (the OAuth service is not the API): 30 reads go at once, 10 are held
        expect(await until(() => reads().length >= 30, 10_000)).toBe(true);
        expect(await until(() => reads().length > 30, 500)).toBe(false);
        const firstMinute = reads();

        await vi.advanceTimersByTimeAsync(61_000);
        const got = await all;
        expect(got.map((p) => p?.id)).toEqual(phones);
        expect(emu.log.filter((r) => r.status === 429)).toEqual([]);
        const later = reads().slice(30);
        expect(later).toHaveLength(10);
        for (const r of later) expect(r.at - firstMinute[0].at).toBeGreaterThanOrEqual(60_000);
    });
});

describe("read-back through the facade", () => {
    const box = emulator();

    it("concurrent User and GroupMembership reads share one GET /api/v2/users?id=… (groups and station expanded)", async () => {
        const { emu } = box;
        const api = connect(emu);
        await api.sites(); // logged in
        const ids = Array.from({ length: 10 }, (_, i) => seedUser(emu, `batch${i}`));
        emu.model.addMembers(SEED.groups.nightShift, { memberIds: ids.slice(0, 5), version: 1 });
        emu.adminEditUser(ids[9], { state: "deleted" });
        emu.clearLog();

        const [users, members] = await Promise.all([
            Promise.all(ids.map((id) => userDefinition.read(id, { ...userInputs("b"), title: "x" }, api))),
            Promise.all(ids.map((userId) => groupMembershipDefinition.read(`${SEED.groups.nightShift}/${userId}`, { group: "Night Shift", userId, groupId: SEED.groups.nightShift }, api))),
        ]);
        expect(users.slice(0, 9).map((u) => u?.name)).toEqual(ids.slice(0, 9).map((id) => emu.user(id)!.name));
        expect(users.slice(0, 9).every((u) => u?.title === "")).toBe(true); // no title live: drift shown as ""
        expect(users[9]).toBeUndefined(); // deleted: gone
        expect(members.map((m) => m !== undefined)).toEqual(ids.map((_, i) => i < 5));

        const gets = calls(emu);
        expect(gets).toHaveLength(1);
        expect(gets[0].path).toBe("/api/v2/users");
        const q = new URLSearchParams(gets[0].query);
        expect(q.getAll("id").flatMap((v) => v.split(",")).sort()).toEqual([...ids].sort());
        expect(q.getAll("expand").flatMap((v) => v.split(","))).toEqual(expect.arrayContaining(["groups", "station"]));
    });

    it("DefaultStation read takes the default station from the user expand: ours, changed by hand, cleared, user gone", async () => {
        const { emu } = box;
        const api = connect(emu);
        const { userId, phoneId, stationId } = callingUser(emu, "expand");
        const other = callingUser(emu, "expand-other");
        const props = { userId, phoneId, stationId, defaultStationId: stationId };
        const read = () => defaultStationDefinition.read(userId, props, api);

        emu.adminSetDefaultStation(userId, stationId);
        emu.clearLog();
        expect(await read()).toMatchObject({ defaultStationId: stationId });
        emu.adminSetDefaultStation(userId, other.stationId); // someone picked another station in the UI
        expect(await read()).toMatchObject({ stationId, defaultStationId: other.stationId });
        emu.adminSetDefaultStation(userId, undefined);
        expect(await read()).toMatchObject({ defaultStationId: "" });
        expect(calls(emu).map((r) => `${r.method} ${r.path}`)).toEqual(Array(3).fill("GET /api/v2/users")); // never GET /users/:id/station
        emu.adminEditUser(userId, { state: "deleted" });
        expect(await read()).toBeUndefined();
    });

    it("a title changed by hand shows as drift; the update reverts it with the current version", async () => {
        const { emu } = box;
        const api = connect(emu);
        const inputs = userInputs("drift", { title: "Agent" });
        const { id, outs } = await userDefinition.create(inputs, api);
        expect(emu.user(id)).toMatchObject({ title: "Agent", version: 1 });
        emu.adminEditUser(id, { title: "Changed by hand" });
        const live = await userDefinition.read(id, outs, api);
        expect(live).toMatchObject({ title: "Changed by hand" });
        emu.clearLog();
        await userDefinition.update(id, live!, inputs, api);
        expect(emu.user(id)).toMatchObject({ title: "Agent", version: 3 });
        expect(emu.writes().map((r) => [r.method, r.body])).toEqual([["PATCH", { title: "Agent", version: 2 }]]);
    });
});

describe("production edge cases (from review)", () => {
    const box = emulator();

    it("group joins that trickle in over slow requests never collide with each other", async () => {
        const { emu } = box;
        const api = connect(emu);
        const users = Array.from({ length: 20 }, (_, i) => seedUser(emu, `trickle${i}`));
        emu.inject({ pathPattern: `^/api/v2/groups/${SEED.groups.salesTeam}`, times: 1000, fault: { kind: "delay", ms: 80 } });
        const joins: Promise<unknown>[] = [];
        for (const userId of users) {
            joins.push(groupMembershipDefinition.create({ group: "Sales Team", userId }, api));
            await sleep(30); // as each person's user finishes at a different time in a real `pulumi up`
        }
        await Promise.all(joins);
        expect(emu.membersOf(SEED.groups.salesTeam)).toEqual(expect.arrayContaining(users));
        const posts = calls(emu, "POST", /\/members$/);
        expect(posts.filter((r) => r.status === 409)).toEqual([]); // one POST at a time: no self-inflicted conflicts
        expect(posts.length).toBeLessThan(users.length);
    });

    it("one user who cannot join does not keep the others out, and the failure names userId", async () => {
        const { emu } = box;
        const api = connect(emu);
        const ok = seedUser(emu, "joins");
        const gone = seedUser(emu, "gone");
        emu.model.deleteUser(gone);
        const [a, b] = await Promise.allSettled([
            groupMembershipDefinition.create({ group: "Night Shift", userId: ok }, api),
            groupMembershipDefinition.create({ group: "Night Shift", userId: gone }, api),
        ]);
        expect(a.status).toBe("fulfilled");
        expect(b).toMatchObject({ status: "rejected", reason: { property: "userId" } });
        expect(emu.membersOf(SEED.groups.nightShift)).toContain(ok);
    });

    it("a leaver who comes back is restored even when the answer to the restoring PATCH is lost", async () => {
        const { emu } = box;
        const api = connect(emu);
        const inputs = userInputs("returner");
        const { id } = await userDefinition.create(inputs, api);
        await userDefinition.delete(id, inputs, api);
        emu.inject({ method: "PATCH", path: `/api/v2/users/${id}`, fault: { kind: "drop-after" } });
        const again = await userDefinition.create(inputs, api);
        expect(again.id).toBe(id);
        expect(emu.user(id)!.state).toBe("active");
    });

    it("UserRoles delete revokes its grants even when one of its roles no longer exists", async () => {
        const { emu } = box;
        const api = connect(emu);
        const userId = seedUser(emu, "roles");
        const { outs } = await userRolesDefinition.create({ userId, roles: [{ role: "Communicate" }, { role: "Supervisor" }] }, api);
        // someone deleted the role in the org (its grants go with it): a bulkremove naming it would be refused whole
        emu.adminRevoke(userId, SEED.roles.supervisor);
        emu.model.roles.delete(SEED.roles.supervisor);
        await userRolesDefinition.delete(userId, outs, api);
        expect(emu.grantsOf(userId)).toEqual([]);
    });

    it("a role held directly and through a group is read as held directly (no perpetual drift)", async () => {
        const { emu } = box;
        const api = connect(emu);
        const userId = seedUser(emu, "dup");
        emu.model.addMembers(SEED.groups.supportTeam, { memberIds: [userId], version: emu.group(SEED.groups.supportTeam)!.version });
        const { outs } = await userRolesDefinition.create({ userId, roles: [{ role: "Employee" }] }, api); // Support Team also grants Employee
        const live = await userRolesDefinition.read(userId, outs, api);
        expect(live).toEqual(outs);
    });

    it("a division given by name is resolved for the API and kept as written (no drift)", async () => {
        const { emu } = box;
        const api = connect(emu);
        const inputs = userInputs("division", { divisionId: "Sales" });
        const { id, outs } = await userDefinition.create(inputs, api);
        expect(emu.user(id)!.division.id).toBe(SEED.divisions.sales);
        expect(await userDefinition.read(id, outs, api)).toEqual(outs);
    });
});

/**
 * mediatel.Agent against the emulator over real HTTP (the real axios client, rate limiter and retries), through the
 * same dispatch layer the provider process uses. Every assertion is on the emulator's state and request log.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { configureFrom } from "../../provider/core/config";
import * as dispatch from "../../provider/core/dispatch";
import { agentDefinition as def } from "../../provider/mediatel/agent";
import { mediatel } from "../../provider/mediatel/client";
import { MediatelEmulator, passwordHash, SEED } from "../emulators/mediatel";

const TOKEN = "agent-it-token-7f3a";
const emu = new MediatelEmulator({ token: TOKEN });
type Props = Record<string, any>;

const IVAN = { login: "ivan.ivanov", email: "ivan.ivanov@creditkasa.ua", template: "AGENT_TEMPLATE_CK_01" };
const TEMPLATE = SEED.agents.find((a) => a.Login === "AGENT_TEMPLATE_CK_01")!;

async function checked(raw: Props, olds: Props = {}): Promise<Props> {
    const r = await dispatch.check(def, olds, raw);
    expect(r.failures).toEqual([]);
    return r.inputs;
}
async function create(raw: Props) {
    return dispatch.create(def, await checked(raw));
}
const withLogin = (login: string) => [...emu.agents.values()].filter((a) => a.Login === login);
const writes = () => emu.writes().map((r) => `${r.method} ${r.path}`);

beforeAll(async () => {
    await emu.start();
    configureFrom((k) => ({ "telephony:mediatelUrl": emu.baseUrl, "telephony:mediatelToken": TOKEN })[k]);
});
afterAll(() => emu.stop());
beforeEach(() => emu.reset());

describe("the issue's Done-when list", () => {
    it("creates an agent copied from AGENT_TEMPLATE_CK_01: template settings, e-mail in Details, password stored hashed", async () => {
        const { id, outs } = await create(IVAN);
        const stored = emu.agents.get(Number(id))!;
        expect(stored).toMatchObject({
            Login: "ivan.ivanov",
            Details: "ivan.ivanov@creditkasa.ua",
            State: 1,
            // the template's settings
            Domain: TEMPLATE.Domain,
            DefaultSkill: TEMPLATE.DefaultSkill,
            RightID: TEMPLATE.RightID,
            SupervisorID: TEMPLATE.SupervisorID,
            PersNumbers: TEMPLATE.PersNumbers,
            ClientApp: TEMPLATE.ClientApp,
        });
        expect(stored.ID).not.toBe(TEMPLATE.ID);
        expect(emu.agents.get(TEMPLATE.ID)).toEqual(TEMPLATE); // the template is untouched
        // the secret output is the password the API stores the hash of (not the template's)
        expect(outs.password).toMatch(/^[A-Za-z2-9]{20}$/);
        expect(stored.Password).toBe(passwordHash(outs.password));
        expect(stored.Password).not.toBe(TEMPLATE.Password);
        expect(outs).toMatchObject({ agentId: stored.ID, passwordInSync: true, login: "ivan.ivanov" });
        // one list (template lookup) and one POST with ID -1
        expect(emu.log.map((r) => `${r.method} ${r.path}`)).toEqual(["GET /v1/agents", "POST /v1/agents"]);
        expect(emu.requests("POST")[0].body).toMatchObject({ ID: -1, Login: "ivan.ivanov" });
    });

    it("updates it: changed fields only, ClientApp sent whole", async () => {
        const { id, outs } = await create({ ...IVAN, clientApp: { timeForDialOut: 25 } });
        emu.clearLog();
        const news = await checked({ ...IVAN, email: "i.ivanov@creditkasa.ua", defaultSkill: 8, clientApp: { timeForDialOut: 30 } }, outs);
        expect((await dispatch.diff(def, id, outs, news)).changes).toBe(true);
        const { outs: after } = await dispatch.update(def, id, outs, news);
        const put = emu.requests("PUT")[0].body as Props;
        expect(Object.keys(put).sort()).toEqual(["ClientApp", "DefaultSkill", "Details"]);
        expect(put.ClientApp).toEqual({ ...TEMPLATE.ClientApp, TimeForDialOut: 30 });
        expect(emu.agents.get(Number(id))).toMatchObject({ Details: "i.ivanov@creditkasa.ua", DefaultSkill: 8, ClientApp: { ...TEMPLATE.ClientApp, TimeForDialOut: 30 } });
        expect(after).toMatchObject({ email: "i.ivanov@creditkasa.ua", defaultSkill: 8, password: outs.password });
    });

    it("destroys it with the logical delete before the permanent one", async () => {
        const { id, outs } = await create(IVAN);
        emu.clearLog();
        await dispatch.remove(def, id, outs);
        expect(writes()).toEqual([`PUT /v1/agents/${id}`, `DELETE /v1/agents/${id}`]);
        expect(emu.requests("PUT")[0].body).toEqual({ State: 0 });
        expect(emu.agents.has(Number(id))).toBe(false);
    });

    it("deletion: soft leaves the agent with State 0 (its login still held)", async () => {
        const { id, outs } = await create({ ...IVAN, deletion: "soft" });
        await dispatch.remove(def, id, outs);
        expect(emu.agents.get(Number(id))!.State).toBe(0);
        expect(emu.requests("DELETE")).toEqual([]);
    });

    it("a soft-deleted login is reactivated (same ID, new settings), not duplicated", async () => {
        const old = emu.agentByLogin("olena.kovalenko")!;
        expect(old.State).toBe(0);
        const { id, outs } = await create({ login: "olena.kovalenko", email: "olena.k@creditkasa.ua", template: "AGENT_TEMPLATE_CKH_01" });
        expect(id).toBe(String(old.ID));
        expect(withLogin("olena.kovalenko")).toHaveLength(1);
        expect(emu.agents.get(old.ID)).toMatchObject({ State: 1, Details: "olena.k@creditkasa.ua", Domain: "CKH", Password: passwordHash(outs.password) });
        expect(writes()).toEqual(["POST /v1/agents", `PUT /v1/agents/${old.ID}`]); // 102, then reactivate
    });

    it('a login like "Ivan Ivanov" fails check naming the property, and nothing is written', async () => {
        const r = await dispatch.check(def, {}, { ...IVAN, login: "Ivan Ivanov" });
        expect(r.failures).toEqual([{ property: "login", reason: expect.stringMatching(/name\.surname, e\.g\. ivan\.ivanov.*"Ivan Ivanov"/) }]);
        // and if it reached create anyway
        await expect(dispatch.create(def, { ...IVAN, login: "Ivan Ivanov" })).rejects.toThrow(/login: must have the form name\.surname/);
        expect(emu.log).toEqual([]);
    });
});

describe("natural keys and drift", () => {
    it("an unknown template fails create on `template` with suggestions, before any write", async () => {
        await expect(create({ ...IVAN, template: "AGENT_TEMPLATE_CK01" })).rejects.toThrow(/template: no agent named "AGENT_TEMPLATE_CK01"; did you mean "AGENT_TEMPLATE_CK_01"/);
        expect(emu.writes()).toEqual([]);
    });

    it("an active agent of the same login is refused with a clear error, untouched", async () => {
        emu.uiCreateAgent({ Login: "ivan.ivanov", Details: "another person" });
        await expect(create(IVAN)).rejects.toThrow(/login: "ivan.ivanov" is already used by active Mediatel agent ID \d+ \("another person"\).*adopt: true/);
        expect(withLogin("ivan.ivanov")[0].Details).toBe("another person");
        expect(emu.requests("PUT")).toEqual([]);
    });

    it("refresh reports drift in managed settings, ignores unmanaged ones, and the next update converges", async () => {
        const { id, outs } = await create({ ...IVAN, defaultSkill: 6 });
        emu.uiEditAgent(Number(id), { DefaultSkill: 2, RightID: 4, Domain: "BY_HAND" });
        const read = await dispatch.read(def, id, outs);
        expect(read.props).toMatchObject({ defaultSkill: 2 });
        expect(read.props).not.toHaveProperty("rightId");
        expect(read.props).not.toHaveProperty("domain");
        const news = await checked({ ...IVAN, defaultSkill: 6 }, read.props);
        expect((await dispatch.diff(def, id, read.props, news)).changes).toBe(true);
        emu.clearLog();
        await dispatch.update(def, id, read.props, news);
        expect(emu.requests("PUT").map((r) => r.body)).toEqual([{ DefaultSkill: 6 }]);
        expect(emu.agents.get(Number(id))).toMatchObject({ DefaultSkill: 6, RightID: 4, Domain: "BY_HAND" }); // unmanaged kept
    });

    it("a password changed in the UI is detected by its MD5 prefix and set back", async () => {
        const { id, outs } = await create(IVAN);
        emu.uiEditAgent(Number(id), { PlainPassword: "typed-by-hand" });
        const read = await dispatch.read(def, id, outs);
        expect(read.props.passwordInSync).toBe(false);
        expect(read.props.password).toBe(outs.password); // the declared (generated) password is kept
        const news = await checked(IVAN, read.props);
        expect((await dispatch.diff(def, id, read.props, news)).changes).toBe(true);
        const { outs: after } = await dispatch.update(def, id, read.props, news);
        expect(emu.agents.get(Number(id))!.Password).toBe(passwordHash(outs.password));
        expect(after.passwordInSync).toBe(true);
    });

    it("a given password that changes is sent in the update", async () => {
        const { id, outs } = await create({ ...IVAN, password: "First-pass-1" });
        await dispatch.update(def, id, outs, await checked({ ...IVAN, password: "Second-pass-2" }, outs));
        expect(emu.agents.get(Number(id))!.Password).toBe(passwordHash("Second-pass-2"));
    });

    it("active: false deactivates without deleting; true reactivates", async () => {
        const { id, outs } = await create(IVAN);
        const { outs: off } = await dispatch.update(def, id, outs, await checked({ ...IVAN, active: false }, outs));
        expect(emu.agents.get(Number(id))!.State).toBe(0);
        expect(off.active).toBe(false);
        await dispatch.update(def, id, off, await checked(IVAN, off));
        expect(emu.agents.get(Number(id))!.State).toBe(1);
        expect(emu.requests("DELETE")).toEqual([]);
    });

    it("IDs are reused: after ours is deleted by hand and the ID goes to someone else, read says gone and delete leaves them alone", async () => {
        const { id, outs } = await create(IVAN);
        emu.uiDeleteAgent(Number(id));
        const stranger = emu.uiCreateAgent({ Login: "petro.petrenko", State: 1 });
        expect(String(stranger.ID)).toBe(id);
        expect((await dispatch.read(def, id, outs)).id).toBe("");
        emu.clearLog();
        await dispatch.remove(def, id, outs);
        expect(emu.writes()).toEqual([]);
        expect(emu.agents.get(Number(id))!.Login).toBe("petro.petrenko");
    });

    it("a template may be given by numeric ID", async () => {
        const { id } = await create({ ...IVAN, template: 13 });
        expect(emu.agents.get(Number(id))).toMatchObject({ DefaultSkill: 8, RightID: 4 }); // AGENT_TEMPLATE_HARD_01
    });
});

describe("faults: no duplicate agent, no orphan", () => {
    const onlyOne = (id: string) => {
        const found = withLogin("ivan.ivanov");
        expect(found).toHaveLength(1);
        expect(String(found[0].ID)).toBe(id);
        return found[0];
    };

    it("429 with Retry-After on the POST: waits as told, then one agent", async () => {
        emu.inject({ method: "POST", path: "/v1/agents", fault: { kind: "status", status: 429, retryAfterSeconds: 1 } });
        const { id } = await create(IVAN);
        onlyOne(id);
        const [first, second] = emu.requests("POST");
        expect([first.status, second.status]).toEqual([429, 200]);
        expect(second.at - first.at).toBeGreaterThanOrEqual(950);
    });

    it("503 twice on the POST (not processed): retried, one agent", async () => {
        emu.inject({ method: "POST", path: "/v1/agents", times: 2, fault: { kind: "status", status: 503 } });
        const { id } = await create(IVAN);
        onlyOne(id);
        expect(emu.requests("POST").map((r) => r.status)).toEqual([503, 503, 200]);
    });

    it("connection dropped before the POST was applied: found missing by login, sent again, one agent", async () => {
        emu.inject({ method: "POST", path: "/v1/agents", fault: { kind: "drop-before" } });
        const { id, outs } = await create(IVAN);
        const stored = onlyOne(id);
        expect(stored.Password).toBe(passwordHash(outs.password));
        // after the lost POST: a fresh list by login (the template lookup itself may come from the run's cache)
        expect(emu.log.map((r) => `${r.method} ${r.path}`).slice(-3)).toEqual(["POST /v1/agents", "GET /v1/agents", "POST /v1/agents"]);
    });

    it("connection dropped after the POST was applied: found by login and e-mail, not sent again", async () => {
        emu.inject({ method: "POST", path: "/v1/agents", fault: { kind: "drop-after" } });
        const { id, outs } = await create(IVAN);
        const stored = onlyOne(id);
        expect(stored.Password).toBe(passwordHash(outs.password)); // the state's password is the one stored
        expect(emu.requests("POST")).toHaveLength(1);
    });

    it("answer lost and the recovery read refused too: the error surfaces, and the next run adopts the agent rather than duplicate it", async () => {
        await mediatel().listAgents({ cached: true }); // the template lookup is served from the run's cache
        emu.clearLog();
        emu.inject({ method: "POST", path: "/v1/agents", fault: { kind: "drop-after" } });
        emu.inject({ method: "GET", path: "/v1/agents", fault: { kind: "status", status: 400, code: "100" } });
        await expect(create(IVAN)).rejects.toThrow(/Mediatel GET \/v1\/agents failed: 400/);
        expect(withLogin("ivan.ivanov")).toHaveLength(1); // created, but not in state
        // the next `pulumi up` creates again: login and e-mail say it is the same person, so it is adopted
        emu.clearLog();
        const { id, outs } = await create(IVAN);
        const stored = onlyOne(id);
        expect(stored.Password).toBe(passwordHash(outs.password)); // and given the password now in state
        expect(writes()).toEqual(["POST /v1/agents", `PUT /v1/agents/${id}`]);
    });

    it("connection dropped after the logical delete and after the permanent delete: both retried, agent gone", async () => {
        const { id, outs } = await create(IVAN);
        emu.inject({ method: "PUT", path: `/v1/agents/${id}`, fault: { kind: "drop-after" } });
        emu.inject({ method: "DELETE", path: `/v1/agents/${id}`, fault: { kind: "drop-after" } });
        await dispatch.remove(def, id, outs);
        expect(emu.agents.has(Number(id))).toBe(false);
        expect(emu.requests("DELETE").map((r) => r.status)).toEqual([200, 404]);
    });

    it("a base URL without /v1 (404 pages, not the API's 404) fails the refresh instead of dropping the agent", async () => {
        const { id, outs } = await create(IVAN);
        configureFrom((k) => ({ "telephony:mediatelUrl": emu.url, "telephony:mediatelToken": TOKEN })[k]);
        try {
            await expect(dispatch.read(def, id, outs)).rejects.toThrow(/404.*including \/v1/);
        } finally {
            configureFrom((k) => ({ "telephony:mediatelUrl": emu.baseUrl, "telephony:mediatelToken": TOKEN })[k]);
        }
    });

    it("503 on the read: retried", async () => {
        const { id, outs } = await create(IVAN);
        emu.inject({ method: "GET", path: `/v1/agents/${id}`, times: 2, fault: { kind: "status", status: 503 } });
        expect((await dispatch.read(def, id, outs)).id).toBe(id);
    });

    it("a permanent delete refused (a server that insists on State 0) is an error naming the agent, never silent", async () => {
        const { id, outs } = await create(IVAN);
        emu.inject({ method: "DELETE", path: `/v1/agents/${id}`, fault: { kind: "status", status: 409, code: "106", message: "agent is in a queue" } });
        await expect(dispatch.remove(def, id, outs)).rejects.toThrow(new RegExp(`DELETE /v1/agents/${id} failed: 409 106: object in use - agent is in a queue`));
    });

    it("a wrong token: an authentication error naming the settings, with no token in it", async () => {
        configureFrom((k) => ({ "telephony:mediatelUrl": emu.baseUrl, "telephony:mediatelToken": "wrong-token-123" })[k]);
        try {
            const err = await create(IVAN).catch((e) => e);
            expect(err.message).toMatch(/403 auth: .*VouchCookie.*telephony:mediatelToken/);
            expect(err.message).not.toContain("wrong-token-123");
        } finally {
            configureFrom((k) => ({ "telephony:mediatelUrl": emu.baseUrl, "telephony:mediatelToken": TOKEN })[k]);
        }
    });

    it("concurrent creates from one template share one template lookup", async () => {
        const people = ["anna.bondar", "bohdan.melnyk", "daria.tkachenko", "yurii.shevchuk"];
        const made = await Promise.all(people.map((login) => create({ login, email: `${login}@creditkasa.ua`, template: "AGENT_TEMPLATE_CK_02" })));
        expect(new Set(made.map((m) => m.id)).size).toBe(4);
        expect(emu.requests("GET", /^\/v1\/agents$/).length).toBeLessThanOrEqual(1); // cached per run (may be 0: cached earlier)
    });
});

import { mock } from "jest-mock-extended";
import { describe, expect, it } from "vitest";
import { validate } from "../../provider/core/check";
import { InputError } from "../../provider/core/errors";
import { UNKNOWN } from "../../provider/core/unknown";
import {
    agentDefinition as def,
    AgentInputs,
    AgentOutputs,
    generatePassword,
    mergeClientApp,
    passwordHash,
} from "../../provider/mediatel/agent";
import { MediatelAgent, MediatelApi, MediatelError } from "../../provider/mediatel/client";

const TEMPLATE: MediatelAgent = {
    ID: 10,
    Login: "AGENT_TEMPLATE_CK_01",
    Password: "c4ca4238a0b92382",
    Details: "template",
    RightID: 0,
    Domain: "CK_06",
    SupervisorID: 1,
    SupervisorRightID: 0,
    State: 1,
    DefaultSkill: 5,
    PersNumbers: ["700"],
    ClientApp: {
        ShowTreeCC: 1,
        AutoAnswer: { Predictive: 1, Other: 0, Time: 2200, Inbound: 1, Manual: 0 },
        StartURL: "https://crm/",
        TimeForDialOut: 20,
        RingFileID: -1,
    },
};

const agent = (over: Partial<MediatelAgent> = {}): MediatelAgent => ({
    ...structuredClone(TEMPLATE),
    ID: 2,
    Login: "ivan.ivanov",
    Details: "ivan.ivanov@creditkasa.ua",
    Password: passwordHash("Secret-pass-1"),
    ...over,
});

const inputs = (over: Partial<AgentInputs> = {}): AgentInputs => ({
    login: "ivan.ivanov",
    email: "ivan.ivanov@creditkasa.ua",
    template: "AGENT_TEMPLATE_CK_01",
    active: true,
    deletion: "hard",
    ...over,
});

const outs = (over: Partial<AgentOutputs> = {}): AgentOutputs => ({
    ...inputs(),
    password: "Secret-pass-1",
    agentId: 2,
    passwordInSync: true,
    ...over,
});

function api(agents: MediatelAgent[] = [TEMPLATE]) {
    const m = mock<MediatelApi>();
    m.listAgents.mockResolvedValue(agents);
    m.createAgent.mockImplementation(async (a) => ({ ...(a as MediatelAgent), ID: 2, Password: passwordHash(a.Password as string) }));
    m.updateAgent.mockImplementation(async (id, c) => ({ ...agent({ ID: id }), ...c, Password: c.Password ? passwordHash(c.Password as string) : agent().Password }) as MediatelAgent);
    return m;
}

const nameInUse = () =>
    new MediatelError({ system: "Mediatel", method: "POST", path: "/v1/agents", status: 409, code: "102", detailCode: 102, detail: "name in use" });
const dropped = () => new MediatelError({ system: "Mediatel", method: "POST", path: "/v1/agents", network: "ECONNRESET", ambiguous: true });

describe("mediatel.Agent check: bad input is named before anything is sent", () => {
    const base = { login: "ivan.ivanov", email: "ivan.ivanov@creditkasa.ua", template: "AGENT_TEMPLATE_CK_01" };
    it.each([
        ["ivan.ivanov"],
        ["ivan.ivanov2"],
        ["anna-maria.petrenko"],
        ["o.petrenko-kovalenko"],
        ["ivan.petrovych.ivanov"],
    ])("login %s is accepted", (login) => {
        expect(validate(def.schema, { ...base, login }).failures).toEqual([]);
    });

    it.each([
        ["Ivan Ivanov", /name\.surname, e\.g\. ivan\.ivanov.*got "Ivan Ivanov"; did you mean "ivan\.ivanov"\?/],
        ["ivan", /name\.surname, e\.g\. ivan\.ivanov/],
        ["Ivan.Ivanov", /did you mean "ivan\.ivanov"/],
        ["ivan_ivanov", /did you mean "ivan\.ivanov"/],
        ["ivan.ivanov.", /got "ivan\.ivanov\."/],
        ["ivan..ivanov", /name\.surname/],
        ["2ivan.ivanov", /name\.surname/],
        ["ivan.ivanov2a", /name\.surname/],
        ["іван.іванов", /lowercase latin letters/],
        ["", /name\.surname/],
    ])("login %j fails on login: %s", (login, reason) => {
        const { failures } = validate(def.schema, { ...base, login });
        expect(failures).toHaveLength(1);
        expect(failures[0].property).toBe("login");
        expect(failures[0].reason).toMatch(reason);
    });

    it.each([
        [{ email: "ivan" }, "email", /e-mail address/],
        [{ template: "" }, "template", /login or numeric ID/],
        [{ template: 1.5 }, "template", /login or numeric ID/],
        [{ defaultSkill: 0 }, "defaultSkill", /1|>=/],
        [{ defaultSkill: 11 }, "defaultSkill", /10/],
        [{ supervisorId: -2 }, "supervisorId", /-1/],
        [{ password: "c4ca4238a0b92382" }, "password", /16 lowercase hex digits/],
        [{ password: "" }, "password", /.+/],
        [{ deletion: "archive" }, "deletion", /hard|soft/],
        [{ active: "yes" }, "active", /boolean/],
        [{ persNumbers: [945] }, "persNumbers[0]", /string/],
        [{ clientApp: { timeForDialOut: -1 } }, "clientApp.timeForDialOut", /0/],
        [{ clientApp: { TimeForDialOut: 20 } }, "clientApp.TimeForDialOut", /unknown property; did you mean "timeForDialOut"/],
        [{ clientApp: { autoAnswer: { inbound: 1 } } }, "clientApp.autoAnswer.inbound", /boolean/],
        [{ Login: "x" }, "Login", /unknown property; did you mean "login"/],
    ])("%j fails on %s", (over, property, reason) => {
        const { failures } = validate(def.schema, { ...base, ...over });
        expect(failures.map((f) => f.property)).toContain(property);
        expect(failures.find((f) => f.property === property)!.reason).toMatch(reason);
    });

    it("never echoes a password in a failure", () => {
        const { failures } = validate(def.schema, { ...base, password: "0123456789abcdef" });
        expect(JSON.stringify(failures)).not.toContain("0123456789abcdef");
    });

    it("defaults: active, hard deletion; a numeric template ID is fine", () => {
        expect(validate(def.schema, { ...base, template: 10 }).value).toMatchObject({ active: true, deletion: "hard", template: 10 });
    });

    it("skips values that are unknown during preview", () => {
        expect(validate(def.schema, { ...base, login: UNKNOWN, email: UNKNOWN }).failures).toEqual([]);
    });
});

describe("mediatel.Agent diff", () => {
    const diff = (olds: Partial<AgentOutputs>, news: Partial<AgentInputs>) =>
        (def.diff as (o: AgentOutputs, n: AgentInputs) => { changes?: boolean; replaces?: string[] })(outs(olds), inputs(news));
    it.each([
        ["nothing changed", {}, {}, false],
        ["another template (read once, ignored later)", {}, { template: "AGENT_TEMPLATE_CK_02" }, false],
        ["adopt (create only)", {}, { adopt: true }, false],
        ["password left out (generated one kept)", {}, { password: undefined }, false],
        ["password given and different", {}, { password: "Other-pass-2" }, true],
        ["email", {}, { email: "ivan.i@creditkasa.ua" }, true],
        ["login (renamed in place)", {}, { login: "ivan.ivanenko" }, true],
        ["defaultSkill newly managed", {}, { defaultSkill: 7 }, true],
        ["defaultSkill unmanaged (left out)", { defaultSkill: 7 }, {}, false],
        ["active -> false", {}, { active: false }, true],
        ["deletion soft", {}, { deletion: "soft" as const }, true],
        ["a clientApp sub-setting", { clientApp: { timeForDialOut: 20 } }, { clientApp: { timeForDialOut: 25 } }, true],
        ["clientApp the same", { clientApp: { timeForDialOut: 20 } }, { clientApp: { timeForDialOut: 20 } }, false],
        ["password changed outside Pulumi (refresh saw it)", { passwordInSync: false }, {}, true],
        ["unknown email during preview", {}, { email: UNKNOWN }, true],
    ])("%s: changes %s", (_what, olds, news, changes) => {
        const r = diff(olds, news);
        expect(r.changes).toBe(changes);
        expect(r.replaces ?? []).toEqual([]); // an agent never needs replacing: even the login changes in place
    });
});

describe("mediatel.Agent create: copy the template", () => {
    it("POSTs the template's settings with ID -1, the login, e-mail in Details, a generated password and the overrides", async () => {
        const m = api();
        const { id, outs: o } = await def.create(inputs({ defaultSkill: 7, clientApp: { timeForDialOut: 25, autoAnswer: { inbound: false } } }), m);
        expect(id).toBe("2");
        const body = m.createAgent.mock.calls[0][0];
        expect(body).toMatchObject({
            Login: "ivan.ivanov",
            Details: "ivan.ivanov@creditkasa.ua",
            Domain: "CK_06", // from the template
            PersNumbers: ["700"], // from the template
            SupervisorID: 1,
            DefaultSkill: 7, // override
            State: 1,
        });
        expect(body).not.toHaveProperty("ID"); // the facade sets ID -1; never the template's ID
        // nested objects sent whole: the template's ClientApp with the overrides laid over it
        expect(body.ClientApp).toEqual({
            ShowTreeCC: 1,
            AutoAnswer: { Predictive: 1, Other: 0, Time: 2200, Inbound: 0, Manual: 0 },
            StartURL: "https://crm/",
            TimeForDialOut: 25,
            RingFileID: -1,
        });
        // the template's password hash is never copied
        expect(body.Password).not.toBe(TEMPLATE.Password);
        expect(body.Password).toBe(o.password);
        expect(o).toMatchObject({ agentId: 2, passwordInSync: true, defaultSkill: 7, clientApp: { timeForDialOut: 25, autoAnswer: { inbound: false } } });
    });

    it("uses the given password", async () => {
        const m = api();
        const { outs: o } = await def.create(inputs({ password: "Given-pass-9" }), m);
        expect(m.createAgent.mock.calls[0][0].Password).toBe("Given-pass-9");
        expect(o.password).toBe("Given-pass-9");
    });

    it.each([
        ["by login", "AGENT_TEMPLATE_CK_01"],
        ["by numeric ID", 10],
        ["by ID as a string", "10"],
        ["by login, other case", "agent_template_ck_01"],
    ])("finds the template %s, from the list cached for the run", async (_what, template) => {
        const m = api();
        await def.create(inputs({ template }), m);
        expect(m.listAgents).toHaveBeenCalledWith({ cached: true });
        expect(m.createAgent.mock.calls[0][0]).toMatchObject({ Domain: "CK_06" });
    });

    it("an unknown template fails on `template` with close matches, and nothing is written", async () => {
        const m = api([TEMPLATE, { ...TEMPLATE, ID: 11, Login: "AGENT_TEMPLATE_CK_02" }]);
        const err = await def.create(inputs({ template: "AGENT_TEMPLATE_CK_1" }), m).catch((e) => e);
        expect(err).toBeInstanceOf(InputError);
        expect(err.property).toBe("template");
        expect(err.message).toMatch(/did you mean "AGENT_TEMPLATE_CK_01"/);
        expect(m.createAgent).not.toHaveBeenCalled();
        expect(m.updateAgent).not.toHaveBeenCalled();
    });

    it.each([
        ["active: false creates the agent deactivated", { active: false }, 0],
        ["active by default", {}, 1],
    ])("%s", async (_what, over, state) => {
        const m = api();
        await def.create(inputs(over), m);
        expect(m.createAgent.mock.calls[0][0].State).toBe(state);
    });
});

describe("mediatel.Agent create: the login is taken, or the answer was lost", () => {
    it("reactivates a soft-deleted agent of the same login (same ID) with the new settings", async () => {
        const m = api();
        m.createAgent.mockRejectedValueOnce(nameInUse());
        m.listAgents.mockImplementation(async (o) => (o?.cached ? [TEMPLATE] : [TEMPLATE, agent({ ID: 20, State: 0, Details: "old@creditkasa.ua" })]));
        const { id, outs: o } = await def.create(inputs(), m);
        expect(id).toBe("20");
        expect(m.updateAgent).toHaveBeenCalledWith(20, expect.objectContaining({ State: 1, Details: "ivan.ivanov@creditkasa.ua", Domain: "CK_06", Password: o.password }));
        expect(m.createAgent).toHaveBeenCalledTimes(1);
    });

    it("refuses an active agent of the same login that the stack does not manage, saying how to proceed", async () => {
        const m = api();
        m.createAgent.mockRejectedValueOnce(nameInUse());
        m.listAgents.mockImplementation(async (o) => (o?.cached ? [TEMPLATE] : [TEMPLATE, agent({ ID: 7, Details: "someone@else.ua" })]));
        const err = await def.create(inputs(), m).catch((e) => e);
        expect(err).toBeInstanceOf(InputError);
        expect(err.property).toBe("login");
        expect(err.message).toMatch(/already used by active Mediatel agent ID 7.*adopt: true/);
        expect(m.updateAgent).not.toHaveBeenCalled();
    });

    it("adopts an active agent with this login and this e-mail (the same person), setting the declared settings", async () => {
        const m = api();
        m.createAgent.mockRejectedValueOnce(nameInUse());
        m.listAgents.mockImplementation(async (o) => (o?.cached ? [TEMPLATE] : [TEMPLATE, agent({ ID: 7, Domain: "OLD" })]));
        const { id, outs: o } = await def.create(inputs(), m);
        expect(id).toBe("7");
        expect(m.updateAgent).toHaveBeenCalledWith(7, expect.objectContaining({ Domain: "CK_06", Password: o.password, State: 1 }));
    });

    it("adopts that agent with adopt: true", async () => {
        const m = api();
        m.createAgent.mockRejectedValueOnce(nameInUse());
        m.listAgents.mockImplementation(async (o) => (o?.cached ? [TEMPLATE] : [TEMPLATE, agent({ ID: 7, Details: "someone@else.ua" })]));
        const { id } = await def.create(inputs({ adopt: true }), m);
        expect(id).toBe("7");
        expect(m.updateAgent).toHaveBeenCalledWith(7, expect.objectContaining({ Details: "ivan.ivanov@creditkasa.ua", State: 1 }));
    });

    it("answer lost, agent there with our e-mail: it is ours, nothing sent again", async () => {
        const m = api();
        m.createAgent.mockRejectedValueOnce(dropped());
        m.listAgents.mockImplementation(async (o) => (o?.cached ? [TEMPLATE] : [TEMPLATE, agent({ ID: 2 })]));
        const { id } = await def.create(inputs(), m);
        expect(id).toBe("2");
        expect(m.createAgent).toHaveBeenCalledTimes(1);
        expect(m.updateAgent).not.toHaveBeenCalled();
    });

    it("answer lost, no such agent: the POST never arrived, so it is sent once more", async () => {
        const m = api();
        m.createAgent.mockRejectedValueOnce(dropped());
        const { id } = await def.create(inputs(), m);
        expect(id).toBe("2");
        expect(m.createAgent).toHaveBeenCalledTimes(2);
        expect(m.listAgents).toHaveBeenCalledWith(); // a fresh list, not the cached one
    });

    it("a 102 with no agent listed for the login is explained (a holder this token cannot see)", async () => {
        const m = api();
        m.createAgent.mockRejectedValueOnce(nameInUse());
        const err = await def.create(inputs(), m).catch((e) => e);
        expect(err).toBeInstanceOf(InputError);
        expect(err.property).toBe("login");
        expect(err.message).toMatch(/is in use \(102\), but lists no agent with it/);
        expect(m.createAgent).toHaveBeenCalledTimes(1);
    });

    it("other failures pass through untouched", async () => {
        const m = api();
        const e = new MediatelError({ system: "Mediatel", method: "POST", path: "/v1/agents", status: 400, code: "100", detailCode: 100 });
        m.createAgent.mockRejectedValueOnce(e);
        await expect(def.create(inputs(), m)).rejects.toBe(e);
        expect(m.listAgents).not.toHaveBeenCalledWith();
    });

    it("a password echoed back in an error message is scrubbed", async () => {
        const m = api();
        m.createAgent.mockRejectedValueOnce(
            new MediatelError({ system: "Mediatel", method: "POST", path: "/v1/agents", status: 400, detail: 'bad Password "Given-pass-9"' }),
        );
        const err = await def.create(inputs({ password: "Given-pass-9" }), m).catch((e) => e);
        expect(err.message).not.toContain("Given-pass-9");
        expect(err.message).toContain("[secret]");
        expect(err.detail).not.toContain("Given-pass-9");
    });
});

describe("mediatel.Agent read", () => {
    it("reports what is there, for the managed settings only", async () => {
        const m = api();
        m.getAgent.mockResolvedValue(agent({ DefaultSkill: 9, RightID: 4, Details: "changed@creditkasa.ua", ClientApp: { ...TEMPLATE.ClientApp, TimeForDialOut: 40 } }));
        const live = await def.read("2", outs({ defaultSkill: 7, clientApp: { timeForDialOut: 25 } }), m);
        expect(live).toEqual(outs({ email: "changed@creditkasa.ua", defaultSkill: 9, clientApp: { timeForDialOut: 40 } }));
        expect(live).not.toHaveProperty("rightId"); // not managed: not reported
    });

    it.each([
        ["the agent is gone", undefined],
        ["the ID now belongs to another login (IDs are reused)", agent({ Login: "petro.petrenko" })],
    ])("%s: gone", async (_what, found) => {
        const m = api();
        m.getAgent.mockResolvedValue(found);
        expect(await def.read("2", outs(), m)).toBeUndefined();
    });

    it.each([
        ["the same password", passwordHash("Secret-pass-1"), true],
        ["a password changed in the UI", passwordHash("typed-by-hand"), false],
    ])("%s: passwordInSync %s (the MD5 prefix is compared)", async (_what, shown, inSync) => {
        const m = api();
        m.getAgent.mockResolvedValue(agent({ Password: shown }));
        expect((await def.read("2", outs(), m))!.passwordInSync).toBe(inSync);
    });

    it("a soft-deleted agent reads as active: false", async () => {
        const m = api();
        m.getAgent.mockResolvedValue(agent({ State: 0 }));
        expect((await def.read("2", outs(), m))!.active).toBe(false);
    });
});

describe("mediatel.Agent update: only what differs from the live agent", () => {
    it.each([
        ["e-mail", { email: "new@creditkasa.ua" }, { Details: "new@creditkasa.ua" }],
        ["default skill", { defaultSkill: 8 }, { DefaultSkill: 8 }],
        ["deactivate", { active: false }, { State: 0 }],
        ["login renamed in place", { login: "ivan.ivanenko" }, { Login: "ivan.ivanenko" }],
        ["a new password", { password: "Next-pass-2" }, { Password: "Next-pass-2" }],
        ["pers numbers", { persNumbers: ["945", "946"] }, { PersNumbers: ["945", "946"] }],
    ])("%s", async (_what, news, sent) => {
        const m = api();
        m.getAgent.mockResolvedValue(agent());
        await def.update("2", outs(), inputs(news), m);
        expect(m.updateAgent).toHaveBeenCalledTimes(1);
        expect(m.updateAgent.mock.calls[0]).toEqual([2, sent]);
    });

    it("sends ClientApp whole: the live one with the managed settings over it", async () => {
        const m = api();
        m.getAgent.mockResolvedValue(agent({ ClientApp: { ...TEMPLATE.ClientApp, StartURL: "https://set-by-hand/" } }));
        await def.update("2", outs({ clientApp: { timeForDialOut: 20 } }), inputs({ clientApp: { timeForDialOut: 30 } }), m);
        expect(m.updateAgent.mock.calls[0][1]).toEqual({ ClientApp: { ...TEMPLATE.ClientApp, StartURL: "https://set-by-hand/", TimeForDialOut: 30 } });
    });

    it("sets the password back when it was changed outside Pulumi, keeping a generated one", async () => {
        const m = api();
        m.getAgent.mockResolvedValue(agent({ Password: passwordHash("typed-by-hand") }));
        const o = await def.update("2", outs({ passwordInSync: false }), inputs(), m);
        expect(m.updateAgent.mock.calls[0][1]).toEqual({ Password: "Secret-pass-1" });
        expect(o).toMatchObject({ password: "Secret-pass-1", passwordInSync: true });
    });

    it("never overwrites unmanaged settings someone set by hand", async () => {
        const m = api();
        m.getAgent.mockResolvedValue(agent({ RightID: 4, DefaultSkill: 9 }));
        await def.update("2", outs(), inputs({ email: "new@creditkasa.ua" }), m);
        expect(m.updateAgent.mock.calls[0][1]).toEqual({ Details: "new@creditkasa.ua" });
    });

    it("changing only `deletion` writes nothing", async () => {
        const m = api();
        m.getAgent.mockResolvedValue(agent());
        const o = await def.update("2", outs(), inputs({ deletion: "soft" }), m);
        expect(m.updateAgent).not.toHaveBeenCalled();
        expect(o.deletion).toBe("soft");
    });

    it("refuses to touch an ID that now holds another login", async () => {
        const m = api();
        m.getAgent.mockResolvedValue(agent({ Login: "petro.petrenko" }));
        await expect(def.update("2", outs(), inputs({ defaultSkill: 3 }), m)).rejects.toThrow(/no longer exists.*pulumi refresh/);
        expect(m.updateAgent).not.toHaveBeenCalled();
    });
});

describe("mediatel.Agent delete: logical delete first", () => {
    it.each([
        // [what, live State, deletion, PUT {State:0} sent, DELETE sent]
        ["hard (default) on an active agent", 1, "hard", true, true],
        ["hard on an agent already soft-deleted", 0, "hard", false, true],
        ["soft on an active agent", 1, "soft", true, false],
        ["soft on an agent already soft-deleted", 0, "soft", false, false],
    ] as const)("%s", async (_what, state, deletion, put, del) => {
        const m = api();
        m.getAgent.mockResolvedValue(agent({ State: state }));
        await def.delete("2", outs({ deletion }), m);
        expect(m.updateAgent.mock.calls).toEqual(put ? [[2, { State: 0 }]] : []);
        expect(m.deleteAgent.mock.calls).toEqual(del ? [[2]] : []);
        if (put && del) expect(m.updateAgent.mock.invocationCallOrder[0]).toBeLessThan(m.deleteAgent.mock.invocationCallOrder[0]);
    });

    it.each([
        ["already gone", undefined],
        ["the ID now belongs to someone else", agent({ Login: "petro.petrenko" })],
    ])("%s: nothing is written", async (_what, found) => {
        const m = api();
        m.getAgent.mockResolvedValue(found);
        await def.delete("2", outs(), m);
        expect(m.updateAgent).not.toHaveBeenCalled();
        expect(m.deleteAgent).not.toHaveBeenCalled();
    });
});

describe("passwords", () => {
    it("generated: 20 characters, every class, never 16 hex digits, never the same twice", () => {
        const seen = new Set<string>();
        for (let i = 0; i < 500; i++) {
            const p = generatePassword();
            expect(p).toMatch(/^[A-Za-z2-9]{20}$/);
            expect(p).toMatch(/[a-z]/);
            expect(p).toMatch(/[A-Z]/);
            expect(p).toMatch(/[0-9]/);
            expect(p).not.toMatch(/[0O1lI]/);
            seen.add(p);
        }
        expect(seen.size).toBe(500);
    });

    it("the API's form: the first 16 hex digits of MD5 (MD5('1') in the REST document)", () => {
        expect(passwordHash("1")).toBe("c4ca4238a0b92382");
    });
});

describe("mergeClientApp", () => {
    it("keeps settings it does not know and replaces only the managed ones", () => {
        expect(mergeClientApp({ Unknown: 5, TimeWarning: 0, AutoAnswer: { Manual: 1, Extra: 2 } }, { timeWarning: true, autoAnswer: { manual: false } })).toEqual({
            Unknown: 5,
            TimeWarning: 1,
            AutoAnswer: { Manual: 0, Extra: 2 },
        });
    });
});

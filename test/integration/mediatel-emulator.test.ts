/**
 * The Mediatel emulator follows seeds/003 and the contract of research/other-apis.md §3.6: what it answers follows
 * from what was sent before. Plain fetch, no provider code.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { HASH_OF_1, MediatelEmulator, passwordHash } from "../emulators/mediatel";

const TOKEN = "emulator-test-token";
const emu = new MediatelEmulator({ token: TOKEN, readOnlyToken: "read-only-token" });

async function api(method: string, path: string, body?: unknown, cookie = `VouchCookie=${TOKEN}`) {
    const res = await fetch(`${emu.baseUrl}${path}`, {
        method,
        headers: { cookie, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let json: any;
    try {
        json = JSON.parse(text);
    } catch {
        json = undefined;
    }
    return { status: res.status, json, text, type: res.headers.get("content-type") };
}

beforeAll(() => emu.start());
afterAll(() => emu.stop());
beforeEach(() => emu.reset());

describe("auth gate (the vouch proxy)", () => {
    it.each([
        ["no cookie", ""],
        ["a wrong token", "VouchCookie=nope"],
        ["the token under another cookie name", `Session=${TOKEN}`],
    ])("%s: a bare 403 page, not the envelope", async (_what, cookie) => {
        const r = await api("GET", "/agents", undefined, cookie);
        expect(r.status).toBe(403);
        expect(r.type).toMatch(/text\/html/);
        expect(r.json).toBeUndefined();
    });

    it("the cookie among others is accepted", async () => {
        expect((await api("GET", "/agents", undefined, `a=b; VouchCookie=${TOKEN}; c=d`)).status).toBe(200);
    });

    it("a read-only token reads but gets 103 on writes", async () => {
        expect((await api("GET", "/agents", undefined, "VouchCookie=read-only-token")).status).toBe(200);
        const r = await api("PUT", "/agents/3", { DefaultSkill: 2 }, "VouchCookie=read-only-token");
        expect(r.json.error).toMatchObject({ code: 403, detail: 103 });
    });
});

describe("agents", () => {
    it("lists the seed: root and A1 of the document, the templates, the soft-deleted agent", async () => {
        const r = await api("GET", "/agents");
        expect(r.json.error).toEqual({ code: 200 });
        const logins = r.json.result.map((a: any) => `${a.ID}:${a.Login}:${a.State}`);
        expect(logins).toEqual(
            expect.arrayContaining(["1:root:1", "3:A1:1", "10:AGENT_TEMPLATE_CK_01:1", "20:olena.kovalenko:0"]),
        );
        expect(r.json.result.every((a: any) => a.Password === HASH_OF_1 || /^[0-9a-f]{16}$/.test(a.Password))).toBe(true);
    });

    it("GET /agents/self is the caller's own record; GET /agents/{ID} is one agent in an array", async () => {
        expect((await api("GET", "/agents/self")).json.result).toMatchObject([{ ID: 1, Login: "root" }]);
        expect((await api("GET", "/agents/3")).json.result).toMatchObject([{ ID: 3, Login: "A1" }]);
        expect((await api("GET", "/agents/99")).json).toMatchObject({ error: { code: 404 }, result: [] });
        // outside the API: the web server's page, not the envelope
        const outside = await fetch(`${emu.url}/agents/99`, { headers: { cookie: `VouchCookie=${TOKEN}` } });
        expect(outside.status).toBe(404);
        expect(await outside.json()).toMatch(/^404 Not Found/);
    });

    it("POST fills the lowest free ID (2, as in the document) and stores MD5[0:16] of the password", async () => {
        const r = await api("POST", "/agents", { ID: -1, Login: "NewAgent5", Password: "pa55word", Details: "New Agent" });
        expect(r.json.result).toMatchObject([{ ID: 2, Login: "NewAgent5", Password: passwordHash("pa55word"), State: 1 }]);
        expect(emu.agents.get(2)!.Password).toBe(passwordHash("pa55word"));
    });

    it("a 16-hex password is stored verbatim (a copied hash: the copy trap)", async () => {
        const r = await api("POST", "/agents", { ID: -1, Login: "copy.trap", Password: HASH_OF_1 });
        expect(r.json.result[0].Password).toBe(HASH_OF_1);
    });

    it.each([
        ["a positive ID (would overwrite the template)", { ID: 10, Login: "x.y" }, 400, 100],
        ["an empty Login", { ID: -1, Login: "" }, 400, 101],
        ["a Login with a space", { ID: -1, Login: "Ivan Ivanov" }, 400, 101],
        ["a Login in use", { ID: -1, Login: "A1" }, 409, 102],
        ["a Login held by a soft-deleted agent", { ID: -1, Login: "olena.kovalenko" }, 409, 102],
        ["a number as a string", { ID: -1, Login: "x.y", DefaultSkill: "5" }, 400, 100],
        ["an unknown field (strict)", { ID: -1, Login: "x.y", Skill: 5 }, 400, 100],
        ["an unknown ClientApp field (the seed's OCR typo)", { ID: -1, Login: "x.y", ClientApp: { AddNrlnClipboard: 0 } }, 400, 100],
        ["DefaultSkill out of 1..10", { ID: -1, Login: "x.y", DefaultSkill: 11 }, 400, 100],
    ])("POST with %s: %i / detail %i, nothing stored", async (_what, body, status, detail) => {
        const before = emu.agents.size;
        const r = await api("POST", "/agents", body);
        expect(r.status).toBe(status);
        expect(r.json).toMatchObject({ error: { code: status, detail }, result: [] });
        expect(emu.agents.size).toBe(before);
    });

    it("PUT merges the top level and replaces ClientApp whole", async () => {
        const r = await api("PUT", "/agents/3", { SupervisorRightID: 4, SupervisorID: -1, ClientApp: { TimeForDialOut: 30 } });
        expect(r.json.result[0]).toMatchObject({ ID: 3, Login: "A1", SupervisorRightID: 4, SupervisorID: -1, PersNumbers: ["945"] });
        expect(r.json.result[0].ClientApp).toEqual({ TimeForDialOut: 30 });
    });

    it("permanent DELETE is refused while State is 1 (409/106) and works after PUT {State:0}", async () => {
        const refused = await api("DELETE", "/agents/3");
        expect(refused.json).toMatchObject({ error: { code: 409, detail: 106, entityType: 1 }, result: [] });
        expect(emu.agents.has(3)).toBe(true);
        expect((await api("PUT", "/agents/3", { State: 0 })).json.result[0].State).toBe(0);
        expect((await api("DELETE", "/agents/3")).json).toEqual({ error: { code: 200 }, result: [] });
        expect((await api("GET", "/agents/3")).status).toBe(404);
    });

    it("a soft-deleted login is free again only after the permanent delete; IDs are reused", async () => {
        await api("PUT", "/agents/20", {}); // still there
        expect((await api("DELETE", "/agents/20")).status).toBe(200);
        const again = await api("POST", "/agents", { ID: -1, Login: "olena.kovalenko" });
        expect(again.json.result[0].ID).toBe(2); // lowest free
        emu.uiDeleteAgent(2);
        expect((await api("POST", "/agents", { ID: -1, Login: "someone.else" })).json.result[0].ID).toBe(2);
    });
});

describe("extensions", () => {
    it("POST fills defaults and allocates max + 1 (15, as in the document)", async () => {
        const r = await api("POST", "/extensions", { E_Extension: "SIP2", E_Type: 2 });
        expect(r.json.result).toEqual([
            { E_ID: 15, E_Extension: "SIP2", Protocol: "", E_Type: 2, E_Description: "", E_DialOutIdentities: "", ContactDisplay: "", DestAddress: "", Destination: "", Codecs: [], ConnectionType: "", DTMFSupport: [], FromDisplay: "", Payload: "" },
        ]);
    });

    it.each([
        ["the document's typo E_Typet (strict)", { E_Extension: "X1", E_Type: 2, E_Typet: 6 }, 100],
        ["a duplicate name", { E_Extension: "SIP", E_Type: 2 }, 102],
        ["no E_Type", { E_Extension: "X1" }, 100],
        ["ConnectionType as a number", { E_Extension: "X1", E_Type: 2, ConnectionType: 3 }, 100],
        ["a name with a space", { E_Extension: "X 1", E_Type: 2 }, 101],
    ])("POST with %s: detail %i", async (_what, body, detail) => {
        expect((await api("POST", "/extensions", body)).json.error.detail).toBe(detail);
    });

    it("PUT is a partial merge; DELETE answers []; an extension in use cannot be deleted (106)", async () => {
        expect((await api("PUT", "/extensions/13", { E_Type: 6 })).json.result[0]).toMatchObject({ E_ID: 13, E_Type: 6, Payload: "127" });
        emu.extensionsInUse.add(14);
        expect((await api("DELETE", "/extensions/14")).json.error).toMatchObject({ code: 409, detail: 106 });
        expect((await api("DELETE", "/extensions/13")).json).toEqual({ error: { code: 200 }, result: [] });
    });

    it("PATCH: Deleted first, then Inserted (E_ID > 0 modifies, < 0 creates), results in request order", async () => {
        await api("POST", "/extensions", { E_Extension: "SIP2", E_Type: 2 }); // 15
        await api("POST", "/extensions", { E_Extension: "OLD", E_Type: 2 }); // 16
        const r = await api("PATCH", "/extensions", {
            Deleted: [{ E_ID: 16 }],
            Inserted: [
                { E_ID: 13, E_Extension: "SIP", E_Type: 5, E_Description: "SIP New Name" },
                { E_ID: -1, E_Type: 3, E_Extension: "SIP3", Protocol: "SIP" },
            ],
        });
        expect(r.json.result.map((e: any) => [e.E_ID, e.E_Extension, e.E_Description])).toEqual([
            [13, "SIP", "SIP New Name"],
            [16, "SIP3", ""], // max + 1 after 16 was deleted: IDs come back
        ]);
        expect(emu.extensionByName("OLD")).toBeUndefined();
    });

    it.each([
        ["an unknown E_ID in Deleted", { Deleted: [{ E_ID: 99 }], Inserted: [{ E_ID: -1, E_Extension: "N1", E_Type: 1 }] }],
        ["E_ID 0", { Inserted: [{ E_ID: -1, E_Extension: "N1", E_Type: 1 }, { E_ID: 0, E_Extension: "N2", E_Type: 1 }] }],
        ["the same E_ID deleted and inserted", { Deleted: [{ E_ID: 13 }], Inserted: [{ E_ID: 13, E_Type: 1 }] }],
        ["a duplicate name in the batch", { Inserted: [{ E_ID: -1, E_Extension: "N1", E_Type: 1 }, { E_ID: -2, E_Extension: "N1", E_Type: 1 }] }],
        ["a temporary id used twice", { Inserted: [{ E_ID: -1, E_Extension: "N1", E_Type: 1 }, { E_ID: -1, E_Extension: "N2", E_Type: 1 }] }],
        ["an item in use", { Deleted: [{ E_ID: 9 }, { E_ID: 14 }] }],
    ])("PATCH with %s: refused whole, nothing changed", async (_what, body) => {
        emu.extensionsInUse.add(14);
        const before = JSON.stringify([...emu.extensions]);
        const r = await api("PATCH", "/extensions", body);
        expect(r.json.error.code).not.toBe(200);
        expect(r.json.result).toEqual([]);
        expect(JSON.stringify([...emu.extensions])).toBe(before);
    });
});

describe("faults and the request log", () => {
    it("injected 503 and 498 use the envelope; 429 carries Retry-After", async () => {
        emu.inject({ method: "GET", path: "/v1/agents", fault: { kind: "status", status: 498 } });
        emu.inject({ method: "GET", path: "/v1/extensions", fault: { kind: "status", status: 429, retryAfterSeconds: 2 } });
        expect((await api("GET", "/agents")).json).toMatchObject({ error: { code: 498 }, result: [] });
        const limited = await fetch(`${emu.baseUrl}/extensions`, { headers: { cookie: `VouchCookie=${TOKEN}` } });
        expect(limited.status).toBe(429);
        expect(limited.headers.get("retry-after")).toBe("2");
        expect(emu.requests("GET").map((r) => r.status)).toEqual([498, 429]);
    });

    it("the sliding-minute rate limit answers 429 with Retry-After in the envelope", async () => {
        emu.rateLimitPerMinute = 2;
        try {
            await api("GET", "/agents/1");
            await api("GET", "/agents/1");
            const r = await api("GET", "/agents/1");
            expect(r.status).toBe(429);
            expect(r.json.error.code).toBe(429);
        } finally {
            emu.rateLimitPerMinute = 0;
        }
    });

    it("control endpoints let a sandbox in another process be inspected and edited", async () => {
        const put = await fetch(`${emu.url}/__emulator/agents/3`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ PlainPassword: "typed" }) });
        expect(put.status).toBe(200);
        expect(emu.agents.get(3)!.Password).toBe(passwordHash("typed"));
        const state = (await (await fetch(`${emu.url}/__emulator/state`)).json()) as { agents: unknown[] };
        expect(state.agents.length).toBe(emu.agents.size);
    });
});

/**
 * The roster workflow end to end: StaffMember programs run through a stand-in engine (test/engine) that drives the
 * real dynamic-provider server against both emulators. A roster edit must change exactly what it should.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseRoster, provisionRoster } from "../../provider/staffing";
import { MiniEngine, Step } from "../engine/mini-engine";
import { GenesysEmulator, SEED } from "../emulators/genesys";
import { MediatelEmulator, SANDBOX_TOKEN } from "../emulators/mediatel";
import { secret } from "./harness";

const person = (name: string, email: string, genesys?: string, mediatel?: string) =>
    `  - name: ${name}\n    email: ${email}\n${genesys ? `    genesys: ${genesys}\n` : ""}${mediatel ? `    mediatel: ${mediatel}\n` : ""}`;

const IVAN = (title: string) => person("Ivan Ivanov", "ivan.ivanov@example.com", `{ title: ${title}, roles: [Communicate], groups: [Sales Team], site: Kyiv }`, "{ template: AGENT_TEMPLATE_CK_01, extension: '7001' }");
const JAMES = person("James Smith", "james.smith@example.com", "{ title: Sales Agent, roles: [Agent], groups: [Sales Team, Night Shift], site: London }");
const TARAS = person("Taras Shevchenko", "t.shevchenko@example.com", undefined, "{ template: AGENT_TEMPLATE_CK_01, login: taras.shevchenko }");
const OKSANA = person("Oksana Melnyk", "oksana.melnyk@example.com", "{ title: Support Agent, roles: [Communicate], site: Kyiv }", "{ template: AGENT_TEMPLATE_CK_01 }");

const roster = (...people: string[]) => `people:\n${people.join("")}`;
const program = (yaml: string) => () => provisionRoster(parseRoster(yaml, "roster.yaml"));
const changes = (steps: Step[]) => steps.filter((s) => s.op !== "same").map((s) => `${s.op} ${s.name}`).sort();

let genesys: GenesysEmulator;
let mediatel: MediatelEmulator;
let engine: MiniEngine;

beforeAll(async () => {
    genesys = new GenesysEmulator({ stationIndexLagMs: 300 });
    mediatel = new MediatelEmulator();
    await genesys.start();
    await mediatel.start();
    engine = await MiniEngine.start({
        "telephony:genesysApiUrl": genesys.url,
        "telephony:genesysClientId": SEED.client.id,
        "telephony:genesysClientSecret": secret(SEED.client.secret),
        "telephony:mediatelUrl": mediatel.baseUrl,
        "telephony:mediatelToken": secret(SANDBOX_TOKEN),
    });
}, 60_000);
afterAll(async () => {
    await engine?.stop();
    await genesys?.stop();
    await mediatel?.stop();
});

describe("a roster across Genesys Cloud and Mediatel", () => {
    it("provisions three people completely", async () => {
        const steps = await engine.up(program(roster(IVAN("Sales Agent"), JAMES, TARAS)));
        expect(steps.every((s) => s.op === "create")).toBe(true);
        expect(steps).toHaveLength(7 + 6 + 1);

        const ivan = genesys.userByEmail("ivan.ivanov@example.com")!;
        expect(ivan).toMatchObject({ state: "active", title: "Sales Agent" });
        expect(genesys.grantsOf(ivan.id)).toEqual([{ roleId: SEED.roles.communicate, divisionId: SEED.divisions.home }]);
        expect(genesys.membersOf(SEED.groups.salesTeam)).toContain(ivan.id);
        const [phone] = genesys.phonesOf(ivan.id);
        expect(genesys.defaultStationOf(ivan.id)).toBe(genesys.stationOf(phone.id)!.id);
        const james = genesys.userByEmail("james.smith@example.com")!;
        expect(genesys.membersOf(SEED.groups.nightShift)).toContain(james.id);

        const template = mediatel.agentByLogin("AGENT_TEMPLATE_CK_01")!;
        const agent = mediatel.agentByLogin("ivan.ivanov")!;
        expect(agent).toMatchObject({ Details: "ivan.ivanov@example.com", State: 1, Domain: template.Domain, ClientApp: template.ClientApp });
        expect(mediatel.agentByLogin("taras.shevchenko")).toMatchObject({ Details: "t.shevchenko@example.com", State: 1 });
        expect(mediatel.extensionByName("7001")).toMatchObject({ E_Type: 5, Protocol: "SIP" });
        expect(genesys.userByEmail("t.shevchenko@example.com")).toBeUndefined();
    });

    it("applies an edit — a title change, a new hire, a leaver — and nothing else", async () => {
        const james = genesys.userByEmail("james.smith@example.com")!;
        const jamesPhone = genesys.phonesOf(james.id)[0].id;
        const steps = await engine.up(program(roster(IVAN("Senior Sales Agent"), TARAS, OKSANA)));
        expect(changes(steps)).toEqual(
            [
                "update ivan.ivanov@example.com/user",
                ...["user", "roles", "webrtc-phone", "default-station", "mediatel-agent"].map((c) => `create oksana.melnyk@example.com/${c}`),
                ...["user", "roles", "group:sales team", "group:night shift", "webrtc-phone", "default-station"].map((c) => `delete james.smith@example.com/${c}`),
            ].sort(),
        );
        expect(genesys.userByEmail("ivan.ivanov@example.com")!.title).toBe("Senior Sales Agent");
        expect(genesys.userByEmail("james.smith@example.com")!.state).toBe("deleted");
        expect(genesys.phone(jamesPhone)?.state ?? "deleted").toBe("deleted");
        expect(genesys.membersOf(SEED.groups.salesTeam)).not.toContain(james.id);
        const oksana = genesys.userByEmail("oksana.melnyk@example.com")!;
        expect(genesys.defaultStationOf(oksana.id)).toBeDefined();
        expect(mediatel.agentByLogin("oksana.melnyk")).toMatchObject({ State: 1 });
    });

    it("an unchanged roster changes nothing", async () => {
        genesys.clearLog();
        mediatel.clearLog();
        const steps = await engine.up(program(roster(IVAN("Senior Sales Agent"), TARAS, OKSANA)));
        expect(changes(steps)).toEqual([]);
        expect(genesys.writes()).toEqual([]);
        expect(mediatel.writes()).toEqual([]);
    });

    it("detects a change made by hand as drift, and the next up reverts it", async () => {
        const ivan = genesys.userByEmail("ivan.ivanov@example.com")!;
        genesys.adminEditUser(ivan.id, { title: "Changed in the admin UI" });
        const agent = mediatel.agentByLogin("taras.shevchenko")!;
        mediatel.uiEditAgent(agent.ID, { Details: "someone.else@example.com" });

        const drift = await engine.refresh();
        expect(drift).toEqual(
            expect.arrayContaining([
                { name: "ivan.ivanov@example.com/user", changed: ["title"] },
                expect.objectContaining({ name: "t.shevchenko@example.com/mediatel-agent" }),
            ]),
        );
        const steps = await engine.up(program(roster(IVAN("Senior Sales Agent"), TARAS, OKSANA)));
        expect(changes(steps)).toEqual(["update ivan.ivanov@example.com/user", "update t.shevchenko@example.com/mediatel-agent"]);
        expect(genesys.userByEmail("ivan.ivanov@example.com")!.title).toBe("Senior Sales Agent");
        expect(mediatel.agentByLogin("taras.shevchenko")!.Details).toBe("t.shevchenko@example.com");
    });

    it("a bad roster fails before any remote call, listing every problem", async () => {
        genesys.clearLog();
        mediatel.clearLog();
        const bad = roster(person("Ivan", "ivan@example", "{ rols: [Agent] }"), person("", "x@example.com", undefined, "{ login: Ivan Ivanov }"));
        await expect(engine.up(program(bad))).rejects.toThrow(/roster.yaml:\d+: email: .*\n.*rols.*did you mean "roles"/s);
        expect(genesys.log).toEqual([]);
        expect(mediatel.log).toEqual([]);
    });

    it("destroys everyone", async () => {
        await engine.destroy();
        for (const email of ["ivan.ivanov@example.com", "oksana.melnyk@example.com"]) expect(genesys.userByEmail(email)!.state).toBe("deleted");
        expect(mediatel.agentByLogin("ivan.ivanov")).toBeUndefined();
        expect(mediatel.extensionByName("7001")).toBeUndefined();
    });
});

import { beforeAll, describe, expect, it } from "vitest";
import { recordRegistrations, Registration, settled } from "./mocks";

/** The staffing example under mocks: the resource graph a reviewer would see in `pulumi preview`. */
describe("examples/staffing under mocks", () => {
    let seen: Registration[];
    const named = (name: string) => seen.find((r) => r.name === name);
    beforeAll(async () => {
        seen = recordRegistrations({ ":UserRoles": 200 });
        await import("../../examples/staffing/index");
        await settled(seen);
    });

    it("makes one StaffMember component per person, named by email", () => {
        const members = seen.filter((r) => r.type === "telephony:staffing:StaffMember").map((r) => r.name);
        expect(members.sort()).toEqual(
            ["emily.clarke@example.com", "ivan.ivanov@example.com", "james.smith@example.com", "oksana.melnyk@example.com", "olena.kovalenko@example.com", "t.shevchenko@example.com"].sort(),
        );
    });

    it.each([
        // person, the children a preview shows for them
        ["ivan.ivanov@example.com", ["user", "roles", "group:sales team", "webrtc-phone", "default-station", "mediatel-agent", "mediatel-extension"]],
        ["olena.kovalenko@example.com", ["user", "roles", "group:support team", "group:night shift", "webrtc-phone", "default-station", "mediatel-agent", "mediatel-extension"]],
        ["james.smith@example.com", ["user", "roles", "group:sales team", "webrtc-phone", "default-station"]],
        ["emily.clarke@example.com", ["user", "roles", "group:support team"]],
        ["t.shevchenko@example.com", ["mediatel-agent", "mediatel-extension"]],
    ])("%s gets %j", (email, children) => {
        const mine = seen.filter((r) => r.name.startsWith(`${email}/`)).map((r) => r.name.slice(email.length + 1));
        expect(mine.sort()).toEqual([...children].sort());
    });

    it("uses the contract's type tokens and people's names, not ids, in the inputs a reviewer reads", () => {
        expect(named("ivan.ivanov@example.com/user")).toMatchObject({ type: "pulumi-nodejs:dynamic/genesys:User", inputs: { name: "Ivan Ivanov", email: "ivan.ivanov@example.com", title: "Sales Agent" } });
        expect(named("ivan.ivanov@example.com/roles")!.inputs.roles).toEqual([{ role: "Communicate" }, { role: "Agent" }]);
        expect(named("ivan.ivanov@example.com/group:sales team")!.inputs).toMatchObject({ group: "Sales Team", userId: "ivan.ivanov@example.com/user-id" });
        expect(named("ivan.ivanov@example.com/webrtc-phone")!.inputs).toMatchObject({ site: "Kyiv" });
        expect(named("ivan.ivanov@example.com/mediatel-agent")).toMatchObject({
            type: "pulumi-nodejs:dynamic/mediatel:Agent",
            inputs: { login: "ivan.ivanov", email: "ivan.ivanov@example.com", template: "AGENT_TEMPLATE_CK_01", defaultSkill: 5 },
        });
        expect(named("t.shevchenko@example.com/mediatel-agent")!.inputs.login).toBe("taras.shevchenko");
        expect(named("ivan.ivanov@example.com/mediatel-extension")).toMatchObject({ type: "pulumi-nodejs:dynamic/mediatel:Extension", inputs: { extension: "1001", type: 5 } });
    });

    it("sets the default station only after the person's roles are granted", () => {
        for (const email of ["ivan.ivanov@example.com", "olena.kovalenko@example.com", "james.smith@example.com"]) {
            expect(named(`${email}/default-station`)!.order).toBeGreaterThan(named(`${email}/roles`)!.done!);
        }
    });

    it("never puts a password or a credential into the inputs", () => {
        for (const r of seen) {
            expect(r.inputs).not.toHaveProperty("password");
            if (r.custom) expect(r.inputs.__provider.length).toBeLessThan(2000);
        }
    });

    it("asks the engine to store every Mediatel agent's password as a secret", () => {
        const agents = seen.filter((r) => r.type.endsWith("mediatel:Agent"));
        expect(agents).toHaveLength(4);
        for (const a of agents) expect(a.additionalSecretOutputs).toContain("password");
    });
});

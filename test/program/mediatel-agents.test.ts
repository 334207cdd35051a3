/**
 * examples/mediatel-agents under pulumi.runtime.setMocks: the resource graph a user gets from the example (type
 * tokens, names, inputs, the password as a secret output, a small credential-free provider in every resource).
 * Lives beside the unit tests; the helpers are the program layer's (test/program/mocks.ts).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { recordRegistrations, Registration, settled } from "./mocks";

describe("examples/mediatel-agents under mocks", () => {
    let seen: Registration[];
    beforeAll(async () => {
        seen = recordRegistrations();
        await import("../../examples/mediatel-agents/index");
        await settled(seen);
    });

    it("declares two agents copied from AGENT_TEMPLATE_CK_01 and extensions 3500..3519", () => {
        const agents = seen.filter((r) => r.type === "pulumi-nodejs:dynamic/mediatel:Agent");
        const extensions = seen.filter((r) => r.type === "pulumi-nodejs:dynamic/mediatel:Extension");
        expect(agents.map((a) => [a.name, a.inputs.login, a.inputs.template])).toEqual([
            ["ivan.ivanov", "ivan.ivanov", "AGENT_TEMPLATE_CK_01"],
            ["olena.kovalenko", "olena.kovalenko", "AGENT_TEMPLATE_CK_01"],
        ]);
        expect(extensions.map((e) => e.inputs.extension)).toEqual(Array.from({ length: 20 }, (_, i) => String(3500 + i)));
        expect(seen).toHaveLength(22);
    });

    it("marks every agent's password a secret output", () => {
        for (const a of seen.filter((r) => r.type.endsWith("mediatel:Agent"))) expect(a.additionalSecretOutputs).toContain("password");
    });

    it("serialises a small provider with no credentials into every resource", () => {
        for (const r of seen) {
            expect(typeof r.inputs.__provider).toBe("string");
            expect(r.inputs.__provider.length).toBeLessThan(2000);
            expect(r.inputs.__provider).not.toMatch(/sandbox-mediatel|VouchCookie|axios/);
        }
    });
});

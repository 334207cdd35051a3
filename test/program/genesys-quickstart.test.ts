import { beforeAll, describe, expect, it } from "vitest";
import { recordRegistrations, Registration, settled } from "./mocks";

const DYNAMIC = "pulumi-nodejs:dynamic/genesys";

describe("examples/genesys-quickstart under mocks", () => {
    let seen: Registration[];
    beforeAll(async () => {
        seen = recordRegistrations({ ":UserRoles": 300 });
        await import("../../examples/genesys-quickstart/index");
        await settled(seen);
    });

    it("declares the five resources with the contract's type tokens", () => {
        expect(seen.map((r) => `${r.type}::${r.name}`).sort()).toEqual(
            [
                `${DYNAMIC}:DefaultStation::olena-default-station`,
                `${DYNAMIC}:GroupMembership::olena-sales-team`,
                `${DYNAMIC}:User::olena`,
                `${DYNAMIC}:UserRoles::olena-roles`,
                `${DYNAMIC}:WebRtcPhone::olena-phone`,
            ].sort(),
        );
    });

    it("wires the user's id into every dependant and the phone's id into the default station", () => {
        const byName = Object.fromEntries(seen.map((r) => [r.name, r.inputs]));
        for (const name of ["olena-roles", "olena-sales-team", "olena-phone", "olena-default-station"]) expect(byName[name].userId).toBe("olena-id");
        expect(byName["olena-default-station"].phoneId).toBe("olena-phone-id");
    });

    it("creates the default station only after the role grant is done (Genesys needs the call permission first)", () => {
        const find = (name: string) => seen.find((r) => r.name === name)!;
        expect(find("olena-default-station").order).toBeGreaterThan(find("olena-roles").done!);
    });

    it("serialises a small provider with no credentials into every resource", () => {
        for (const r of seen) {
            expect(typeof r.inputs.__provider).toBe("string");
            expect(r.inputs.__provider.length).toBeLessThan(2000);
            expect(r.inputs.__provider).not.toMatch(/sandbox-secret|clientSecret|Bearer/);
        }
    });
});

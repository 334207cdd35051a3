import { describe, expect, it } from "vitest";
import { InputError } from "../../provider/core/errors";
import { closeMatches, unknownName } from "../../provider/core/suggest";

const roles = ["Agent", "Supervisor", "Admin", "Quality Evaluator", "Employee", "Master Admin"];

describe("closeMatches: what the user probably meant", () => {
    it.each([
        ["a transposition", "Agnet", ["Agent"]],
        ["a missing letter", "Supervsor", ["Supervisor"]],
        ["another case", "supervisor", ["Supervisor"]],
        ["surrounding spaces", "  Admin ", ["Admin", "Master Admin"]],
        ["part of the name", "Quality", ["Quality Evaluator"]],
        ["best first", "Admn", ["Admin"]],
        ["nothing close", "Telephony Wizard", []],
        ["too short to match by containment", "Ad", []],
    ])("%s: %j -> %j", (_what, input, expected) => {
        expect(closeMatches(input, roles)).toEqual(expected);
    });

    it("offers at most three, the closest first, ties in alphabetical order", () => {
        expect(closeMatches("Team", ["Team A", "Team B", "Team C", "Team D", "Tean"])).toEqual(["Tean", "Team A", "Team B"]);
    });

    it("honours a custom maximum", () => {
        expect(closeMatches("Team", ["Team A", "Team B", "Team C"], 1)).toEqual(["Team A"]);
    });

    it("no candidates: no suggestions", () => {
        expect(closeMatches("Agent", [])).toEqual([]);
    });
});

describe("unknownName: the error for a name that does not resolve", () => {
    it("names the property and suggests the close match", () => {
        const e = unknownName("roles[0].role", "role", "Agnet", roles);
        expect(e).toBeInstanceOf(InputError);
        expect(e.property).toBe("roles[0].role");
        expect(e.reason).toBe('no role named "Agnet"; did you mean "Agent"?');
        expect(e.message).toBe('roles[0].role: no role named "Agnet"; did you mean "Agent"?');
    });

    it("offers several close matches joined with or", () => {
        expect(unknownName("group", "group", "Admin", roles).reason).toBe('no group named "Admin"; did you mean "Admin" or "Master Admin"?');
    });

    it("with nothing close and a short list, lists what the org has", () => {
        expect(unknownName("site", "site", "Atlantis", ["London", "Paris"]).reason).toBe('no site named "Atlantis"; the org has: "London", "Paris"');
    });

    it("with nothing close and a long list, says only that the name is unknown", () => {
        const many = Array.from({ length: 11 }, (_, i) => `Site ${i}`);
        expect(unknownName("site", "site", "Atlantis", many).reason).toBe('no site named "Atlantis"');
    });

    it("with an empty org, says only that the name is unknown", () => {
        expect(unknownName("site", "site", "Atlantis", []).reason).toBe('no site named "Atlantis"');
    });
});

import { describe, expect, it } from "vitest";
import { z } from "zod";
import { parseOrThrow, propertyPath, validate } from "../../provider/core/check";
import { InputError } from "../../provider/core/errors";
import { UNKNOWN } from "../../provider/core/unknown";

/** Shaped like a real resource schema: strict, nested arrays of objects, defaults. */
const userSchema = z.strictObject({
    email: z.email(),
    name: z.string().min(1),
    state: z.enum(["active", "inactive"]).default("active"),
    roles: z
        .array(
            z.strictObject({
                role: z.string().min(1),
                divisions: z.array(z.string().min(1)).default([]),
            }),
        )
        .default([]),
    station: z.strictObject({ type: z.literal("webrtc"), site: z.string().min(1) }).optional(),
});

const valid = {
    email: "ada@example.com",
    name: "Ada Lovelace",
    roles: [{ role: "Agent" }, { role: "Supervisor", divisions: ["Home"] }],
};

const properties = (input: unknown) => validate(userSchema, input).failures.map((f) => f.property);

describe("validate: valid input", () => {
    it("returns the value with defaults applied and no failures", () => {
        expect(validate(userSchema, valid)).toEqual({
            value: {
                email: "ada@example.com",
                name: "Ada Lovelace",
                state: "active",
                roles: [
                    { role: "Agent", divisions: [] },
                    { role: "Supervisor", divisions: ["Home"] },
                ],
            },
            failures: [],
        });
    });

    it("a minimal input gets every default", () => {
        expect(validate(userSchema, { email: "a@b.co", name: "A" }).value).toEqual({ email: "a@b.co", name: "A", state: "active", roles: [] });
    });

    it("a valid known value that happens to contain no unknowns is not touched", () => {
        const input = { ...valid, station: { type: "webrtc", site: "London" } };
        expect(validate(userSchema, input).value?.station).toEqual({ type: "webrtc", site: "London" });
    });
});

describe("validate: each failure names the property path", () => {
    it.each([
        ["bad email", { ...valid, email: "ada-at-example" }, ["email"]],
        ["missing name", { email: valid.email }, ["name"]],
        ["empty name", { ...valid, name: "" }, ["name"]],
        ["bad enum", { ...valid, state: "gone" }, ["state"]],
        ["wrong type at the top", { ...valid, roles: "Agent" }, ["roles"]],
        ["empty role in the first entry", { ...valid, roles: [{ role: "" }] }, ["roles[0].role"]],
        ["missing role in the second entry", { ...valid, roles: [{ role: "Agent" }, {}] }, ["roles[1].role"]],
        ["a number in a nested array", { ...valid, roles: [{ role: "Agent", divisions: ["Home", 5] }] }, ["roles[0].divisions[1]"]],
        ["a string where an object belongs", { ...valid, roles: ["Agent"] }, ["roles[0]"]],
        ["nested object literal", { ...valid, station: { type: "sip", site: "London" } }, ["station.type"]],
        ["nested object missing key", { ...valid, station: { type: "webrtc" } }, ["station.site"]],
        [
            "several at once: every one is reported",
            { email: "nope", name: "", roles: [{ role: "" }, { role: "Agent", divisions: [""] }] },
            ["email", "name", "roles[0].role", "roles[1].divisions[0]"],
        ],
    ])("%s", (_what, input, expected) => {
        const result = validate(userSchema, input);
        expect(result.value).toBeUndefined();
        expect(result.failures.map((f) => f.property).sort()).toEqual([...expected].sort());
        for (const f of result.failures) expect(f.reason).toMatch(/\S/);
    });

    it("a failure about the whole input names it as (inputs)", () => {
        expect(validate(userSchema, "not an object").failures).toEqual([{ property: "(inputs)", reason: expect.any(String) }]);
    });
});

describe("validate: unknown keys (typos) are reported, not dropped", () => {
    it("a misspelt top-level input", () => {
        const { failures, value } = validate(userSchema, { ...valid, emial: "ada@example.com" });
        expect(value).toBeUndefined();
        expect(failures).toEqual([{ property: "emial", reason: 'unknown property; did you mean "email"?' }]);
    });

    it("several misspelt inputs in one failure", () => {
        const { failures } = validate(userSchema, { ...valid, emial: "x", nmae: "y" });
        expect(failures).toEqual([
            { property: "emial", reason: 'unknown property; did you mean "email"?' },
            { property: "nmae", reason: 'unknown property; did you mean "name"?' },
        ]);
    });

    it("a misspelt key inside an array entry names the entry", () => {
        const { failures } = validate(userSchema, { ...valid, roles: [{ role: "Agent" }, { role: "Agent", divison: ["Home"] }] });
        expect(failures).toEqual([{ property: "roles[1].divison", reason: 'unknown property; did you mean "divisions"?' }]);
    });
});

describe("validate: preview unknowns are skipped at any depth", () => {
    it.each([
        ["an unknown string that would fail its format", { ...valid, email: UNKNOWN }],
        ["an unknown enum", { ...valid, state: UNKNOWN }],
        ["a whole unknown array", { ...valid, roles: UNKNOWN }],
        ["an unknown array entry", { ...valid, roles: [{ role: "Agent" }, UNKNOWN] }],
        ["an unknown value inside an array entry", { ...valid, roles: [{ role: "Agent", divisions: UNKNOWN }] }],
        ["an unknown deep inside", { ...valid, roles: [{ role: "Agent", divisions: ["Home", UNKNOWN] }] }],
        ["an unknown nested object", { ...valid, station: UNKNOWN }],
        ["an unknown literal in a nested object", { ...valid, station: { type: UNKNOWN, site: "London" } }],
    ])("%s: no failure", (_what, input) => {
        expect(validate(userSchema, input).failures).toEqual([]);
    });

    it("an unknown string that is valid as it stands still passes", () => {
        const { value, failures } = validate(userSchema, { ...valid, name: UNKNOWN });
        expect(failures).toEqual([]);
        expect(value?.name).toBe(UNKNOWN);
    });

    it("when issues were skipped there is no value: it is checked again once known", () => {
        expect(validate(userSchema, { ...valid, email: UNKNOWN })).toEqual({ failures: [] });
    });

    it("a real mistake next to an unknown is still reported", () => {
        expect(properties({ ...valid, email: UNKNOWN, roles: [{ role: UNKNOWN, divisions: [5] }] })).toEqual(["roles[0].divisions[0]"]);
    });

    it("a misspelt key is reported even when its value is unknown", () => {
        expect(validate(userSchema, { ...valid, emial: UNKNOWN }).failures).toEqual([{ property: "emial", reason: 'unknown property; did you mean "email"?' }]);
    });
});

describe("parseOrThrow (create/update cannot return failures)", () => {
    it("returns the parsed value with defaults", () => {
        expect(parseOrThrow(userSchema, valid).roles[0]).toEqual({ role: "Agent", divisions: [] });
    });

    it("throws an InputError naming the first property and listing every failure", () => {
        let error: unknown;
        try {
            parseOrThrow(userSchema, { ...valid, email: "nope", roles: [{ role: "" }] });
        } catch (e) {
            error = e;
        }
        expect(error).toBeInstanceOf(InputError);
        const e = error as InputError;
        expect(e.property).toBe("email");
        expect(e.message).toMatch(/^email: /);
        expect(e.message).toContain("; roles[0].role: ");
    });

    it("refuses input that still holds preview unknowns", () => {
        expect(() => parseOrThrow(userSchema, { ...valid, email: UNKNOWN })).toThrow(
            expect.objectContaining({ property: "(inputs)", reason: "holds values that are not known yet" }),
        );
    });
});

describe("propertyPath", () => {
    it.each([
        [[], ""],
        [["email"], "email"],
        [["roles", 0, "role"], "roles[0].role"],
        [["roles", 2, "divisions", 10], "roles[2].divisions[10]"],
        [[0], "[0]"],
        [["station", "site"], "station.site"],
    ])("%j -> %s", (path, expected) => {
        expect(propertyPath(path)).toBe(expected);
    });
});

import { describe, expect, it } from "vitest";
import { pick, sanitize } from "../../provider/core/sanitize";

describe("sanitize: outputs the Pulumi wire format accepts", () => {
    it.each([
        ["undefined keys are dropped", { a: 1, b: undefined }, { a: 1 }],
        ["undefined keys are dropped at any depth", { a: { b: { c: undefined, d: 1 } } }, { a: { b: { d: 1 } } }],
        ["undefined in an array becomes null (positions are kept)", { list: [1, undefined, 3] }, { list: [1, null, 3] }],
        ["Dates become ISO strings", { at: new Date("2025-06-01T12:00:00Z") }, { at: "2025-06-01T12:00:00.000Z" }],
        ["Dates inside arrays of objects too", { items: [{ at: new Date(0) }] }, { items: [{ at: "1970-01-01T00:00:00.000Z" }] }],
        ["BigInts become strings", { big: 12345678901234567890n }, { big: "12345678901234567890" }],
        ["NaN and Infinity become null", { a: Number.NaN, b: Number.POSITIVE_INFINITY }, { a: null, b: null }],
        ["functions are dropped", { f: () => 1, a: 1 }, { a: 1 }],
        ["nulls stay", { a: null }, { a: null }],
        ["plain data is unchanged", { s: "x", n: 1, b: true, l: ["a"], o: { k: "v" } }, { s: "x", n: 1, b: true, l: ["a"], o: { k: "v" } }],
        ["a bare string", "x", "x"],
        ["a bare Date", new Date(0), "1970-01-01T00:00:00.000Z"],
    ])("%s", (_what, input, expected) => {
        expect(sanitize(input)).toEqual(expected);
    });

    it("leaves undefined alone at the top", () => {
        expect(sanitize(undefined)).toBeUndefined();
    });

    it("returns a copy: the hook's object is not changed", () => {
        const outs = { a: undefined, when: new Date(0), nested: { list: [1] } };
        const clean = sanitize(outs);
        expect(outs.when).toBeInstanceOf(Date);
        expect("a" in outs).toBe(true);
        expect(clean.nested).not.toBe(outs.nested);
    });

    it("the result holds no undefined anywhere", () => {
        const clean = sanitize({ a: undefined, b: [{ c: undefined }], d: { e: undefined } });
        const hasUndefined = (v: unknown): boolean =>
            v === undefined || (v !== null && typeof v === "object" && Object.values(v).some(hasUndefined));
        expect(hasUndefined(clean)).toBe(false);
    });
});

describe("pick", () => {
    it.each([
        ["picks the listed keys", { a: 1, b: 2, c: 3 }, ["a", "c"], { a: 1, c: 3 }],
        ["skips undefined values", { a: 1, b: undefined }, ["a", "b"], { a: 1 }],
        ["ignores keys the object lacks", { a: 1 }, ["a", "z"], { a: 1 }],
        ["keeps null and falsy values", { a: null, b: 0, c: "", d: false }, ["a", "b", "c", "d"], { a: null, b: 0, c: "", d: false }],
        ["nothing listed: empty", { a: 1 }, [], {}],
    ])("%s", (_what, obj, keys, expected) => {
        expect(pick(obj as Record<string, unknown>, keys)).toEqual(expected);
    });
});

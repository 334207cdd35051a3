import { describe, expect, it } from "vitest";
import { changedKeys, diffInputs, DiffSpec } from "../../provider/core/diff";
import { UNKNOWN } from "../../provider/core/unknown";

/** Like a Genesys user: email is the natural key and unique, so changing it replaces, the old one deleted first. */
const spec: DiffSpec = {
    keys: ["email", "name", "title", "roles"],
    replaces: ["email"],
    deleteBeforeReplace: true,
};

/** Old outputs from state: the managed inputs plus computed outputs. */
const olds = {
    email: "ada@example.com",
    name: "Ada Lovelace",
    title: "Agent",
    roles: [{ role: "Agent", divisions: ["Home"] }],
    userId: "u-1",
    version: 3,
};

const NONE = { changes: false, replaces: [], deleteBeforeReplace: false };
const UPDATE = { changes: true, replaces: [], deleteBeforeReplace: false };
const REPLACE_EMAIL = { changes: true, replaces: ["email"], deleteBeforeReplace: true };

describe("diffInputs", () => {
    const managed = { email: olds.email, name: olds.name, title: olds.title, roles: olds.roles };
    it.each([
        ["unchanged inputs: no changes", managed, NONE],
        ["equal arrays of objects that are different objects: no changes", { ...managed, roles: [{ role: "Agent", divisions: ["Home"] }] }, NONE],
        ["a changed in-place input: update", { ...managed, name: "Ada King" }, UPDATE],
        ["a changed nested value: update", { ...managed, roles: [{ role: "Agent", divisions: ["Home", "Sales"] }] }, UPDATE],
        ["an input left out is not managed: no changes", { email: olds.email, name: olds.name }, NONE],
        ["every input left out: no changes", {}, NONE],
        ["a changed replace key: replace, old one deleted first", { ...managed, email: "ada.king@example.com" }, REPLACE_EMAIL],
        ["replace and update together: replace", { ...managed, email: "ada.king@example.com", name: "Ada King" }, REPLACE_EMAIL],
        ["an unknown in-place input (preview): update", { ...managed, name: UNKNOWN }, UPDATE],
        ["an unknown deep in an input: update", { ...managed, roles: [{ role: UNKNOWN, divisions: ["Home"] }] }, UPDATE],
        ["an unknown replace key: replace", { ...managed, email: UNKNOWN }, REPLACE_EMAIL],
        ["a computed output that differs is never compared", { ...managed, userId: "u-2", version: 4 }, NONE],
        ["__provider is never compared", { ...managed, __provider: "exports.handler = ..." }, NONE],
        ["a case change is a change unless the resource says otherwise", { ...managed, email: "ADA@example.com" }, REPLACE_EMAIL],
    ])("%s", (_what, news, expected) => {
        expect(diffInputs(olds, news, spec)).toEqual(expected);
    });

    it("an input set for the first time (no old output) is a change", () => {
        const { title: _title, ...withoutTitle } = olds;
        expect(diffInputs(withoutTitle, { ...withoutTitle, title: "Supervisor" }, spec)).toEqual(UPDATE);
    });

    it("deleteBeforeReplace only where the resource asks for it", () => {
        const createFirst: DiffSpec = { ...spec, deleteBeforeReplace: undefined };
        expect(diffInputs(olds, { ...olds, email: "new@example.com" }, createFirst)).toEqual({
            changes: true,
            replaces: ["email"],
            deleteBeforeReplace: false,
        });
    });

    it("deleteBeforeReplace is false when nothing is replaced, even if the resource asks for it", () => {
        expect(diffInputs(olds, { ...olds, name: "Ada King" }, spec).deleteBeforeReplace).toBe(false);
    });

    it("a resource without replaces never replaces", () => {
        expect(diffInputs(olds, { ...olds, email: "new@example.com" }, { keys: spec.keys })).toEqual(UPDATE);
    });

    it("lists every replaced key", () => {
        const s: DiffSpec = { keys: ["user", "site", "name"], replaces: ["user", "site"] };
        expect(diffInputs({ user: "u1", site: "s1", name: "n" }, { user: "u2", site: "s2", name: "n" }, s).replaces).toEqual(["user", "site"]);
    });

    describe("custom equality per key", () => {
        const sameSet = (a: unknown, b: unknown) =>
            Array.isArray(a) && Array.isArray(b) && a.length === b.length && [...a].sort().join("\n") === [...b].sort().join("\n");
        const caseless = (a: unknown, b: unknown) => String(a).toLowerCase() === String(b).toLowerCase();
        const s: DiffSpec = { keys: ["email", "groups"], replaces: ["email"], equal: { groups: sameSet, email: caseless } };
        const o = { email: "ada@example.com", groups: ["Sales", "Support"] };

        it.each([
            ["order does not matter where the resource says so", { groups: ["Support", "Sales"] }, NONE],
            ["case does not matter where the resource says so", { email: "ADA@Example.com" }, NONE],
            ["a real difference is still a change", { groups: ["Sales"] }, UPDATE],
            ["a real difference in a replace key still replaces", { email: "bob@example.com" }, { ...REPLACE_EMAIL, deleteBeforeReplace: false }],
            ["an unknown is a change without asking the custom equality", { groups: UNKNOWN }, UPDATE],
        ])("%s", (_what, news, expected) => {
            expect(diffInputs(o, { ...o, ...news }, s)).toEqual(expected);
        });
    });
});

describe("changedKeys", () => {
    it("names the managed inputs that changed, in the resource's key order", () => {
        expect(changedKeys(olds, { roles: [], name: "X", email: olds.email, userId: "other" }, spec)).toEqual(["name", "roles"]);
    });
});

import { describe, expect, it } from "vitest";
import { ApiError, IncompleteCreateError, InputError } from "../../provider/core/errors";
import { validate } from "../../provider/core/check";
import { userDefinition as def, UserInputs } from "../../provider/genesys/user";
import { mockOrg, user, writesMade } from "./genesys-fixtures";

const inputs = (over: Partial<UserInputs> = {}): UserInputs => ({ name: "Ivan Ivanov", email: "ivan.ivanov@example.com", state: "active", ...over });

describe("genesys.User check", () => {
    it.each([
        [{ name: "Ivan", email: "not-an-email" }, "email"],
        [{ name: "", email: "a@example.com" }, "name"],
        [{ name: "Ivan", email: "a@example.com", state: "gone" }, "state"],
        [{ name: "Ivan", email: "a@example.com", titel: "Agent" }, "titel"],
    ])("%j fails on %s", (raw, property) => {
        const { failures } = validate(def.schema, raw);
        expect(failures.map((f) => f.property)).toContain(property);
    });

    it("defaults state to active", () => {
        expect(validate(def.schema, { name: "Ivan", email: "a@example.com" }).value?.state).toBe("active");
    });

    it("rejects a manager that does not exist, naming managerId", async () => {
        const api = mockOrg();
        api.getUser.mockResolvedValue(undefined);
        await expect(def.validate!(inputs({ managerId: "nobody" }), api)).rejects.toMatchObject({ property: "managerId" });
    });
});

describe("genesys.User create", () => {
    it("creates a new user when the email is free, then sets the manager with a PATCH", async () => {
        const api = mockOrg();
        api.findUserByEmail.mockResolvedValue(undefined);
        api.createUser.mockImplementation(async (u) => user({ ...u, id: "u-new" }));
        const { id, outs } = await def.create(inputs({ title: "Agent", managerId: "u-boss" }), api);
        expect(id).toBe("u-new");
        expect(api.createUser).toHaveBeenCalledWith(expect.objectContaining({ email: "ivan.ivanov@example.com", title: "Agent" }));
        expect(api.updateUser).toHaveBeenCalledWith("u-new", { managerId: "u-boss" });
        expect(outs).toMatchObject({ title: "Agent", managerId: "u-boss", state: "active" });
    });

    it("restores a deleted user of the same email and re-applies the declared fields", async () => {
        const api = mockOrg();
        api.findUserByEmail.mockResolvedValue(user({ id: "u-old", state: "deleted", title: "Old title" }));
        api.restoreUser.mockResolvedValue(user({ id: "u-old", title: "Old title" }));
        const { id } = await def.create(inputs({ title: "Agent" }), api);
        expect(id).toBe("u-old");
        expect(api.restoreUser).toHaveBeenCalledWith("u-old", "active");
        expect(api.updateUser).toHaveBeenCalledWith("u-old", { title: "Agent" });
        expect(api.createUser).not.toHaveBeenCalled();
    });

    it("refuses an active user it does not own, saying how to proceed, with no write", async () => {
        const api = mockOrg();
        api.findUserByEmail.mockResolvedValue(user({ id: "u-theirs", name: "Someone" }));
        const err = await def.create(inputs(), api).catch((e) => e);
        expect(err).toBeInstanceOf(InputError);
        expect(err.property).toBe("email");
        expect(err.message).toMatch(/already exists.*u-theirs.*adopt: true/);
        expect(writesMade(api)).toEqual([]);
    });

    it("adopts an active user when adopt is true", async () => {
        const api = mockOrg();
        api.findUserByEmail.mockResolvedValue(user({ id: "u-theirs", title: "x" }));
        const { id } = await def.create(inputs({ adopt: true, title: "Agent" }), api);
        expect(id).toBe("u-theirs");
        expect(api.updateUser).toHaveBeenCalledWith("u-theirs", { title: "Agent" });
    });

    it("when the POST says the email is taken (search index lag), waits for the index and restores", async () => {
        const api = mockOrg();
        api.findUserByEmail.mockResolvedValueOnce(undefined).mockResolvedValueOnce(undefined).mockResolvedValue(user({ id: "u-old", state: "deleted" }));
        api.createUser.mockRejectedValue(new ApiError({ system: "Genesys Cloud", method: "POST", path: "/api/v2/users", status: 409, code: "general.conflict" }));
        api.restoreUser.mockResolvedValue(user({ id: "u-old" }));
        const { id } = await def.create(inputs(), api);
        expect(id).toBe("u-old");
        expect(api.createUser).toHaveBeenCalledTimes(1);
    });

    it("when the answer to the POST was lost, finds the user it made instead of creating a duplicate", async () => {
        const api = mockOrg();
        api.findUserByEmail.mockResolvedValueOnce(undefined).mockResolvedValue(user({ id: "u-made" }));
        api.createUser.mockRejectedValue(new ApiError({ system: "Genesys Cloud", method: "POST", path: "/api/v2/users", network: "ECONNRESET", ambiguous: true }));
        const { id } = await def.create(inputs(), api);
        expect(id).toBe("u-made");
        expect(api.createUser).toHaveBeenCalledTimes(1);
    });

    it("keeps a half-finished create: the user exists but the manager PATCH failed", async () => {
        const api = mockOrg();
        api.findUserByEmail.mockResolvedValue(undefined);
        api.createUser.mockResolvedValue(user({ id: "u-new" }));
        api.updateUser.mockRejectedValue(new Error("boom"));
        const err = await def.create(inputs({ managerId: "u-boss" }), api).catch((e) => e);
        expect(err).toBeInstanceOf(IncompleteCreateError);
        expect(err.id).toBe("u-new");
    });
});

describe("genesys.User read, update, diff", () => {
    it("reports gone when the user is deleted", async () => {
        const api = mockOrg();
        api.getUser.mockResolvedValue(undefined);
        expect(await def.read("u-1", inputs(), api)).toBeUndefined();
    });

    it("reports a title changed by hand, and only managed optional fields", async () => {
        const api = mockOrg();
        api.getUser.mockResolvedValue(user({ title: "Changed by hand", department: "Ops" }));
        const live = await def.read("u-1", inputs({ title: "Agent" }), api);
        expect(live).toMatchObject({ title: "Changed by hand" });
        expect(live).not.toHaveProperty("department");
    });

    it("patches only what changed", async () => {
        const api = mockOrg();
        await def.update("u-1", inputs({ title: "Old" }), inputs({ title: "New" }), api);
        expect(api.updateUser).toHaveBeenCalledWith("u-1", { title: "New" });
    });

    it.each([
        [{ title: "A" }, { title: "A" }, false],
        [{ title: "A" }, { title: "B" }, true],
        [{ title: "A" }, {}, false],
        [{ email: "a@example.com" }, { email: "b@example.com" }, true],
        [{}, { adopt: true }, false],
    ])("diff %j -> %j: changes=%s, never a replacement", (o, n, changes) => {
        const d = def.diff as (o: object, n: object) => { changes?: boolean; replaces?: string[] };
        const r = d(inputs(o as Partial<UserInputs>), inputs(n as Partial<UserInputs>));
        expect(r.changes).toBe(changes);
        expect(r.replaces).toEqual([]);
    });
});

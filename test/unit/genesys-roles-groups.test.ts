import { describe, expect, it } from "vitest";
import { InputError } from "../../provider/core/errors";
import { validate } from "../../provider/core/check";
import { diffInputs } from "../../provider/core/diff";
import { userRolesDefinition as roles } from "../../provider/genesys/user-roles";
import { groupMembershipDefinition as membership } from "../../provider/genesys/group-membership";
import { mockOrg, ORG, writesMade } from "./genesys-fixtures";

describe("genesys.UserRoles", () => {
    it.each([
        [{ userId: "u-1", roles: [{ role: "" }] }, "roles[0].role"],
        [{ userId: "u-1", roles: [{ role: "Agent" }, { role: "agent" }] }, "roles[1].role"],
        [{ userId: "u-1", roles: [{ role: "Agent", divisions: [] }] }, "roles[0].divisions"],
        [{ userId: "u-1", roles: [{ role: "Agent", division: ["Home"] }] }, "roles[0].division"],
    ])("check %j fails on %s", (raw, property) => {
        expect(validate(roles.schema, raw).failures.map((f) => f.property)).toContain(property);
    });

    it.each([
        ["Comunicate", "roles[0].role", /no role named "Comunicate"; did you mean "Communicate"\?/],
        ["Agent", "roles[0].divisions[0]", /no division named "Saless"; did you mean "Sales"\?/],
    ])("a misspelt name (%s) fails validation naming %s and suggesting the right one", async (role, property, message) => {
        const api = mockOrg();
        const err = await roles.validate!({ userId: "u-1", roles: [{ role, divisions: role === "Agent" ? ["Saless"] : undefined }] }, api).catch((e) => e);
        expect(err).toBeInstanceOf(InputError);
        expect(err.property).toBe(property);
        expect(err.message).toMatch(message);
        expect(writesMade(api)).toEqual([]);
    });

    it("grants the declared roles by id, in the home division unless divisions are given", async () => {
        const api = mockOrg();
        const { id, outs } = await roles.create({ userId: "u-1", roles: [{ role: "Communicate" }, { role: "role-agent", divisions: ["Sales", "Home"] }] }, api);
        expect(id).toBe("u-1");
        // one order (by role, then division) in create, update and read, so refreshes are stable
        const expected = [
            { roleId: "role-agent", divisionId: "div-home" },
            { roleId: "role-agent", divisionId: "div-sales" },
            { roleId: "role-communicate", divisionId: "div-home" },
        ];
        expect(api.replaceDirectGrants).toHaveBeenCalledWith("u-1", expected);
        expect(outs.grants).toEqual(expected);
    });

    it("reads a role granted by hand as drift, by name, after the declared ones", async () => {
        const api = mockOrg();
        api.directGrants.mockResolvedValue([
            { roleId: "role-employee", divisionId: "div-home" },
            { roleId: "role-communicate", divisionId: "div-home" },
        ]);
        const live = await roles.read("u-1", { userId: "u-1", roles: [{ role: "Communicate" }], grants: [] }, api);
        expect(live!.roles).toEqual([{ role: "Communicate" }, { role: "Employee" }]);
        expect(diffInputs(live!, { userId: "u-1", roles: [{ role: "Communicate" }] }, roles.diff as never).changes).toBe(true);
    });

    it("sees no change when only the order of roles differs", () => {
        const o = { userId: "u-1", roles: [{ role: "Agent" }, { role: "Communicate", divisions: ["Sales", "Home"] }] };
        const n = { userId: "u-1", roles: [{ role: "Communicate", divisions: ["Home", "Sales"] }, { role: "Agent" }] };
        expect(diffInputs(o, n, roles.diff as never).changes).toBe(false);
    });

    it("reports gone when the user is gone", async () => {
        const api = mockOrg();
        api.directGrants.mockResolvedValue(undefined);
        expect(await roles.read("u-1", { userId: "u-1", roles: [], grants: [] }, api)).toBeUndefined();
    });

    it("delete revokes exactly the grants it made", async () => {
        const api = mockOrg();
        const grants = [{ roleId: "role-agent", divisionId: "div-home" }];
        await roles.delete("u-1", { userId: "u-1", roles: [{ role: "Agent" }], grants }, api);
        expect(api.removeDirectGrants).toHaveBeenCalledWith("u-1", grants);
        expect(api.replaceDirectGrants).not.toHaveBeenCalled();
    });
});

describe("genesys.GroupMembership", () => {
    it("joins the group resolved by name and keeps its id", async () => {
        const api = mockOrg();
        const { id, outs } = await membership.create({ group: "sales team", userId: "u-1" }, api);
        expect(api.addGroupMember).toHaveBeenCalledWith("grp-sales", "u-1");
        expect(id).toBe("grp-sales/u-1");
        expect(outs.groupId).toBe("grp-sales");
    });

    it("an unknown group fails naming `group` with a suggestion", async () => {
        const err = await membership.validate!({ group: "Sales Tem", userId: "u-1" }, mockOrg()).catch((e) => e);
        expect(err).toMatchObject({ property: "group" });
        expect(err.message).toMatch(/did you mean "Sales Team"/);
    });

    it.each([
        [true, false],
        [false, true],
        [undefined, true],
    ])("read: member=%s -> gone=%s", async (member, gone) => {
        const api = mockOrg();
        api.isGroupMember.mockResolvedValue(member);
        const live = await membership.read("grp-sales/u-1", { group: "Sales Team", userId: "u-1", groupId: "grp-sales" }, api);
        expect(live === undefined).toBe(gone);
    });

    it("every input replaces", () => {
        const d = diffInputs({ group: "A", userId: "u-1" }, { group: "B", userId: "u-1" }, membership.diff as never);
        expect(d.replaces).toEqual(["group"]);
    });

    void ORG;
});

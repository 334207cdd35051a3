import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { providerShim } from "../core/provider";
import { ArgsOf, keysOf, ResourceDefinition } from "../core/resource";
import { containsUnknown, isUnknown } from "../core/unknown";
import { genesys, GenesysApi, Grant } from "./client";
import { lookup } from "./lookup";

const roleGrant = z.strictObject({
    /** Role id or name. */
    role: z.string().trim().min(1, "must name a role"),
    /** Division ids or names; default: the org's home division. */
    divisions: z
        .array(z.string().trim().min(1))
        .min(1, "list at least one division, or leave divisions out for the home division")
        .refine((d) => new Set(d.map((x) => x.toLowerCase())).size === d.length, "lists a division twice")
        .optional(),
});

const schema = z.strictObject({
    userId: z.string().min(1),
    roles: z.array(roleGrant).superRefine((roles, ctx) => {
        const seen = new Map<string, number>();
        roles.forEach((r, i) => {
            const key = r.role.toLowerCase();
            if (seen.has(key)) ctx.addIssue({ code: "custom", path: [i, "role"], message: `"${r.role}" is listed twice (also roles[${seen.get(key)}]); list its divisions once` });
            else seen.set(key, i);
        });
    }),
});

export type UserRolesInputs = z.output<typeof schema>;
type RoleGrant = z.output<typeof roleGrant>;
export interface UserRolesOutputs extends UserRolesInputs {
    /** The direct grants as ids, as applied. */
    grants: Grant[];
}

const key = (g: Grant) => `${g.roleId}/${g.divisionId}`;
/** One order for grants in create, update and read, so a refresh of unchanged grants changes no output. */
const sorted = (grants: Grant[]) => [...grants].sort((a, b) => key(a).localeCompare(key(b)));

/** The grants the declared roles stand for, every name resolved to an id. */
async function grantsFor(roles: RoleGrant[], api: GenesysApi): Promise<Grant[]> {
    const home = await api.homeDivision();
    const grants = new Map<string, Grant>();
    for (const [i, r] of roles.entries()) {
        const role = await lookup.role(api, r.role, `roles[${i}].role`);
        const divisions = r.divisions ?? [home.id];
        for (const [j, d] of divisions.entries()) {
            const divisionId = d === home.id ? d : (await lookup.division(api, d, `roles[${i}].divisions[${j}]`)).id;
            const g = { roleId: role.id, divisionId };
            grants.set(key(g), g);
        }
    }
    return sorted([...grants.values()]);
}

/**
 * Live grants in the shape the user declared: the user's own references for roles and divisions where they still
 * match, names for anything granted by hand, divisions left out where they are just the home division.
 */
async function asDeclared(live: Grant[], declared: RoleGrant[], api: GenesysApi): Promise<RoleGrant[]> {
    const [home, roles, divisions] = await Promise.all([api.homeDivision(), api.roles(), api.divisions()]);
    const roleRef = new Map<string, string>();
    const divisionRef = new Map<string, string>();
    for (const r of declared) {
        const role = roles.find((x) => x.id === r.role || x.name.toLowerCase() === r.role.toLowerCase());
        if (role) roleRef.set(role.id, r.role);
        for (const d of r.divisions ?? []) {
            const division = divisions.find((x) => x.id === d || x.name.toLowerCase() === d.toLowerCase());
            if (division) divisionRef.set(division.id, d);
        }
    }
    const byRole = new Map<string, string[]>();
    for (const g of live) byRole.set(g.roleId, [...(byRole.get(g.roleId) ?? []), g.divisionId]);
    const out: RoleGrant[] = [];
    for (const [roleId, divisionIds] of byRole) {
        const role = roleRef.get(roleId) ?? roles.find((x) => x.id === roleId)?.name ?? roleId;
        const declaredHere = declared.find((r) => r.role === role);
        const homeOnly = divisionIds.length === 1 && divisionIds[0] === home.id && !declaredHere?.divisions;
        const refs = divisionIds.map((d) => divisionRef.get(d) ?? divisions.find((x) => x.id === d)?.name ?? d);
        // the declared divisions in their declared order, then any granted by hand
        const declaredRefs = declaredHere?.divisions ?? [];
        const ordered = [...declaredRefs.filter((d) => refs.includes(d)), ...refs.filter((d) => !declaredRefs.includes(d)).sort()];
        out.push(homeOnly ? { role } : { role, divisions: ordered });
    }
    // declared order first, then anything granted by hand
    const order = (r: RoleGrant) => {
        const i = declared.findIndex((d) => d.role === r.role);
        return i < 0 ? declared.length : i;
    };
    return out.sort((a, b) => order(a) - order(b) || a.role.localeCompare(b.role));
}

/** Same roles with the same divisions, whatever the order. */
function sameRoles(a: unknown, b: unknown): boolean {
    const norm = (x: unknown) =>
        JSON.stringify(
            ((x as RoleGrant[] | undefined) ?? []).map((r) => [r.role.toLowerCase(), [...(r.divisions ?? [])].map((d) => d.toLowerCase()).sort()]).sort(),
        );
    return norm(a) === norm(b);
}

export const userRolesDefinition: ResourceDefinition<UserRolesInputs, UserRolesOutputs, GenesysApi> = {
    kind: "genesys:UserRoles",
    schema,
    inputKeys: keysOf(schema),
    connect: genesys,
    diff: { keys: keysOf(schema), replaces: ["userId"], equal: { roles: sameRoles } },

    async validate(inputs, api) {
        // names known at preview are checked now; anything still unknown is checked when it is known
        if (!isUnknown(inputs.roles)) await grantsFor(inputs.roles.filter((r) => !containsUnknown(r)), api);
    },

    async create(inputs, api) {
        const grants = await grantsFor(inputs.roles, api);
        // authoritative for direct grants: what is not declared is revoked; grants through groups are untouched
        await api.replaceDirectGrants(inputs.userId, grants);
        return { id: inputs.userId, outs: { ...inputs, grants } };
    },

    async read(id, props, api) {
        const live = await api.directGrants(id);
        if (!live) return undefined;
        return { ...props, roles: await asDeclared(live, props.roles ?? [], api), grants: sorted(live) };
    },

    async update(id, _olds, news, api) {
        const grants = await grantsFor(news.roles, api);
        await api.replaceDirectGrants(id, grants);
        return { ...news, grants };
    },

    async delete(id, props, api) {
        // revoke what this resource granted, nothing else
        await api.removeDirectGrants(id, props.grants ?? (await grantsFor(props.roles, api)));
    },
};

export type UserRolesArgs = ArgsOf<z.input<typeof schema>>;

/**
 * The roles granted directly to one user. Authoritative for direct grants: grants made to the user by hand are
 * revoked on the next update (grants through group membership are left alone). Delete revokes the managed grants.
 */
export class UserRoles extends pulumi.dynamic.Resource {
    declare readonly userId: pulumi.Output<string>;
    declare readonly roles: pulumi.Output<{ role: string; divisions?: string[] }[]>;
    declare readonly grants: pulumi.Output<Grant[]>;

    constructor(name: string, args: UserRolesArgs, opts?: pulumi.CustomResourceOptions) {
        super(providerShim("genesys:UserRoles"), name, { grants: undefined, ...args }, opts, "genesys", "UserRoles");
    }
}


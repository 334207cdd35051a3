import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { waitFor } from "../core/consistency";
import { diffInputs } from "../core/diff";
import { ApiError, IncompleteCreateError, InputError, isApiError } from "../core/errors";
import { providerShim } from "../core/provider";
import { ArgsOf, keysOf, ResourceDefinition } from "../core/resource";
import { isUnknown } from "../core/unknown";
import { genesys, GenesysApi, GenesysUser, UserChanges } from "./client";
import { lookup } from "./lookup";

const schema = z.strictObject({
    name: z.string().trim().min(1, "must not be empty"),
    email: z.email("must be an email address like ivan.ivanov@example.com"),
    department: z.string().optional(),
    title: z.string().optional(),
    divisionId: z.string().min(1).optional(),
    managerId: z.string().min(1).optional(),
    state: z.enum(["active", "inactive"]).default("active"),
    /** Take over an existing active user of this email instead of failing. */
    adopt: z.boolean().optional(),
});

export type UserInputs = z.output<typeof schema>;
export type UserOutputs = UserInputs;

/** The fields a PATCH can set, as this resource names them. */
const PATCHABLE = ["name", "email", "title", "department", "managerId", "state"] as const;

/** How long create waits for the search index to show a user whose email the API says is taken. */
const SEARCH_LAG_MS = 60_000;

function changesFrom(want: UserInputs, have: Partial<GenesysUser>): UserChanges {
    const changes: Record<string, unknown> = {};
    for (const k of PATCHABLE) if (want[k] !== undefined && want[k] !== have[k]) changes[k] = want[k];
    return changes as UserChanges;
}

/** The division's id (`divisionId` may be given as a name too). */
async function divisionIdOf(ref: string | undefined, api: GenesysApi): Promise<string | undefined> {
    return ref === undefined ? undefined : (await lookup.division(api, ref, "divisionId")).id;
}

/** Restores a deleted user of this email, or adopts/refuses a live one, or creates a new one. */
async function obtain(inputs: UserInputs, divisionId: string | undefined, api: GenesysApi): Promise<{ user: GenesysUser; fresh: boolean }> {
    const existing = await api.findUserByEmail(inputs.email);
    if (existing) return { user: await claim(existing, inputs, api), fresh: false };
    const { name, email, title, department, state } = inputs;
    try {
        return { user: await api.createUser({ name, email, divisionId, title, department, state }), fresh: true };
    } catch (e) {
        if (!(e instanceof ApiError) || !(e.status === 409 || e.ambiguous)) throw e;
        const seen = e.ambiguous ? await api.findUserByEmail(inputs.email) : undefined;
        if (e.ambiguous && !seen) {
            // The answer to our POST was lost and the search does not show the user: either the POST never arrived or
            // the index lags. Sending it again cannot duplicate the user (the API refuses a second user of an email,
            // 409), so do that rather than wait for a user that may never appear.
            try {
                return { user: await api.createUser({ name, email, divisionId, title, department, state }), fresh: true };
            } catch (again) {
                if (!isApiError(again, 409)) throw again;
            }
        }
        // The email is taken although the search said it was free (index lag), or the answer to our POST was lost.
        // Either way the user exists: wait for the index to show it rather than create a duplicate.
        const found = seen ?? await waitFor(() => api.findUserByEmail(inputs.email), { timeoutMs: SEARCH_LAG_MS, initialMs: 250 });
        if (!found) throw e;
        const ours = e.ambiguous && found.state !== "deleted" && found.name === inputs.name;
        return { user: ours ? found : await claim(found, inputs, api), fresh: ours };
    }
}

async function claim(existing: GenesysUser, inputs: UserInputs, api: GenesysApi): Promise<GenesysUser> {
    if (existing.state === "deleted") return api.restoreUser(existing.id, inputs.state);
    if (inputs.adopt) return existing;
    throw new InputError(
        "email",
        `an ${existing.state} user with this email already exists ("${existing.name}", id ${existing.id}) and this stack does not manage it; ` +
            `set \`adopt: true\` on this genesys.User to manage that user, or use another email`,
    );
}

/** The declared inputs with every managed field as the user has it now ("" for a field it lacks). */
function asApplied(inputs: UserInputs, user: GenesysUser, divisionId: string | undefined): UserOutputs {
    const out: Record<string, unknown> = { ...inputs, name: user.name, email: user.email, state: user.state === "deleted" ? "inactive" : user.state };
    for (const k of ["title", "department", "managerId"] as const) if (k in inputs) out[k] = user[k] ?? "";
    if (inputs.divisionId !== undefined) out.divisionId = user.divisionId === divisionId ? inputs.divisionId : (user.divisionId ?? "");
    return out as UserOutputs;
}

export const userDefinition: ResourceDefinition<UserInputs, UserOutputs, GenesysApi> = {
    kind: "genesys:User",
    schema,
    inputKeys: keysOf(schema),
    connect: genesys,
    // adopt only matters at create; email changes in place (PATCH), like the admin UI
    diff: (olds, news) => diffInputs(olds, news, { keys: keysOf(schema).filter((k) => k !== "adopt") }),

    async validate(inputs, api) {
        if (inputs.divisionId && !isUnknown(inputs.divisionId)) await lookup.division(api, inputs.divisionId, "divisionId");
        if (inputs.managerId && !isUnknown(inputs.managerId) && !(await api.getUser(inputs.managerId))) {
            throw new InputError("managerId", `no user with id ${inputs.managerId} in this org`);
        }
    },

    async create(inputs, api) {
        const divisionId = await divisionIdOf(inputs.divisionId, api);
        const { user, fresh } = await obtain(inputs, divisionId, api);
        try {
            // a restored or adopted user keeps its old fields and comes back in the home division: apply ours
            const changes = changesFrom(inputs, user);
            if (Object.keys(changes).length) await api.updateUser(user.id, changes);
            if (divisionId && divisionId !== user.divisionId && !fresh) await api.moveUserToDivision(user.id, divisionId);
        } catch (e) {
            // record what the user really looks like, so the next `pulumi up` sees the difference and applies it
            throw new IncompleteCreateError(user.id, asApplied(inputs, user, divisionId), e);
        }
        return { id: user.id, outs: { ...inputs } };
    },

    async read(id, props, api) {
        const user = await api.getUser(id);
        if (!user) return undefined;
        const live: Record<string, unknown> = { ...props, name: user.name, email: user.email, state: user.state };
        // optional fields are reported only when managed; "" shows a value cleared by hand
        for (const k of ["title", "department", "managerId"] as const) if (k in props) live[k] = user[k] ?? "";
        if (props.divisionId !== undefined) {
            // keep the declared reference (a name, say) while it still points at the user's division
            const declared = await divisionIdOf(props.divisionId, api).catch(() => undefined);
            live.divisionId = declared === user.divisionId ? props.divisionId : (user.divisionId ?? "");
        }
        return live as UserOutputs;
    },

    async update(id, olds, news, api) {
        const changes = changesFrom(news, olds);
        if (Object.keys(changes).length) await api.updateUser(id, changes);
        if (news.divisionId && news.divisionId !== olds.divisionId) await api.moveUserToDivision(id, (await divisionIdOf(news.divisionId, api))!);
        return { ...news };
    },

    async delete(id, _props, api) {
        await api.deleteUser(id);
    },
};

export type UserArgs = ArgsOf<z.input<typeof schema>>;

/**
 * A Genesys Cloud user. Creating a user whose email belongs to a deleted user restores that user (same id and
 * history); an active user of the same email is refused unless `adopt: true`.
 */
export class User extends pulumi.dynamic.Resource {
    declare readonly name: pulumi.Output<string>;
    declare readonly email: pulumi.Output<string>;
    declare readonly department: pulumi.Output<string | undefined>;
    declare readonly title: pulumi.Output<string | undefined>;
    declare readonly divisionId: pulumi.Output<string | undefined>;
    declare readonly managerId: pulumi.Output<string | undefined>;
    declare readonly state: pulumi.Output<"active" | "inactive">;

    constructor(name: string, args: UserArgs, opts?: pulumi.CustomResourceOptions) {
        super(providerShim("genesys:User"), name, { ...args }, opts, "genesys", "User");
    }
}

import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { InputError, isApiError } from "../core/errors";
import { providerShim } from "../core/provider";
import { ArgsOf, keysOf, ResourceDefinition } from "../core/resource";
import { isUnknown } from "../core/unknown";
import { genesys, GenesysApi } from "./client";
import { lookup } from "./lookup";

const schema = z.strictObject({
    /** Group id or name. */
    group: z.string().trim().min(1, "must name a group"),
    userId: z.string().min(1),
});

export type GroupMembershipInputs = z.output<typeof schema>;
export interface GroupMembershipOutputs extends GroupMembershipInputs {
    groupId: string;
}

export const groupMembershipDefinition: ResourceDefinition<GroupMembershipInputs, GroupMembershipOutputs, GenesysApi> = {
    kind: "genesys:GroupMembership",
    schema,
    inputKeys: keysOf(schema),
    connect: genesys,
    // delete first: a replacement may point at the same membership ("sales team" -> "Sales Team", a name -> its id),
    // and deleting the old one after creating the new would take the user out of the group
    diff: {
        keys: keysOf(schema),
        replaces: keysOf(schema),
        deleteBeforeReplace: true,
        equal: { group: (a, b) => String(a).trim().toLowerCase() === String(b).trim().toLowerCase() },
    },

    async validate(inputs, api) {
        if (!isUnknown(inputs.group)) await lookup.group(api, inputs.group, "group");
    },

    async create(inputs, api) {
        const group = await lookup.group(api, inputs.group, "group");
        // joins of one group in one deployment are batched into one versioned POST (see client.ts)
        try {
            await api.addGroupMember(group.id, inputs.userId);
        } catch (e) {
            if (isApiError(e, 400)) throw new InputError("userId", `cannot join "${group.name}": ${e.message}`);
            throw e;
        }
        return { id: `${group.id}/${inputs.userId}`, outs: { ...inputs, groupId: group.id } };
    },

    async read(_id, props, api) {
        const member = await api.isGroupMember(props.groupId, props.userId);
        return member ? { ...props } : undefined;
    },

    async update(_id, olds, news) {
        // every input replaces; nothing changes in place
        return { ...olds, ...news };
    },

    async delete(_id, props, api) {
        await api.removeGroupMember(props.groupId, props.userId);
    },
};

export type GroupMembershipArgs = ArgsOf<z.input<typeof schema>>;

/** One user in one group. Not authoritative: the group's other members are left alone. */
export class GroupMembership extends pulumi.dynamic.Resource {
    declare readonly group: pulumi.Output<string>;
    declare readonly userId: pulumi.Output<string>;
    declare readonly groupId: pulumi.Output<string>;

    constructor(name: string, args: GroupMembershipArgs, opts?: pulumi.CustomResourceOptions) {
        super(providerShim("genesys:GroupMembership"), name, { groupId: undefined, ...args }, opts, "genesys", "GroupMembership");
    }
}

/**
 * The provider runtime: what every serialised shim (core/provider.ts) calls, through the stable package path
 * `pulumi-telephony/runtime`. Real state lives here, per provider process: settings copied by configure, OAuth
 * tokens, rate limiters, lookup caches and batchers, shared by every resource of the deployment.
 *
 * Kinds are stored in users' state: never rename one, only add.
 */
import type * as pulumi from "@pulumi/pulumi";
import * as dispatch from "./core/dispatch";
import { AnyDefinition } from "./core/resource";

// Loaded on first use, so a stack that only uses Mediatel never loads the Genesys SDK.
const registry: Record<string, () => AnyDefinition> = {
    "genesys:User": () => require("./genesys/user").userDefinition,
    "genesys:UserRoles": () => require("./genesys/user-roles").userRolesDefinition,
    "genesys:GroupMembership": () => require("./genesys/group-membership").groupMembershipDefinition,
    "genesys:WebRtcPhone": () => require("./genesys/webrtc-phone").webRtcPhoneDefinition,
    "genesys:DefaultStation": () => require("./genesys/default-station").defaultStationDefinition,
    "mediatel:Agent": () => require("./mediatel/agent").agentDefinition,
    "mediatel:Extension": () => require("./mediatel/extension").extensionDefinition,
};

export const kinds = Object.keys(registry);

export function definition(kind: string): AnyDefinition {
    const load = registry[kind];
    if (!load) throw new Error(`pulumi-telephony: unknown resource kind "${kind}" (state written by a newer release?)`);
    return load();
}

type Props = Record<string, unknown>;

export function configure(req: pulumi.dynamic.ConfigureRequest): void {
    dispatch.configure(req);
}
export const check = (kind: string, olds: Props, news: Props) => dispatch.check(definition(kind), olds, news);
export const diff = (kind: string, id: string, olds: Props, news: Props) => dispatch.diff(definition(kind), id, olds, news);
export const create = (kind: string, inputs: Props) => dispatch.create(definition(kind), inputs);
export const read = (kind: string, id: string, props: Props) => dispatch.read(definition(kind), id, props);
export const update = (kind: string, id: string, olds: Props, news: Props) => dispatch.update(definition(kind), id, olds, news);
const remove = (kind: string, id: string, props: Props) => dispatch.remove(definition(kind), id, props);
export { remove as delete };

/**
 * Called by a serialised shim's `configure` (core/provider.ts): copies the settings and returns the CRUD methods
 * the host will call for that kind.
 */
export function provider(kind: string, req: pulumi.dynamic.ConfigureRequest) {
    configure(req);
    return {
        check: (olds: Props, news: Props) => check(kind, olds, news),
        diff: (id: string, olds: Props, news: Props) => diff(kind, id, olds, news),
        create: (inputs: Props) => create(kind, inputs),
        read: (id: string, props: Props) => read(kind, id, props),
        update: (id: string, olds: Props, news: Props) => update(kind, id, olds, news),
        delete: (id: string, props: Props) => remove(kind, id, props),
    };
}

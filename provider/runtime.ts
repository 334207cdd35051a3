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

export function definition(kind: string): AnyDefinition {
    const load = registry[kind];
    if (!load) throw new Error(`pulumi-telephony: unknown resource kind "${kind}" (state written by a newer release?)`);
    return load();
}

type Props = Record<string, unknown>;

/**
 * Called by a serialised shim's `configure` (core/provider.ts): copies the settings and returns the CRUD methods
 * the host will call for that kind.
 */
export function provider(kind: string, req: pulumi.dynamic.ConfigureRequest) {
    dispatch.configure(req);
    const def = () => definition(kind);
    return {
        check: (olds: Props, news: Props) => dispatch.check(def(), olds, news),
        diff: (id: string, olds: Props, news: Props) => dispatch.diff(def(), id, olds, news),
        create: (inputs: Props) => dispatch.create(def(), inputs),
        read: (id: string, props: Props) => dispatch.read(def(), id, props),
        update: (id: string, olds: Props, news: Props) => dispatch.update(def(), id, olds, news),
        delete: (id: string, props: Props) => dispatch.remove(def(), id, props),
    };
}

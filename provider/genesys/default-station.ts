import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { numberSetting } from "../core/config";
import { waitFor } from "../core/consistency";
import { diffInputs } from "../core/diff";
import { ApiError, InputError, isApiError } from "../core/errors";
import { providerShim } from "../core/provider";
import { ArgsOf, keysOf, ResourceDefinition } from "../core/resource";
import { genesys, GenesysApi, isVersionConflict } from "./client";

const schema = z.strictObject({
    userId: z.string().min(1),
    /** The user's WebRTC phone (genesys.WebRtcPhone id). */
    phoneId: z.string().min(1),
});

export type DefaultStationInputs = z.output<typeof schema>;
export interface DefaultStationOutputs extends DefaultStationInputs {
    /** The phone's station: what this resource makes the default. */
    stationId: string;
    /** The user's default station as last read ("" for none); differs from stationId when changed by hand. */
    defaultStationId: string;
}

/** How long Genesys may take to grant a just-granted role's permissions to the station service. */
const PERMISSION_PROPAGATION_MS = 20_000;

const missingCallPermission = (e: unknown) => isApiError(e, 400) && /conversation:call:add|call permission|permission/i.test(e.message);

/** Finds the phone's station (it appears in the station index some time after the phone) and makes it the default. */
async function assign(inputs: DefaultStationInputs, api: GenesysApi): Promise<string> {
    const phone = await api.getPhone(inputs.phoneId);
    if (!phone) throw new InputError("phoneId", `no phone with id ${inputs.phoneId} in this org`);
    if (phone.webRtcUserId !== inputs.userId) {
        throw new InputError("phoneId", `phone "${phone.name}" is ${phone.webRtcUserId ? `the WebRTC phone of user ${phone.webRtcUserId}` : "not a WebRTC phone"}, not of user ${inputs.userId}`);
    }
    const timeoutSeconds = numberSetting("genesysStationTimeoutSeconds", 120);
    const station = await waitFor(() => api.webRtcStationOf(inputs.userId, phone.lineIds[0]), {
        timeoutMs: timeoutSeconds * 1000,
        // small first step (the index usually catches up within a second or two), then fewer, costlier polls
        initialMs: 250,
        factor: 1.8,
        maxIntervalMs: 3_000,
    });
    if (!station) {
        throw new Error(
            `the station of phone "${phone.name}" did not appear in GET /api/v2/stations within ${timeoutSeconds} s ` +
                `(Genesys indexes stations asynchronously); run \`pulumi up\` again, or raise telephony:genesysStationTimeoutSeconds`,
        );
    }
    // 409: the station service is still settling (terraform-provider-genesyscloud#1461); 400 "permission": a role
    // granted moments ago has not reached the station service yet. Both pass: try again for a while, backing off.
    let refusal: unknown;
    const assigned = await waitFor(
        async () => {
            try {
                await api.setDefaultStation(inputs.userId, station.id);
                return true;
            } catch (e) {
                if (!(isVersionConflict(e) || missingCallPermission(e))) throw e;
                refusal = e;
                return undefined;
            }
        },
        { timeoutMs: PERMISSION_PROPAGATION_MS, initialMs: 250, factor: 1.6, maxIntervalMs: 3_000 },
    );
    if (!assigned) {
        if (!missingCallPermission(refusal)) throw refusal;
        throw new InputError(
            "userId",
            `Genesys refused to assign the default station: the user holds no role with the Conversation > Call > Add ` +
                `permission (conversation:call:add). Grant one (e.g. "Communicate" with genesys.UserRoles) and make this ` +
                `DefaultStation depend on it. (${(refusal as ApiError).message})`,
        );
    }
    return station.id;
}

export const defaultStationDefinition: ResourceDefinition<DefaultStationInputs, DefaultStationOutputs, GenesysApi> = {
    kind: "genesys:DefaultStation",
    schema,
    inputKeys: keysOf(schema),
    connect: genesys,

    diff(olds, news) {
        const d = diffInputs(olds, news, { keys: keysOf(schema), replaces: keysOf(schema) });
        // drift: someone made another station the default; an update puts ours back
        const drifted = olds.defaultStationId !== undefined && olds.defaultStationId !== olds.stationId;
        return { ...d, changes: d.changes || drifted };
    },

    async create(inputs, api) {
        const stationId = await assign(inputs, api);
        return { id: inputs.userId, outs: { ...inputs, stationId, defaultStationId: stationId } };
    },

    async read(_id, props, api) {
        const current = await api.defaultStationOf(props.userId);
        if (current === undefined) return undefined; // the user is gone
        return { ...props, defaultStationId: current ?? "" };
    },

    async update(_id, _olds, news, api) {
        const stationId = await assign(news, api);
        return { ...news, stationId, defaultStationId: stationId };
    },

    async delete(_id, props, api) {
        // clear it only while it is still ours: a default station set by someone else since is theirs
        if ((await api.defaultStationOf(props.userId)) === props.stationId) await api.clearDefaultStation(props.userId);
    },
};

export type DefaultStationArgs = ArgsOf<z.input<typeof schema>>;

/**
 * Makes the station of a user's WebRTC phone the user's default station, waiting for Genesys to index the station.
 * The user must already hold a role with Conversation > Call > Add: make this resource depend on the UserRoles.
 */
export class DefaultStation extends pulumi.dynamic.Resource {
    declare readonly userId: pulumi.Output<string>;
    declare readonly phoneId: pulumi.Output<string>;
    declare readonly stationId: pulumi.Output<string>;
    declare readonly defaultStationId: pulumi.Output<string>;

    constructor(name: string, args: DefaultStationArgs, opts?: pulumi.CustomResourceOptions) {
        super(providerShim("genesys:DefaultStation"), name, { stationId: undefined, defaultStationId: undefined, ...args }, opts, "genesys", "DefaultStation");
    }
}

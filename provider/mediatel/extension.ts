/**
 * mediatel.Extension: a Mediatel server extension (what the telephony engine dials to reach an agent's browser tab,
 * e.g. `3444` at `webrtc-hes.creditkasa.ua`). Contact centres keep pools of 100-200 of them.
 *
 * - create: POST (concurrent creates are sent as one PATCH batch by the client). An extension of the same name that
 *   already exists is refused, or adopted (its managed fields set) with `adopt: true`: that is how a pool made by
 *   hand comes under Pulumi. A create whose answer was lost finds its extension by name instead of making another.
 * - read: the extension at that E_ID if it still has this name (E_IDs are reused); managed fields only.
 * - update: a partial PUT of the fields that differ from what is really there.
 * - the name (`extension`) is unique: changing it replaces the extension, deleting the old one first.
 */
import * as pulumi from "@pulumi/pulumi";
import { isDeepStrictEqual } from "node:util";
import { z } from "zod";
import { InputError, TelephonyError } from "../core/errors";
import { providerShim } from "../core/provider";
import { ArgsOf, keysOf, ResourceDefinition } from "../core/resource";
import { ExtensionChanges, isAmbiguous, isNameInUse, MediatelApi, MediatelExtension, mediatel, NewExtension } from "./client";

const schema = z.strictObject({
    /** E_Extension: the extension's name, unique on the server, e.g. "3444". */
    extension: z.string().regex(/^\S+$/, { error: 'must be a non-empty name without spaces, e.g. "3444"' }),
    /** E_Type (0 MSI, 5 SIP, ...; the UI shows names such as "GlobalCall"). */
    type: z.number().int().min(0),
    description: z.string().optional(),
    protocol: z.string().optional(),
    dialOutIdentities: z.string().optional(),
    contactDisplay: z.string().optional(),
    destAddress: z.string().optional(),
    destination: z.string().optional(),
    codecs: z.array(z.string()).optional(),
    connectionType: z.string().optional(),
    dtmfSupport: z.array(z.string()).optional(),
    fromDisplay: z.string().optional(),
    payload: z.string().optional(),
    /** Take over an existing extension of this name instead of failing (create only): how a pool made by hand comes under Pulumi. */
    adopt: z.boolean().optional(),
});

export type ExtensionInputs = z.output<typeof schema>;
export interface ExtensionOutputs extends ExtensionInputs {
    /** E_ID */
    extensionId: number;
}

type Field = Exclude<keyof ExtensionInputs, "adopt">;
const FIELDS: [Field, keyof MediatelExtension][] = [
    ["extension", "E_Extension"],
    ["type", "E_Type"],
    ["description", "E_Description"],
    ["protocol", "Protocol"],
    ["dialOutIdentities", "E_DialOutIdentities"],
    ["contactDisplay", "ContactDisplay"],
    ["destAddress", "DestAddress"],
    ["destination", "Destination"],
    ["codecs", "Codecs"],
    ["connectionType", "ConnectionType"],
    ["dtmfSupport", "DTMFSupport"],
    ["fromDisplay", "FromDisplay"],
    ["payload", "Payload"],
];

/** API fields for the managed inputs; left-out inputs are not sent (the server keeps or defaults them). */
function apiFields(i: ExtensionInputs): NewExtension {
    const out: Record<string, unknown> = {};
    for (const [k, api] of FIELDS) if (i[k] !== undefined) out[api] = structuredClone(i[k]);
    return out as NewExtension;
}

/** Outputs from what the API shows, for the inputs present in `props`. */
function outputsOf(live: MediatelExtension, props: ExtensionInputs): ExtensionOutputs {
    const out: Record<string, unknown> = { extension: live.E_Extension, type: live.E_Type };
    if (props.adopt !== undefined) out.adopt = props.adopt;
    for (const [k, api] of FIELDS) if (props[k] !== undefined) out[k] = structuredClone(live[api]);
    out.extensionId = live.E_ID;
    return out as unknown as ExtensionOutputs;
}

function differences(wanted: NewExtension, live: MediatelExtension): ExtensionChanges {
    const changes: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(wanted)) if (!isDeepStrictEqual(live[k], v)) changes[k] = v;
    return changes as ExtensionChanges;
}

export const extensionDefinition: ResourceDefinition<ExtensionInputs, ExtensionOutputs, MediatelApi> = {
    kind: "mediatel:Extension",
    schema,
    inputKeys: keysOf(schema),
    connect: mediatel,
    // adopt matters only at create
    diff: { keys: keysOf(schema).filter((k) => k !== "adopt"), replaces: ["extension"], deleteBeforeReplace: true },

    async create(inputs, api) {
        const wanted = apiFields(inputs);
        let ext: MediatelExtension;
        try {
            ext = await api.createExtension(wanted);
        } catch (e) {
            if (!isNameInUse(e) && !isAmbiguous(e)) throw e;
            const existing = (await api.listExtensions()).find((x) => x.E_Extension === inputs.extension);
            if (!existing) {
                if (!isAmbiguous(e)) {
                    throw new InputError("extension", `Mediatel says extension "${inputs.extension}" is in use (102), but does not list it; choose another name`);
                }
                ext = await api.createExtension(wanted); // the lost request never arrived: send it again
            } else {
                // after a lost answer the extension of our name is the one we created (a taken name fails the whole request)
                if (!isAmbiguous(e) && !inputs.adopt) {
                    throw new InputError(
                        "extension",
                        `extension "${inputs.extension}" already exists (E_ID ${existing.E_ID}) and this stack does not manage it; ` +
                            "set `adopt: true` on this mediatel.Extension to manage it, or choose another name",
                    );
                }
                const changes = differences(wanted, existing);
                ext = Object.keys(changes).length ? await api.updateExtension(existing.E_ID, changes) : existing;
            }
        }
        return { id: String(ext.E_ID), outs: outputsOf(ext, inputs) };
    },

    async read(id, props, api) {
        const live = await api.getExtension(Number(id));
        // E_IDs are reused: another name at this E_ID means ours is gone
        if (!live || live.E_Extension !== props.extension) return undefined;
        return outputsOf(live, props);
    },

    async update(id, olds, news, api) {
        const live = await api.getExtension(Number(id));
        if (!live || live.E_Extension !== olds.extension) {
            throw new TelephonyError(
                `mediatel.Extension "${olds.extension}" (E_ID ${id}) no longer exists in Mediatel (or its E_ID now belongs to another extension); run \`pulumi refresh\` and Pulumi will create it again`,
            );
        }
        const changes = differences(apiFields(news), live);
        const result = Object.keys(changes).length ? await api.updateExtension(Number(id), changes) : live;
        return outputsOf(result, { ...news, adopt: olds.adopt });
    },

    async delete(id, props, api) {
        const live = await api.getExtension(Number(id));
        if (!live || live.E_Extension !== props.extension) return; // already gone (and never someone else's)
        await api.deleteExtension(Number(id));
    },
};

export type ExtensionArgs = ArgsOf<z.input<typeof schema>>;

/**
 * A Mediatel server extension.
 *
 *   new telephony.mediatel.Extension("ext-3444", { extension: "3444", type: 3, protocol: "SIP", destAddress: "webrtc-hes.example.ua", destination: "3444" });
 */
export class Extension extends pulumi.dynamic.Resource {
    declare readonly extension: pulumi.Output<string>;
    declare readonly type: pulumi.Output<number>;
    declare readonly description: pulumi.Output<string | undefined>;
    declare readonly protocol: pulumi.Output<string | undefined>;
    declare readonly dialOutIdentities: pulumi.Output<string | undefined>;
    declare readonly contactDisplay: pulumi.Output<string | undefined>;
    declare readonly destAddress: pulumi.Output<string | undefined>;
    declare readonly destination: pulumi.Output<string | undefined>;
    declare readonly codecs: pulumi.Output<string[] | undefined>;
    declare readonly connectionType: pulumi.Output<string | undefined>;
    declare readonly dtmfSupport: pulumi.Output<string[] | undefined>;
    declare readonly fromDisplay: pulumi.Output<string | undefined>;
    declare readonly payload: pulumi.Output<string | undefined>;
    declare readonly adopt: pulumi.Output<boolean | undefined>;
    declare readonly extensionId: pulumi.Output<number>;

    constructor(name: string, args: ExtensionArgs, opts?: pulumi.CustomResourceOptions) {
        super(providerShim("mediatel:Extension"), name, { extensionId: undefined, ...args }, opts, "mediatel", "Extension");
    }
}

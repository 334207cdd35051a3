import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { ApiError, IncompleteCreateError, InputError, isApiError } from "../core/errors";
import { providerShim } from "../core/provider";
import { ArgsOf, keysOf, ResourceDefinition } from "../core/resource";
import { isUnknown } from "../core/unknown";
import { genesys, GenesysApi, GenesysPhone, GenesysUser, PhoneSpec } from "./client";
import { lookup } from "./lookup";

const schema = z.strictObject({
    userId: z.string().min(1),
    /** Site id or name. */
    site: z.string().trim().min(1, "must name a site"),
    /** WebRTC phone base settings id or name; default: the org's WebRTC phone base. */
    phoneBase: z.string().trim().min(1).optional(),
    /** Default: "<user name> (<email>) WebRTC", unique because emails are. */
    name: z.string().trim().min(1).optional(),
});

export type WebRtcPhoneInputs = z.output<typeof schema>;
export interface WebRtcPhoneOutputs extends WebRtcPhoneInputs {
    name: string;
    siteId: string;
    phoneBaseSettingsId: string;
}

/** `fallbackName`: the phone's current name, or the user it would be derived from. */
async function specFor(inputs: WebRtcPhoneInputs, api: GenesysApi, fallback: string | GenesysUser): Promise<PhoneSpec> {
    const [site, phoneBase] = await Promise.all([
        lookup.site(api, inputs.site, "site"),
        lookup.webRtcPhoneBase(api, inputs.phoneBase, "phoneBase"),
    ]);
    const name = inputs.name ?? (typeof fallback === "string" ? fallback : `${fallback.name} (${fallback.email}) WebRTC`);
    return { name, siteId: site.id, phoneBase, webRtcUserId: inputs.userId };
}

const differs = (phone: GenesysPhone, spec: PhoneSpec) =>
    phone.name !== spec.name || phone.siteId !== spec.siteId || phone.phoneBaseSettingsId !== spec.phoneBase.id;

const outsOf = (inputs: WebRtcPhoneInputs, spec: PhoneSpec): WebRtcPhoneOutputs => ({
    ...inputs,
    name: spec.name,
    siteId: spec.siteId,
    phoneBaseSettingsId: spec.phoneBase.id,
});

export const webRtcPhoneDefinition: ResourceDefinition<WebRtcPhoneInputs, WebRtcPhoneOutputs, GenesysApi> = {
    kind: "genesys:WebRtcPhone",
    schema,
    inputKeys: keysOf(schema),
    connect: genesys,
    // one WebRTC phone per user: a replacement must go first
    diff: { keys: keysOf(schema), replaces: ["userId"], deleteBeforeReplace: true },

    async validate(inputs, api) {
        if (!isUnknown(inputs.site)) await lookup.site(api, inputs.site, "site");
        if (!isUnknown(inputs.phoneBase)) await lookup.webRtcPhoneBase(api, inputs.phoneBase, "phoneBase");
    },

    async create(inputs, api) {
        const user = await api.getUser(inputs.userId);
        if (!user) throw new InputError("userId", `no active user with id ${inputs.userId} in this org`);
        const spec = await specFor(inputs, api, user);
        // the org allows one WebRTC phone per user: adopt the user's phone instead of failing on a second one
        let phone = await api.webRtcPhoneOf(inputs.userId);
        if (!phone) {
            try {
                phone = await api.createPhone(spec);
            } catch (e) {
                // lost answer, or a phone made a moment ago: look for it before giving up
                if (!(e instanceof ApiError) || !(e.ambiguous || e.status === 400 || e.status === 409)) throw e;
                phone = await api.webRtcPhoneOf(inputs.userId);
                if (!phone && e.ambiguous) {
                    // the lost POST never arrived: send it again (the API refuses a second WebRTC phone for a user,
                    // so this cannot make a duplicate), and if it is refused after all, the phone is there now
                    phone = await api.createPhone(spec).catch((again: unknown) => {
                        if (isApiError(again, 400) || isApiError(again, 409)) return api.webRtcPhoneOf(inputs.userId);
                        throw again;
                    });
                }
                if (!phone) throw e;
            }
        }
        if (differs(phone, spec)) {
            try {
                phone = await api.updatePhone(phone.id, spec);
            } catch (e) {
                // the phone is ours now, but as it was: record that, so the next `pulumi up` updates it
                const asIs = { ...outsOf(inputs, spec), name: phone.name, siteId: phone.siteId ?? "", phoneBaseSettingsId: phone.phoneBaseSettingsId ?? "" };
                if (phone.siteId !== spec.siteId) asIs.site = phone.siteId ?? "";
                throw new IncompleteCreateError(phone.id, asIs, e);
            }
        }
        return { id: phone.id, outs: outsOf(inputs, spec) };
    },

    async read(id, props, api) {
        const phone = await api.getPhone(id);
        if (!phone) return undefined;
        const live: WebRtcPhoneOutputs = { ...props, name: phone.name };
        if (phone.webRtcUserId) live.userId = phone.webRtcUserId;
        if (phone.siteId && phone.siteId !== props.siteId) {
            live.siteId = phone.siteId;
            live.site = (await api.sites()).find((s) => s.id === phone.siteId)?.name ?? phone.siteId;
        }
        if (phone.phoneBaseSettingsId && phone.phoneBaseSettingsId !== props.phoneBaseSettingsId) {
            live.phoneBaseSettingsId = phone.phoneBaseSettingsId;
            if (props.phoneBase !== undefined) live.phoneBase = (await api.phoneBases()).find((b) => b.id === phone.phoneBaseSettingsId)?.name ?? phone.phoneBaseSettingsId;
        }
        return live;
    },

    async update(id, olds, news, api) {
        const spec = await specFor(news, api, olds.name);
        await api.updatePhone(id, spec);
        return outsOf(news, spec);
    },

    async delete(id, _props, api) {
        await api.deletePhone(id);
    },
};

export type WebRtcPhoneArgs = ArgsOf<z.input<typeof schema>>;

/**
 * The user's WebRTC phone. Genesys allows one per user: creating adopts the user's existing WebRTC phone.
 * Outputs add the resolved `siteId` and `phoneBaseSettingsId`.
 */
export class WebRtcPhone extends pulumi.dynamic.Resource {
    declare readonly userId: pulumi.Output<string>;
    declare readonly site: pulumi.Output<string>;
    declare readonly phoneBase: pulumi.Output<string | undefined>;
    declare readonly name: pulumi.Output<string>;
    declare readonly siteId: pulumi.Output<string>;
    declare readonly phoneBaseSettingsId: pulumi.Output<string>;

    constructor(name: string, args: WebRtcPhoneArgs, opts?: pulumi.CustomResourceOptions) {
        super(providerShim("genesys:WebRtcPhone"), name, { siteId: undefined, phoneBaseSettingsId: undefined, ...args }, opts, "genesys", "WebRtcPhone");
    }
}

import { InputError } from "../core/errors";
import { unknownName } from "../core/suggest";
import { GenesysApi, Named, PhoneBase } from "./client";

/**
 * Resolves "id or name" references against the org's cached listings. An unknown name is an InputError that names
 * the property and suggests close matches; an ambiguous name asks for the id.
 */
export function resolveNamed<T extends Named>(list: readonly T[], ref: string, property: string, what: string): T {
    const byId = list.find((x) => x.id === ref);
    if (byId) return byId;
    const byName = list.filter((x) => x.name.toLowerCase() === ref.trim().toLowerCase());
    if (byName.length === 1) return byName[0];
    if (byName.length > 1) {
        throw new InputError(property, `${byName.length} ${what}s are named "${ref}"; use the id instead (${byName.map((x) => x.id).join(", ")})`);
    }
    if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(ref)) {
        throw new InputError(property, `no ${what} with id ${ref} in this org`);
    }
    throw unknownName(property, what, ref, list.map((x) => x.name));
}

export const lookup = {
    role: async (api: GenesysApi, ref: string, property: string) => resolveNamed(await api.roles(), ref, property, "role"),
    group: async (api: GenesysApi, ref: string, property: string) => resolveNamed(await api.groups(), ref, property, "group"),
    site: async (api: GenesysApi, ref: string, property: string) => resolveNamed(await api.sites(), ref, property, "site"),
    division: async (api: GenesysApi, ref: string, property: string) => resolveNamed(await api.divisions(), ref, property, "division"),

    /** A WebRTC phone base by id or name, or the org's WebRTC phone base when none is given. */
    async webRtcPhoneBase(api: GenesysApi, ref: string | undefined, property: string): Promise<PhoneBase> {
        const bases = await api.phoneBases();
        if (ref === undefined) {
            const webRtc = bases.filter((b) => b.webRtc);
            if (!webRtc.length) throw new InputError(property, "the org has no WebRTC phone base settings; create one in Telephony > Phone Management, or name one here");
            return webRtc.sort((a, b) => a.name.localeCompare(b.name))[0];
        }
        const base = resolveNamed(bases, ref, property, "phone base");
        if (!base.webRtc) throw new InputError(property, `"${base.name}" is not a WebRTC phone base (its phone meta base is ${base.metaBaseId ?? "unknown"})`);
        return base;
    },
};

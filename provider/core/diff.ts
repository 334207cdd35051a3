import type * as pulumi from "@pulumi/pulumi";
import { isDeepStrictEqual } from "node:util";
import { containsUnknown } from "./unknown";

export interface DiffSpec {
    /** Inputs this resource manages; `__provider` and computed outputs are never compared. */
    keys: readonly string[];
    /** Inputs that cannot change in place. */
    replaces?: readonly string[];
    /** The remote system allows only one at a time (one WebRTC phone per user, unique names). */
    deleteBeforeReplace?: boolean;
    /** Per-key equality where order or form does not matter. */
    equal?: Partial<Record<string, (a: unknown, b: unknown) => boolean>>;
}

/** The managed inputs whose new value differs from the old output. An input left out is not managed. */
export function changedKeys(olds: object, news: object, spec: DiffSpec): string[] {
    return spec.keys.filter((k) => {
        const next = (news as Record<string, unknown>)[k];
        if (next === undefined) return false;
        if (containsUnknown(next)) return true;
        const eq = spec.equal?.[k] ?? isDeepStrictEqual;
        return !eq((olds as Record<string, unknown>)[k], next);
    });
}

export function diffInputs(olds: object, news: object, spec: DiffSpec): pulumi.dynamic.DiffResult {
    const changed = changedKeys(olds, news, spec);
    const replaces = changed.filter((k) => spec.replaces?.includes(k));
    return {
        changes: changed.length > 0,
        replaces,
        deleteBeforeReplace: replaces.length > 0 && !!spec.deleteBeforeReplace,
    };
}

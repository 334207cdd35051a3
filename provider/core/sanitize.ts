/**
 * Makes a value safe for the Pulumi wire format: `undefined` anywhere fails with "Unexpected struct type" and Dates
 * turn into `{}`, so drop undefined keys, turn Dates into ISO strings and BigInts into strings.
 */
export function sanitize<T>(value: T): T {
    if (value === undefined) return value;
    return JSON.parse(JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v)));
}

/** The entries of `obj` whose keys are in `keys`, skipping undefined values. */
export function pick<T extends object>(obj: T, keys: readonly string[]): Partial<T> {
    const out: Record<string, unknown> = {};
    for (const k of keys) {
        const v = (obj as Record<string, unknown>)[k];
        if (v !== undefined) out[k] = v;
    }
    return out as Partial<T>;
}

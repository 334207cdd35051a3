import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { InputError } from "./errors";
import { closeMatches } from "./suggest";
import { UNKNOWN } from "./unknown";

/** Pulumi-style property path: roles[0].role */
export function propertyPath(path: readonly PropertyKey[]): string {
    return path.reduce<string>((acc, p) => (typeof p === "number" ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)), "");
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown[] {
    // every value from the root down to the path: an issue under an unknown value is not a real issue
    const seen: unknown[] = [root];
    let cur: unknown = root;
    for (const p of path) {
        if (cur === null || typeof cur !== "object") break;
        cur = (cur as Record<PropertyKey, unknown>)[p];
        seen.push(cur);
    }
    return seen;
}

export interface Validated<T> {
    /** Parsed value with defaults applied; undefined when the input is invalid or holds preview unknowns. */
    value?: T;
    failures: pulumi.dynamic.CheckFailure[];
}

/**
 * Validates resource inputs with a zod schema and turns every issue into a CheckFailure naming the property.
 * Issues caused by preview unknowns are skipped: the value is checked again when it is known.
 */
export function validate<T>(schema: z.ZodType<T>, input: unknown): Validated<T> {
    const result = schema.safeParse(input);
    if (result.success) return { value: result.data, failures: [] };
    const failures = result.error.issues
        .filter((issue) => !valueAt(input, issue.path).includes(UNKNOWN))
        .flatMap((issue): pulumi.dynamic.CheckFailure[] => {
            if (issue.code !== "unrecognized_keys") return [{ property: propertyPath(issue.path) || "(inputs)", reason: issue.message }];
            // one failure per misspelt key, named as the property itself, with the nearest known name
            const known = Object.keys(shapeAt(schema, issue.path));
            return issue.keys.map((key) => {
                const near = closeMatches(key, known, 1);
                return { property: propertyPath([...issue.path, key]), reason: `unknown property${near.length ? `; did you mean "${near[0]}"?` : ""}` };
            });
        });
    return { failures };
}

/** The object shape a zod schema has at `path` (through arrays, optionals and defaults), or {} if unknown. */
function shapeAt(schema: unknown, path: readonly PropertyKey[]): Record<string, unknown> {
    let cur = schema as { def?: { shape?: Record<string, unknown>; element?: unknown; innerType?: unknown; in?: unknown } } | undefined;
    const unwrap = () => {
        for (let i = 0; i < 10 && cur?.def && !cur.def.shape && !cur.def.element; i++) cur = (cur.def.innerType ?? cur.def.in) as typeof cur;
    };
    unwrap();
    for (const p of path) {
        cur = (typeof p === "number" ? cur?.def?.element : cur?.def?.shape?.[p as string]) as typeof cur;
        unwrap();
    }
    return cur?.def?.shape ?? {};
}

/** Like validate, but throws an InputError listing every failure (for create/update, which cannot return failures). */
export function parseOrThrow<T>(schema: z.ZodType<T>, input: unknown): T {
    const { value, failures } = validate(schema, input);
    if (value === undefined) {
        const first = failures[0] ?? { property: "(inputs)", reason: "holds values that are not known yet" };
        const rest = failures.slice(1).map((f) => `; ${f.property}: ${f.reason}`).join("");
        throw new InputError(first.property, first.reason + rest);
    }
    return value;
}

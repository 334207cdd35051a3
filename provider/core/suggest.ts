import { distance } from "fastest-levenshtein";
import { InputError } from "./errors";

/** Candidates that look like a misspelling of `input`, best first. */
export function closeMatches(input: string, candidates: readonly string[], max = 3): string[] {
    const needle = input.trim().toLowerCase();
    const limit = Math.max(2, Math.floor(needle.length / 3));
    return candidates
        .map((c) => ({ c, d: distance(needle, c.toLowerCase()), contains: c.toLowerCase().includes(needle) }))
        .filter((x) => x.d <= limit || (needle.length >= 3 && x.contains))
        .sort((a, b) => a.d - b.d || a.c.localeCompare(b.c))
        .slice(0, max)
        .map((x) => x.c);
}

/** The error for a name that does not resolve: names the property and suggests close matches. */
export function unknownName(property: string, what: string, input: string, candidates: readonly string[]): InputError {
    const near = closeMatches(input, candidates);
    const hint = near.length
        ? `; did you mean ${near.map((n) => `"${n}"`).join(" or ")}?`
        : candidates.length && candidates.length <= 10
          ? `; the org has: ${candidates.map((n) => `"${n}"`).join(", ")}`
          : "";
    return new InputError(property, `no ${what} named "${input}"${hint}`);
}

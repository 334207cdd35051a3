/**
 * Per-process memo of async lookups keyed by string. Concurrent callers share one in-flight promise; a failure is
 * forgotten so the next caller tries again.
 */
export function memoize<T>(ttlMs = Number.POSITIVE_INFINITY): (key: string, load: () => Promise<T>) => Promise<T> {
    const entries = new Map<string, { at: number; value: Promise<T> }>();
    return (key, load) => {
        const hit = entries.get(key);
        if (hit && Date.now() - hit.at < ttlMs) return hit.value;
        const value = load();
        entries.set(key, { at: Date.now(), value });
        value.catch(() => {
            if (entries.get(key)?.value === value) entries.delete(key);
        });
        return value;
    };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

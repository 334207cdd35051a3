import DataLoader from "dataloader";

/**
 * Collects the keys requested by concurrent resource operations within a short window and loads them with one
 * remote call (e.g. GET /api/v2/users?id=a,b,c). The engine calls providers over gRPC, so concurrent calls arrive
 * a few milliseconds apart rather than in one tick: the window is time-based. No caching: every load is fresh.
 */
export function batcher<K, V>(opts: {
    maxBatchSize: number;
    windowMs?: number;
    /** Loads the distinct keys; a key missing from the map resolves to undefined. */
    load: (keys: K[]) => Promise<Map<K, V>>;
}): (key: K) => Promise<V | undefined> {
    const loader = new DataLoader<K, V | undefined>(
        async (keys) => {
            const found = await opts.load([...new Set(keys)]);
            return keys.map((k) => found.get(k));
        },
        {
            cache: false,
            maxBatchSize: opts.maxBatchSize,
            batchScheduleFn: (run) => setTimeout(run, opts.windowMs ?? 15),
        },
    );
    return (key) => loader.load(key);
}

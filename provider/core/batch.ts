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

/**
 * One call at a time per queue, each carrying every key that arrived while the previous call was in flight (up to
 * `maxBatchSize`). For writes that carry a version of a shared object (joining a group): concurrent calls would
 * only collide with each other, so they are made one after the other and as few as possible.
 * `run` returns the keys that failed, with their error; the others succeed.
 */
export function serialBatcher<K>(opts: {
    maxBatchSize: number;
    windowMs?: number;
    run: (keys: K[]) => Promise<Map<K, unknown>>;
}): (key: K) => Promise<void> {
    let waiting: { key: K; resolve: () => void; reject: (e: unknown) => void }[] = [];
    let busy = false;
    let timer: NodeJS.Timeout | undefined;
    const schedule = () => {
        timer ??= setTimeout(flush, opts.windowMs ?? 15);
    };
    const flush = async () => {
        timer = undefined;
        if (busy || !waiting.length) return;
        busy = true;
        const batch = waiting.slice(0, opts.maxBatchSize);
        waiting = waiting.slice(batch.length);
        try {
            const failed = await opts.run([...new Set(batch.map((b) => b.key))]);
            for (const b of batch) (failed.has(b.key) ? b.reject(failed.get(b.key)) : b.resolve());
        } catch (e) {
            for (const b of batch) b.reject(e);
        } finally {
            busy = false;
            if (waiting.length) schedule();
        }
    };
    return (key) =>
        new Promise<void>((resolve, reject) => {
            waiting.push({ key, resolve, reject });
            if (!busy) schedule();
        });
}

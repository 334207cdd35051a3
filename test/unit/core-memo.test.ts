import { afterEach, describe, expect, it, vi } from "vitest";
import { memoize, sleep } from "../../provider/core/memo";

/** A promise whose outcome the test decides. */
function deferred<T>() {
    let resolve!: (v: T) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
        resolve = res;
        reject = rej;
    });
    return { promise, resolve, reject };
}

afterEach(() => vi.useRealTimers());

describe("memoize: one lookup per key per process", () => {
    it("concurrent callers share one in-flight promise", async () => {
        const memo = memoize<string>();
        const d = deferred<string>();
        const load = vi.fn(() => d.promise);
        const a = memo("role:Agent", load);
        const b = memo("role:Agent", load);
        expect(a).toBe(b);
        d.resolve("r-1");
        expect(await Promise.all([a, b, memo("role:Agent", load)])).toEqual(["r-1", "r-1", "r-1"]);
        expect(load).toHaveBeenCalledTimes(1);
    });

    it("a success is kept: later callers do not load again", async () => {
        const memo = memoize<number>();
        const load = vi.fn(async () => 42);
        await memo("k", load);
        await memo("k", load);
        expect(load).toHaveBeenCalledTimes(1);
    });

    it("different keys load separately", async () => {
        const memo = memoize<string>();
        const load = vi.fn(async () => "x");
        await Promise.all([memo("a", load), memo("b", load)]);
        expect(load).toHaveBeenCalledTimes(2);
    });

    it("a failure is shared by the callers waiting on it, then forgotten so the next caller tries again", async () => {
        const memo = memoize<string>();
        const failing = deferred<string>();
        const load = vi.fn().mockReturnValueOnce(failing.promise).mockResolvedValueOnce("second try");
        const a = memo("k", load).catch((e: Error) => e.message);
        const b = memo("k", load).catch((e: Error) => e.message);
        failing.reject(new Error("503"));
        expect(await Promise.all([a, b])).toEqual(["503", "503"]);
        expect(await memo("k", load)).toBe("second try");
        expect(load).toHaveBeenCalledTimes(2);
    });

    it("a failure does not leave an unhandled rejection behind when every caller handles it", async () => {
        const unhandled = vi.fn();
        process.on("unhandledRejection", unhandled);
        try {
            const memo = memoize<string>();
            await memo("k", async () => Promise.reject(new Error("x"))).catch(() => undefined);
            await sleep(5);
            expect(unhandled).not.toHaveBeenCalled();
        } finally {
            process.off("unhandledRejection", unhandled);
        }
    });

    it("with a TTL, an entry older than the TTL is loaded again", async () => {
        vi.useFakeTimers();
        const memo = memoize<number>(1_000);
        let n = 0;
        const load = vi.fn(async () => ++n);
        expect(await memo("k", load)).toBe(1);
        await vi.advanceTimersByTimeAsync(999);
        expect(await memo("k", load)).toBe(1);
        await vi.advanceTimersByTimeAsync(1);
        expect(await memo("k", load)).toBe(2);
    });

    it("a stale load that fails late does not evict the fresh entry that replaced it", async () => {
        vi.useFakeTimers();
        const memo = memoize<string>(100);
        const stale = deferred<string>();
        const load = vi.fn().mockReturnValueOnce(stale.promise).mockResolvedValueOnce("fresh");
        const first = memo("k", load).catch(() => "failed");
        await vi.advanceTimersByTimeAsync(150);
        expect(await memo("k", load)).toBe("fresh");
        stale.reject(new Error("late failure"));
        expect(await first).toBe("failed");
        expect(await memo("k", load)).toBe("fresh");
        expect(load).toHaveBeenCalledTimes(2);
    });
});

describe("sleep", () => {
    it("resolves after the given time, not before", async () => {
        vi.useFakeTimers();
        let done = false;
        const p = sleep(1_000).then(() => (done = true));
        await vi.advanceTimersByTimeAsync(999);
        expect(done).toBe(false);
        await vi.advanceTimersByTimeAsync(1);
        await p;
        expect(done).toBe(true);
    });
});

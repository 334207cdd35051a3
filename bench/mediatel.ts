/**
 * Mediatel figures for `npm run bench`: API calls per operation for one agent and one extension, counted in the
 * emulator's request log, and the wall time to create (and delete) 200 extensions 16 at a time, as the engine's
 * default parallelism would. Runs in-process through the same dispatch layer the provider process uses.
 *
 *   npx tsx bench/mediatel.ts
 */
import { configureFrom } from "../provider/core/config";
import * as dispatch from "../provider/core/dispatch";
import { agentDefinition } from "../provider/mediatel/agent";
import { HttpMediatelApi } from "../provider/mediatel/client";
import { extensionDefinition } from "../provider/mediatel/extension";
import { MediatelEmulator } from "../test/emulators/mediatel";

type Props = Record<string, any>;
type Definition = typeof extensionDefinition | typeof agentDefinition;
type Created = { id: string; outs: Props };
const createOf = async (def: Definition, args: Props): Promise<Created> =>
    (await dispatch.create(def, (await dispatch.check(def, {}, args)).inputs)) as Created;

const TOKEN = "bench-mediatel-token";

async function inParallel<T>(items: T[], width: number, run: (item: T) => Promise<unknown>): Promise<void> {
    let next = 0;
    const worker = async () => {
        while (next < items.length) await run(items[next++]);
    };
    await Promise.all(Array.from({ length: width }, worker));
}

export async function benchMediatel(): Promise<string[]> {
    const emu = new MediatelEmulator({ token: TOKEN });
    await emu.start();
    configureFrom((k) => ({ "telephony:mediatelUrl": emu.baseUrl, "telephony:mediatelToken": TOKEN })[k]);
    const lines: string[] = [];
    try {
        /** Runs one operation and returns how many API calls it made, with the calls themselves. */
        const counted = async (op: () => Promise<unknown>) => {
            emu.clearLog();
            await op();
            const calls = emu.log.map((r) => `${r.method} ${r.path.replace(/\/\d+$/, "/{id}")}`);
            return `${calls.length}${calls.length ? ` (${calls.join(", ")})` : ""}`;
        };
        const lifecycle = async (def: Definition, args: Props, changed: Props) => {
            let created!: Created;
            const create = await counted(async () => (created = await createOf(def, args)));
            const preview = await counted(async () => dispatch.diff(def, created.id, created.outs, (await dispatch.check(def, args, args)).inputs));
            let read!: { props: Props };
            const refresh = await counted(async () => (read = (await dispatch.read(def, created.id, created.outs)) as { props: Props }));
            let updated!: { outs: Props };
            const update = await counted(
                async () => (updated = (await dispatch.update(def, created.id, read.props, (await dispatch.check(def, args, changed)).inputs)) as { outs: Props }),
            );
            const remove = await counted(() => dispatch.remove(def, created.id, updated.outs));
            return [`    create ${create}`, `    preview, unchanged ${preview}`, `    refresh ${refresh}`, `    update ${update}`, `    delete ${remove}`];
        };

        const ivan = { login: "ivan.ivanov", email: "ivan.ivanov@creditkasa.ua", template: "AGENT_TEMPLATE_CK_01" };
        const ext = { extension: "3450", type: 3, protocol: "SIP", destAddress: "webrtc-hes.creditkasa.ua", destination: "3450" };
        lines.push("Mediatel API calls per operation (emulator request log):");
        lines.push("  mediatel.Agent (the template list is fetched once per run):");
        lines.push(...(await lifecycle(agentDefinition, ivan, { ...ivan, defaultSkill: 7 })));
        lines.push("  mediatel.Extension:");
        lines.push(...(await lifecycle(extensionDefinition, ext, { ...ext, destination: "3451" })));

        const pool = Array.from({ length: 200 }, (_, i) => ({ extension: String(5000 + i), type: 3, protocol: "SIP", destination: String(5000 + i) }));

        // as the provider does it: concurrent creates and deletes batched into PATCH /extensions
        emu.clearLog();
        const made: Created[] = [];
        let t = performance.now();
        await inParallel(pool, 16, async (args) => made.push(await createOf(extensionDefinition, args)));
        const createMs = performance.now() - t;
        const createCalls = emu.log.length;
        const batches = emu.requests("PATCH").length;
        if (new Set(made.map((m) => m.id)).size !== 200 || emu.extensions.size !== 203) throw new Error("bench: the 200 extensions were not all created once");
        emu.clearLog();
        t = performance.now();
        await inParallel(made, 16, (m) => dispatch.remove(extensionDefinition, m.id, m.outs));
        const deleteMs = performance.now() - t;
        const deleteCalls = emu.log.length;
        lines.push(
            `Mediatel: 200 extensions, 16 in parallel, batched: create ${createMs.toFixed(0)} ms in ${createCalls} API calls (${batches} PATCH batches); ` +
                `delete ${deleteMs.toFixed(0)} ms in ${deleteCalls} API calls`,
        );

        // the same without batching (one request per resource), for comparison
        const single = new HttpMediatelApi({ baseUrl: emu.baseUrl, token: TOKEN, perMinute: 100_000, limiterKey: "bench-unbatched", maxBatchSize: 1 });
        emu.clearLog();
        const madeOne: Created[] = [];
        t = performance.now();
        await inParallel(pool, 16, async (args) => madeOne.push(await extensionDefinition.create(args, single)));
        const createOneMs = performance.now() - t;
        const createOneCalls = emu.log.length;
        emu.clearLog();
        t = performance.now();
        await inParallel(madeOne, 16, (m) => extensionDefinition.delete(m.id, m.outs as never, single));
        const deleteOneMs = performance.now() - t;
        lines.push(
            `Mediatel: 200 extensions, 16 in parallel, one request each: create ${createOneMs.toFixed(0)} ms in ${createOneCalls} API calls; ` +
                `delete ${deleteOneMs.toFixed(0)} ms in ${emu.log.length} API calls`,
        );
    } finally {
        await emu.stop();
    }
    return lines;
}

if (require.main === module) {
    benchMediatel().then(
        (lines) => console.log(lines.join("\n")),
        (e) => {
            console.error(e);
            process.exitCode = 1;
        },
    );
}

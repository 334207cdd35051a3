/**
 * A small stand-in for the Pulumi engine, for machines without the Pulumi CLI: it runs a Pulumi program under
 * `pulumi.runtime.setMocks`, and for every dynamic resource the program registers it does what the engine does
 * with the real dynamic-provider server (test/protocol/harness.ts): Check, then Create — or, when the resource is
 * already in its state, Diff and Update/replace. Resources in state that the program no longer declares are
 * deleted, dependants first. `refresh()` calls Read for everything in state.
 *
 * It is deliberately simple (no previews, no ignoreChanges, no parallelism limit, state in memory) and is used to
 * run roster scenarios end to end in tests and `npm run example` where `pulumi` is missing. It is not the engine:
 * the e2e script runs the real CLI where it is installed.
 */
import * as pulumi from "@pulumi/pulumi";
import { ProviderProcess, startProvider } from "../protocol/harness";

export interface StateEntry {
    type: string;
    name: string;
    kind: string;
    id: string;
    inputs: Record<string, any>;
    outputs: Record<string, any>;
    /** Creation sequence: deletes go in reverse. */
    seq: number;
}

export type Step = { op: "create" | "update" | "replace" | "delete" | "same"; type: string; name: string; detail?: string };

const DYNAMIC = "pulumi-nodejs:dynamic/";
const keyOf = (type: string, name: string) => `${type}::${name}`;
const strip = ({ __provider, ...rest }: Record<string, any>) => rest;

export class MiniEngine {
    readonly state = new Map<string, StateEntry>();
    private seq = 0;

    private constructor(readonly provider: ProviderProcess) {}

    static async start(config: Record<string, unknown>): Promise<MiniEngine> {
        return new MiniEngine(await startProvider(config));
    }

    async stop(): Promise<void> {
        await this.provider.stop();
    }

    /** Runs the program and converges the remote systems to it, like `pulumi up`. Returns the steps taken. */
    async up(program: () => unknown, log: (step: Step) => void = () => undefined): Promise<Step[]> {
        const steps: Step[] = [];
        const note = (s: Step) => (steps.push(s), log(s));
        const declared = new Set<string>();
        const failures: Error[] = [];
        // a failed registration also rejects the resource's own promises, which nobody awaits in a program
        const onRejection = (e: unknown) => void (failures.includes(e as Error) || failures.push(e as Error));
        process.on("unhandledRejection", onRejection);

        pulumi.runtime.setMocks(
            {
                newResource: async (args) => {
                    try {
                        declared.add(keyOf(args.type, args.name));
                        if (!args.custom || !args.type.startsWith(DYNAMIC)) return { id: "", state: args.inputs };
                        return await this.converge(args.type, args.name, strip(args.inputs), note);
                    } catch (e) {
                        failures.push(e as Error);
                        throw e;
                    }
                },
                call: (args) => args.inputs,
            },
            "mini-engine",
            "sandbox",
            false,
        );
        try {
            await program();
            // the program is done when the SDK's queue of resource registrations has drained
            await pulumi.runtime.disconnect();
        } finally {
            process.off("unhandledRejection", onRejection);
        }
        if (failures.length) throw new AggregateError(failures, `${failures.length} resource operation(s) failed: ${failures.map((f) => f.message).join("; ")}`);

        const gone = [...this.state.entries()].filter(([k]) => !declared.has(k)).sort(([, a], [, b]) => b.seq - a.seq);
        for (const [k, e] of gone) {
            await this.provider.delete(e.kind, e.id, e.outputs);
            this.state.delete(k);
            note({ op: "delete", type: e.type, name: e.name });
        }
        return steps;
    }

    /** Like `pulumi refresh`: reads every resource; returns those whose live outputs differ from state, and drops the gone. */
    async refresh(): Promise<{ name: string; changed: string[] }[]> {
        const drift: { name: string; changed: string[] }[] = [];
        for (const [k, e] of this.state) {
            const r = await this.provider.read(e.kind, e.id, e.outputs);
            if (!r.id) {
                this.state.delete(k);
                drift.push({ name: e.name, changed: ["(gone)"] });
                continue;
            }
            const live = strip(r.props);
            const changed = [...new Set([...Object.keys(live), ...Object.keys(strip(e.outputs))])].filter(
                (key) => JSON.stringify(live[key]) !== JSON.stringify(e.outputs[key]),
            );
            if (changed.length) drift.push({ name: e.name, changed });
            e.outputs = live;
            if (r.inputs) e.inputs = strip(r.inputs);
        }
        return drift;
    }

    /** Like `pulumi destroy`: deletes everything in state, last created first. */
    async destroy(log: (step: Step) => void = () => undefined): Promise<void> {
        for (const [k, e] of [...this.state.entries()].sort(([, a], [, b]) => b.seq - a.seq)) {
            await this.provider.delete(e.kind, e.id, e.outputs);
            this.state.delete(k);
            log({ op: "delete", type: e.type, name: e.name });
        }
    }

    private async converge(type: string, name: string, news: Record<string, any>, note: (s: Step) => void) {
        const kind = type.slice(DYNAMIC.length);
        const key = keyOf(type, name);
        const old = this.state.get(key);
        const checked = await this.provider.check(kind, old ? old.inputs : {}, news);
        if (checked.failures.length) {
            throw new Error(`${name}: ${checked.failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`);
        }
        const inputs = strip(checked.inputs);
        if (!old) {
            const { id, outs } = await this.provider.create(kind, inputs);
            this.state.set(key, { type, name, kind, id, inputs, outputs: strip(outs), seq: this.seq++ });
            note({ op: "create", type, name });
            return { id, state: strip(outs) };
        }
        const diff = await this.provider.diff(kind, old.id, old.outputs, inputs);
        if (diff.changes === "none") {
            note({ op: "same", type, name });
            return { id: old.id, state: old.outputs };
        }
        if (diff.replaces.length) {
            if (diff.deleteBeforeReplace) await this.provider.delete(kind, old.id, old.outputs);
            const { id, outs } = await this.provider.create(kind, inputs);
            if (!diff.deleteBeforeReplace) await this.provider.delete(kind, old.id, old.outputs);
            this.state.set(key, { type, name, kind, id, inputs, outputs: strip(outs), seq: this.seq++ });
            note({ op: "replace", type, name, detail: diff.replaces.join(",") });
            return { id, state: strip(outs) };
        }
        const { outs } = await this.provider.update(kind, old.id, old.outputs, inputs);
        Object.assign(old, { inputs, outputs: strip(outs) });
        note({ op: "update", type, name });
        return { id: old.id, state: strip(outs) };
    }
}

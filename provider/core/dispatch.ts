import type * as pulumi from "@pulumi/pulumi";
import { validate, parseOrThrow } from "./check";
import { configureFrom, redact } from "./config";
import { diffInputs } from "./diff";
import { IncompleteCreateError, InputError, messageOf, TelephonyError } from "./errors";
import { AnyDefinition } from "./resource";
import { pick, sanitize } from "./sanitize";

/**
 * The protocol side of every resource: strips and restores `__provider`, validates, sanitises results, keeps a
 * half-finished create in state, and makes sure no secret reaches an error message. Hooks stay plain.
 */
type Props = Record<string, unknown>;
const PROVIDER = "__provider";

function split(props: Props | undefined): [unknown, Props] {
    const { [PROVIDER]: provider, ...rest } = props ?? {};
    return [provider, rest];
}

/** An error the engine can show: message scrubbed of secrets, no nested HTTP objects. */
export function forEngine(e: unknown, provider?: unknown): Error {
    if (e instanceof IncompleteCreateError) {
        const message = redact(e.message);
        // id + properties (with __provider, or destroy cannot load the provider) => ErrorResourceInitFailed: kept in state
        return Object.assign(new Error(message), {
            id: e.id,
            properties: sanitize({ ...e.outs, [PROVIDER]: provider }),
            reasons: [message],
        });
    }
    const err = new Error(redact(messageOf(e)));
    err.name = e instanceof TelephonyError ? e.name : "Error";
    return err;
}

/** Never throws: a host that configured nothing (no Configure call) leaves the environment as the only source. */
export function configure(req: pulumi.dynamic.ConfigureRequest): void {
    configureFrom((key) => {
        try {
            return req?.config?.get(key);
        } catch {
            return undefined;
        }
    });
}

export async function check(def: AnyDefinition, _olds: Props, news: Props): Promise<pulumi.dynamic.CheckResult> {
    const [provider, raw] = split(news);
    const { value, failures } = validate(def.schema, raw);
    if (failures.length || value === undefined) return { inputs: news, failures };
    try {
        const api = def.connect(); // a missing credential fails here, before any write
        await def.validate?.(value, api);
    } catch (e) {
        if (e instanceof InputError) return { inputs: news, failures: [{ property: e.property, reason: redact(e.reason) }] };
        throw forEngine(e);
    }
    return { inputs: { ...sanitize(value), [PROVIDER]: provider }, failures: [] };
}

export async function diff(def: AnyDefinition, _id: string, olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult> {
    const [, o] = split(olds);
    const [, n] = split(news);
    return typeof def.diff === "function" ? def.diff(o, n) : diffInputs(o, n, def.diff);
}

export async function create(def: AnyDefinition, inputs: Props): Promise<pulumi.dynamic.CreateResult> {
    const [provider, raw] = split(inputs);
    try {
        const value = parseOrThrow(def.schema, raw);
        const { id, outs } = await def.create(value, def.connect());
        return { id, outs: sanitize(outs) };
    } catch (e) {
        throw forEngine(e, provider);
    }
}

export async function read(def: AnyDefinition, id: string, state: Props): Promise<pulumi.dynamic.ReadResult> {
    const [, props] = split(state);
    try {
        const live = await def.read(id, props, def.connect());
        if (!live) return { id: "", props: {} }; // gone: refresh drops it from state
        const outs = sanitize(live) as Props;
        // report back as inputs the managed inputs, so the next diff starts from what is really there
        const inputs = pick(outs, def.inputKeys);
        return { id, props: outs, inputs };
    } catch (e) {
        throw forEngine(e);
    }
}

export async function update(def: AnyDefinition, id: string, olds: Props, news: Props): Promise<pulumi.dynamic.UpdateResult> {
    const [, o] = split(olds);
    const [, raw] = split(news);
    try {
        const value = parseOrThrow(def.schema, raw);
        return { outs: sanitize(await def.update(id, o, value, def.connect())) };
    } catch (e) {
        throw forEngine(e);
    }
}

export async function remove(def: AnyDefinition, id: string, props: Props): Promise<void> {
    const [, p] = split(props);
    try {
        await def.delete(id, p, def.connect());
    } catch (e) {
        throw forEngine(e);
    }
}

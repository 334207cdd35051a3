import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { DiffSpec } from "./diff";

/**
 * Everything the runtime needs to serve one resource type. Hooks get the system's client facade (an interface), so
 * unit tests hand them a mock; they never see `__provider`, unknown sentinels in create/update, or the wire format.
 */
export interface ResourceDefinition<I extends object, O extends I, A> {
    /** "<system>:<Type>", also the dynamic type token suffix: pulumi-nodejs:dynamic/<system>:<Type>. */
    kind: string;
    /** Strict object schema of the inputs; defaults applied here are stored as inputs. */
    schema: z.ZodType<I>;
    /** The input names (schema keys), the ones diff compares and read reports back as inputs. */
    inputKeys: readonly string[];
    /** Lazily built client facade for the current settings; throws ConfigError when a credential is missing. */
    connect(): A;
    diff: DiffSpec | ((olds: O, news: I) => pulumi.dynamic.DiffResult);
    /** Checks that need the remote system (names resolve); throws InputError naming the property. */
    validate?(inputs: I, api: A): Promise<void>;
    create(inputs: I, api: A): Promise<{ id: string; outs: O }>;
    /** The live outputs, or undefined when the object is gone. `props` are the outputs in state. */
    read(id: string, props: O, api: A): Promise<O | undefined>;
    update(id: string, olds: O, news: I, api: A): Promise<O>;
    delete(id: string, props: O, api: A): Promise<void>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyDefinition = ResourceDefinition<any, any, any>;

/** The keys of a zod object schema. */
export function keysOf(schema: z.ZodObject): string[] {
    return Object.keys(schema.shape);
}

/** Constructor arguments: every input may be an Output or a Promise, at any depth. */
export type DeepInput<T> = pulumi.Input<
    T extends (infer U)[] ? DeepInput<U>[] : T extends object ? { [K in keyof T]: DeepInput<T[K]> } : T
>;
export type ArgsOf<T> = { [K in keyof T]: DeepInput<T[K]> };

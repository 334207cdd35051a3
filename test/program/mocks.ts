/**
 * Program-level tests: run a Pulumi program under `pulumi.runtime.setMocks` and record every registration. This
 * proves the resource graph (type tokens, names, parents, wiring of ids, secret options) and that `__provider`
 * serialises; it never calls provider methods (that is the protocol layer's job).
 */
import * as pulumi from "@pulumi/pulumi";

export interface Registration {
    type: string;
    name: string;
    inputs: Record<string, any>;
    custom: boolean;
    /** Sequence number when the engine was asked to create it. */
    order: number;
    /** Sequence number when its creation finished (set after the mock's delay). */
    done?: number;
    /** The resource options that reached the engine: outputs it must store as secrets. */
    additionalSecretOutputs: string[];
}

/**
 * Records registrations. `delayMs` makes creations of the given types slow, so that an ordering that is not
 * enforced by dependencies (dependsOn, inputs) shows up as a wrong order.
 */
export function recordRegistrations(delayMs: Record<string, number> = {}): Registration[] {
    const seen: Registration[] = [];
    let tick = 0;
    pulumi.runtime.setMocks(
        {
            async newResource(args) {
                const r: Registration = { type: args.type, name: args.name, inputs: args.inputs, custom: !!args.custom, order: tick++, additionalSecretOutputs: secretOutputs.get(args.name) ?? [] };
                seen.push(r);
                const delay = Object.entries(delayMs).find(([t]) => args.type.endsWith(t))?.[1];
                if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
                r.done = tick++;
                const id = args.custom ? `${args.name}-id` : undefined;
                // computed outputs a provider would add, so dependants see values
                return { id: id ?? "", state: { ...args.inputs, stationId: args.custom ? `${args.name}-station` : undefined } };
            },
            call: (args) => args.inputs,
        },
        "test-project",
        "test-stack",
        false,
    );
    // the mock hands newResource no options: read the ones the engine needs from the raw request
    const secretOutputs = new Map<string, string[]>();
    const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource: (req: any, cb: unknown) => unknown };
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, cb) => {
        secretOutputs.set(req.getName(), req.getAdditionalsecretoutputsList());
        return register(req, cb);
    };
    return seen;
}

/** Resolves an Output's value in a mocked program. */
export function valueOf<T>(o: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => o.apply((v) => resolve(v)));
}

/** Waits until no new registration has arrived for a moment. */
export async function settled(seen: Registration[], quietMs = 100, timeoutMs = 10_000): Promise<void> {
    const start = Date.now();
    let count = -1;
    while ((count !== seen.length || seen.some((r) => r.done === undefined)) && Date.now() - start < timeoutMs) {
        count = seen.length;
        await new Promise((r) => setTimeout(r, quietMs));
    }
}

/** The resource options the SDK recorded for a resource (secret outputs, dependsOn), read from the resource object. */
export function urnOf(r: pulumi.Resource): Promise<string> {
    return valueOf(r.urn);
}

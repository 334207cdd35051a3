import type * as pulumi from "@pulumi/pulumi";

/**
 * The object `pulumi.dynamic.Resource` serialises into the state of every resource (twice): a shim that holds only
 * its resource kind. Its `configure` requires the package's stable runtime entry and installs the CRUD methods
 * from it, so no module, client, schema or secret is ever captured, the text stays under a kilobyte, and fixes to
 * the runtime reach `refresh` and `destroy` of stacks written by older releases.
 *
 * Why install methods in configure instead of writing seven delegating methods here: each serialised function
 * costs ~200 characters of wrapper, which would put every resource's state over 2 KB. The dynamic-provider host
 * (@pulumi/pulumi/cmd/dynamic-provider, getProvider) always deserialises a provider and calls its `configure`
 * before it looks up or calls any other method, and this configure is synchronous, so the methods are in place
 * even for concurrent first calls. test/protocol proves this against the real host.
 *
 * Keep the method body self-contained: anything it references is serialised with it.
 */
export function providerShim(kind: string): pulumi.dynamic.ResourceProvider {
    // one instance per kind: dynamic.Resource caches serialisation by object identity
    let shim = shims.get(kind);
    if (!shim) shims.set(kind, (shim = makeShim(kind)));
    return shim;
}

const shims = new Map<string, pulumi.dynamic.ResourceProvider>();

function makeShim(kind: string): pulumi.dynamic.ResourceProvider {
    const shim = {
        kind,
        async configure(req: pulumi.dynamic.ConfigureRequest) {
            Object.assign(this, require("pulumi-telephony/runtime").provider(this.kind, req));
        },
    };
    return shim as unknown as pulumi.dynamic.ResourceProvider;
}

/**
 * Drives the SDK's real dynamic-provider gRPC server (@pulumi/pulumi/cmd/dynamic-provider) the way the Pulumi
 * engine does: the provider is serialised exactly as `pulumi.dynamic.Resource` serialises it (from the built
 * package in dist/), the server runs in its own process with a project directory whose node_modules holds the
 * package, and every call crosses gRPC with protobuf Structs. This is the only layer that proves serialisation,
 * secrets, the `__provider` round trip and result shapes.
 */
import { ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as readline from "node:readline";

const require = createRequire(__filename);
const ROOT = path.resolve(__dirname, "../..");
const grpc = require("@grpc/grpc-js");
const pulumi = require("@pulumi/pulumi");
const provproto = require("@pulumi/pulumi/proto/provider_pb");
const statusproto = require("@pulumi/pulumi/proto/status_pb");
const { ResourceProviderClient } = require("@pulumi/pulumi/proto/provider_grpc_pb");
const { Struct } = require("google-protobuf/google/protobuf/struct_pb");

export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** How the engine sends a secret config value over Configure. */
export const secret = (value: unknown) => ({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value });

/** The package as a user gets it: the built dist/, loaded by Node's own require. */
export function dist<T = any>(modulePath: string): T {
    return require(path.join(ROOT, "dist", modulePath));
}

const serialized = new Map<string, { text: string; containsSecrets: boolean }>();

/** `__provider` exactly as `pulumi.dynamic.Resource` computes it for the kind's shared provider instance. */
export async function serializeProvider(kind: string): Promise<{ text: string; containsSecrets: boolean }> {
    let hit = serialized.get(kind);
    if (!hit) {
        const provider = dist("core/provider").providerShim(kind);
        const r = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
        hit = { text: r.text, containsSecrets: r.containsSecrets };
        serialized.set(kind, hit);
    }
    return hit;
}

/** A throwaway Pulumi project directory whose node_modules resolves `pulumi-telephony` to this repository. */
function projectDir(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "telephony-protocol-"));
    fs.mkdirSync(path.join(dir, "node_modules"));
    fs.symlinkSync(ROOT, path.join(dir, "node_modules", "pulumi-telephony"), "dir");
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: protocol-test\nruntime: nodejs\n");
    return dir;
}

type Props = Record<string, any>;

export interface InitFailure {
    id: string;
    properties: Props;
    reasons: string[];
}

export class ProviderError extends Error {
    constructor(
        message: string,
        readonly initFailure?: InitFailure,
    ) {
        super(message);
    }
}

export interface ProviderProcess {
    configure(config: Record<string, unknown>): Promise<void>;
    check(kind: string, olds: Props, news: Props): Promise<{ inputs: Props; failures: { property: string; reason: string }[] }>;
    diff(kind: string, id: string, olds: Props, news: Props): Promise<{ changes: "none" | "some" | "unknown"; replaces: string[]; deleteBeforeReplace: boolean }>;
    create(kind: string, props: Props): Promise<{ id: string; outs: Props }>;
    read(kind: string, id: string, props: Props): Promise<{ id: string; props: Props; inputs?: Props }>;
    update(kind: string, id: string, olds: Props, news: Props): Promise<{ outs: Props }>;
    delete(kind: string, id: string, props: Props): Promise<void>;
    /** Everything the provider process wrote to stdout (after the port line) and stderr. */
    output(): string;
    stop(): Promise<void>;
}

export const urnOf = (kind: string, name = "res") => {
    const [system, type] = kind.split(":");
    return `urn:pulumi:test::protocol-test::pulumi-nodejs:dynamic/${system}:${type}::${name}`;
};

const toStruct = (o: Props) => Struct.fromJavaScript(o);

function call<T>(client: any, method: string, req: unknown): Promise<T> {
    return new Promise((resolve, reject) =>
        client[method](req, (err: any, res: T) => {
            if (!err) return resolve(res);
            reject(new ProviderError(err.details ?? err.message, initFailureOf(err)));
        }),
    );
}

function initFailureOf(err: any): InitFailure | undefined {
    const bin = err.metadata?.get?.("grpc-status-details-bin")?.[0];
    if (!bin) return undefined;
    const status = statusproto.Status.deserializeBinary(new Uint8Array(bin));
    for (const any of status.getDetailsList()) {
        if (!any.getTypeUrl().endsWith("pulumirpc.ErrorResourceInitFailed")) continue;
        const d = provproto.ErrorResourceInitFailed.deserializeBinary(any.getValue_asU8());
        return { id: d.getId(), properties: d.getProperties()?.toJavaScript() ?? {}, reasons: d.getReasonsList() };
    }
    return undefined;
}

/**
 * Starts the real dynamic-provider server and configures it as the engine does (whole stack config, secrets
 * wrapped). `project` is the Pulumi project directory the engine would start it in (default: a temporary one whose
 * node_modules links this repository).
 */
export async function startProvider(config: Record<string, unknown> = {}, env: Record<string, string> = {}, project?: string): Promise<ProviderProcess> {
    const cwd = project ?? projectDir();
    const child: ChildProcess = spawn(process.execPath, [require.resolve("@pulumi/pulumi/cmd/dynamic-provider"), "127.0.0.1:0"], {
        cwd,
        env: { ...process.env, PULUMI_NODEJS_PROJECT: "protocol-test", NO_PROXY: "127.0.0.1,localhost", ...env },
        stdio: ["ignore", "pipe", "pipe"],
    });
    // never outlive the test process, even when a test fails before stop()
    const reap = () => child.kill();
    process.once("exit", reap);
    let output = "";
    child.stderr!.on("data", (d) => (output += d));
    const port = await new Promise<number>((resolve, reject) => {
        const lines = readline.createInterface({ input: child.stdout! });
        lines.once("line", (l) => resolve(Number(l)));
        lines.on("line", (l) => (output += l + "\n"));
        child.once("exit", (code) => reject(new Error(`provider exited ${code}: ${output}`)));
    });
    const client = new ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());

    const withProvider = async (kind: string, props: Props) => ({ ...props, __provider: (await serializeProvider(kind)).text });

    const p: ProviderProcess = {
        async configure(cfg) {
            const r = new provproto.ConfigureRequest();
            r.setArgs(toStruct(cfg as Props));
            await call(client, "configure", r);
        },
        async check(kind, olds, news) {
            const r = new provproto.CheckRequest();
            r.setUrn(urnOf(kind));
            r.setOlds(toStruct(olds));
            r.setNews(toStruct(await withProvider(kind, news)));
            const res: any = await call(client, "check", r);
            return {
                inputs: res.getInputs()?.toJavaScript() ?? {},
                failures: res.getFailuresList().map((f: any) => ({ property: f.getProperty(), reason: f.getReason() })),
            };
        },
        async diff(kind, id, olds, news) {
            const r = new provproto.DiffRequest();
            r.setId(id);
            r.setUrn(urnOf(kind));
            r.setOlds(toStruct(await withProvider(kind, olds)));
            r.setNews(toStruct(await withProvider(kind, news)));
            const res: any = await call(client, "diff", r);
            const changes = { 0: "unknown", 1: "none", 2: "some" }[res.getChanges() as 0 | 1 | 2] as "none" | "some" | "unknown";
            return { changes, replaces: res.getReplacesList(), deleteBeforeReplace: res.getDeletebeforereplace() };
        },
        async create(kind, props) {
            const r = new provproto.CreateRequest();
            r.setUrn(urnOf(kind));
            r.setProperties(toStruct(await withProvider(kind, props)));
            const res: any = await call(client, "create", r);
            return { id: res.getId(), outs: res.getProperties()?.toJavaScript() ?? {} };
        },
        async read(kind, id, props) {
            const r = new provproto.ReadRequest();
            r.setId(id);
            r.setUrn(urnOf(kind));
            r.setProperties(toStruct(await withProvider(kind, props)));
            const res: any = await call(client, "read", r);
            return { id: res.getId(), props: res.getProperties()?.toJavaScript() ?? {}, inputs: res.getInputs()?.toJavaScript() };
        },
        async update(kind, id, olds, news) {
            const r = new provproto.UpdateRequest();
            r.setId(id);
            r.setUrn(urnOf(kind));
            r.setOlds(toStruct(await withProvider(kind, olds)));
            r.setNews(toStruct(await withProvider(kind, news)));
            const res: any = await call(client, "update", r);
            return { outs: res.getProperties()?.toJavaScript() ?? {} };
        },
        async delete(kind, id, props) {
            const r = new provproto.DeleteRequest();
            r.setId(id);
            r.setUrn(urnOf(kind));
            r.setProperties(toStruct(await withProvider(kind, props)));
            await call(client, "delete", r);
        },
        output: () => output,
        async stop() {
            client.close();
            process.off("exit", reap);
            child.kill();
            await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.once("exit", r)));
            if (!project) fs.rmSync(cwd, { recursive: true, force: true });
        },
    };
    await p.configure(config);
    return p;
}

/** Strips `__provider` so results compare against plain objects. */
export function plain(props: Props): Props {
    const { __provider, ...rest } = props;
    return rest;
}

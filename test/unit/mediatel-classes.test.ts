/**
 * The resource classes as a user's program sees them, under pulumi.runtime.setMocks: type tokens, the inputs
 * registered, and the secret option on the agent's password. (The provider methods never run under mocks.)
 */
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

interface Registration {
    type: string;
    name: string;
    inputs: Record<string, unknown>;
    additionalSecretOutputs: string[];
}
const registered: Registration[] = [];

// the mock monitor drops resource options: record them from the request before it does
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { MockMonitor } = require("@pulumi/pulumi/runtime/mocks");
const original = MockMonitor.prototype.registerResource;

beforeAll(async () => {
    MockMonitor.prototype.registerResource = function (req: any, callback: any) {
        registered.push({
            type: req.getType(),
            name: req.getName(),
            inputs: {},
            additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
        });
        return original.call(this, req, callback);
    };
    await pulumi.runtime.setMocks(
        {
            newResource: (args) => {
                const r = registered.find((x) => x.name === args.name);
                if (r) r.inputs = args.inputs;
                return { id: `${args.name}-id`, state: args.inputs };
            },
            call: () => ({}),
        },
        "project",
        "stack",
        false,
    );
});
afterAll(() => {
    MockMonitor.prototype.registerResource = original;
});

const settled = <T>(o: pulumi.Output<T>) => new Promise<T>((resolve) => o.apply((v) => (resolve(v), v)));

describe("the mediatel namespace", () => {
    it("exports Agent and Extension from the package entry", async () => {
        const telephony = await import("../../provider/index");
        expect(typeof telephony.mediatel.Agent).toBe("function");
        expect(typeof telephony.mediatel.Extension).toBe("function");
    });

    it("Agent: type token pulumi-nodejs:dynamic/mediatel:Agent, password always a secret output", async () => {
        const { Agent } = await import("../../provider/mediatel");
        const a = new Agent("ivan", { login: "ivan.ivanov", email: "ivan.ivanov@example.ua", template: "AGENT_TEMPLATE_CK_01" });
        await settled(a.login);
        const r = registered.find((x) => x.name === "ivan")!;
        expect(r.type).toBe("pulumi-nodejs:dynamic/mediatel:Agent");
        expect(r.additionalSecretOutputs).toEqual(["password"]);
        expect(r.inputs).toMatchObject({ login: "ivan.ivanov", template: "AGENT_TEMPLATE_CK_01" });
        expect(typeof r.inputs.__provider).toBe("string");
    });

    it("a given password is registered as a secret input", async () => {
        const { Agent } = await import("../../provider/mediatel");
        const a = new Agent("taras", { login: "taras.bulba", email: "t@example.ua", template: 10, password: "Taras-pass-1" });
        await settled(a.login);
        const r = registered.find((x) => x.name === "taras")!;
        // the mock monitor hands inputs over as the engine would receive them: a secret arrives wrapped
        expect(r.inputs.password).toEqual({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "Taras-pass-1" });
        expect(r.additionalSecretOutputs).toEqual(["password"]);
    });

    it("Agent keeps the caller's own additionalSecretOutputs", async () => {
        const { Agent } = await import("../../provider/mediatel");
        const a = new Agent("olena", { login: "olena.kovalenko", email: "o@example.ua", template: 10 }, { additionalSecretOutputs: ["email"] });
        await settled(a.login);
        expect(registered.find((x) => x.name === "olena")!.additionalSecretOutputs.sort()).toEqual(["email", "password"]);
    });

    it("Extension: type token pulumi-nodejs:dynamic/mediatel:Extension", async () => {
        const { Extension } = await import("../../provider/mediatel");
        const e = new Extension("ext-3444", { extension: "3444", type: 3 });
        await settled(e.extension);
        const r = registered.find((x) => x.name === "ext-3444")!;
        expect(r.type).toBe("pulumi-nodejs:dynamic/mediatel:Extension");
        expect(r.additionalSecretOutputs).toEqual([]);
    });

    it("the serialised provider is the tiny shim: no module, client, schema or secret in it", async () => {
        const { providerShim } = await import("../../provider/core/provider");
        for (const kind of ["mediatel:Agent", "mediatel:Extension"]) {
            const s = await pulumi.runtime.serializeFunction(() => providerShim(kind), { allowSecrets: true });
            expect(s.containsSecrets).toBe(false);
            expect(s.text.length).toBeLessThan(2000);
            expect(s.text).not.toMatch(/axios|zod|VouchCookie/);
        }
    });
});

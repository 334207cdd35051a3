/**
 * The package as users install it: `npm pack`, unpacked into a fresh project's node_modules (its dependencies
 * linked from this checkout, as npm would install them), then the provider serialised by that copy runs in the
 * real dynamic-provider server started in that project. Catches a missing file in "files", a broken main or
 * runtime entry, and a shim that reaches outside the package.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GenesysEmulator, SEED } from "../emulators/genesys";
import { ProviderProcess, secret, serializeProvider, startProvider } from "./harness";

const ROOT = path.resolve(__dirname, "../..");
let project: string;
let emu: GenesysEmulator;
let p: ProviderProcess;

beforeAll(async () => {
    project = fs.mkdtempSync(path.join(os.tmpdir(), "telephony-user-project-"));
    const tarball = execFileSync("npm", ["pack", "--ignore-scripts", "--pack-destination", project], { cwd: ROOT, encoding: "utf8" }).trim().split("\n").pop()!;
    const pkg = path.join(project, "node_modules", "pulumi-telephony");
    fs.mkdirSync(pkg, { recursive: true });
    execFileSync("tar", ["-xzf", path.join(project, tarball), "-C", pkg, "--strip-components=1"]);
    for (const dep of fs.readdirSync(path.join(ROOT, "node_modules"))) {
        if (dep === "pulumi-telephony" || dep.startsWith(".")) continue;
        fs.symlinkSync(path.join(ROOT, "node_modules", dep), path.join(project, "node_modules", dep), "dir");
    }
    fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: user-project\nruntime: nodejs\n");
    emu = new GenesysEmulator();
    await emu.start();
    p = await startProvider(
        { "telephony:genesysApiUrl": emu.url, "telephony:genesysClientId": SEED.client.id, "telephony:genesysClientSecret": secret(SEED.client.secret) },
        {},
        project,
    );
}, 120_000);

afterAll(async () => {
    await p?.stop();
    await emu?.stop();
    if (project) fs.rmSync(project, { recursive: true, force: true });
});

describe("the packed package in a user's project", () => {
    it("ships the main entry, its types and the runtime entry the shims load", () => {
        const pkg = path.join(project, "node_modules", "pulumi-telephony");
        for (const f of ["package.json", "README.md", "runtime.js", "dist/index.js", "dist/index.d.ts", "dist/runtime.js"]) expect(fs.existsSync(path.join(pkg, f))).toBe(true);
        const userRequire = createRequire(path.join(project, "index.js"));
        const telephony = userRequire("pulumi-telephony");
        expect(Object.keys(telephony).sort()).toEqual(["genesys", "mediatel", "staffing"]);
        expect(Object.keys(telephony.genesys).sort()).toEqual(["DefaultStation", "GroupMembership", "User", "UserRoles", "WebRtcPhone"]);
        expect(Object.keys(telephony.mediatel)).toEqual(expect.arrayContaining(["Agent", "Extension"]));
        expect(Object.keys(telephony.staffing)).toEqual(expect.arrayContaining(["loadRoster", "StaffMember", "provisionRoster", "RosterError"]));
        expect(typeof userRequire("pulumi-telephony/runtime").provider).toBe("function");
    });

    it("serialises the same shim from the packed copy as the tests feed the server", async () => {
        const userRequire = createRequire(path.join(project, "index.js"));
        const provider = userRequire("pulumi-telephony/dist/core/provider").providerShim("genesys:User");
        const packed = await userRequire("@pulumi/pulumi").runtime.serializeFunction(() => provider, { allowSecrets: true });
        expect(packed.text).toBe((await serializeProvider("genesys:User")).text);
    });

    it("creates, reads and deletes a user through the server started in that project", async () => {
        const { id, outs } = await p.create("genesys:User", { name: "Packed User", email: "packed.user@example.com", state: "active" });
        expect(emu.user(id)).toMatchObject({ email: "packed.user@example.com", state: "active" });
        expect((await p.read("genesys:User", id, outs)).props.name).toBe("Packed User");
        await p.delete("genesys:User", id, outs);
        expect(emu.user(id)!.state).toBe("deleted");
    });
});

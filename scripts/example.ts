/**
 * `npm run example`: the main job. Serves the sandbox (both emulators on 127.0.0.1:18610/18611, unless one is
 * already running there) and runs the staffing example against it: `pulumi up`, a drift check with
 * `pulumi preview --refresh --expect-no-changes`, then `pulumi destroy`, with a local file backend in .pulumi-local/.
 *
 * Without the Pulumi CLI it says how to install it, then runs the same program through the stand-in engine of the
 * tests (test/engine: the real dynamic-provider server, no Pulumi state) so the flow can still be seen end to end.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { MiniEngine, Step } from "../test/engine/mini-engine";
import { SANDBOX, Sandbox, startSandbox } from "../test/emulators/sandbox";

const ROOT = path.resolve(__dirname, "..");
const STACK = "sandbox";

/** The root project and the examples resolve `pulumi-telephony` to this checkout. */
function linkPackage(): void {
    const link = path.join(ROOT, "node_modules", "pulumi-telephony");
    if (!fs.existsSync(link)) fs.symlinkSync("..", link, "dir");
}

async function sandbox(): Promise<Sandbox | undefined> {
    try {
        return await startSandbox();
    } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EADDRINUSE") throw e;
        console.log(`A sandbox is already listening on ${SANDBOX.genesysPort}/${SANDBOX.mediatelPort}; using it.`);
        return undefined;
    }
}

function hasPulumi(): boolean {
    return spawnSync("pulumi", ["version"], { stdio: "ignore" }).status === 0;
}

function pulumi(args: string[], allowFailure = false): number {
    console.log(`\n$ pulumi ${args.join(" ")}`);
    const r = spawnSync("pulumi", args, {
        cwd: ROOT,
        stdio: "inherit",
        env: {
            ...process.env,
            PULUMI_BACKEND_URL: `file://${path.join(ROOT, ".pulumi-local")}`,
            PULUMI_CONFIG_PASSPHRASE: process.env.PULUMI_CONFIG_PASSPHRASE ?? "",
            PULUMI_SKIP_UPDATE_CHECK: "true",
            NO_PROXY: "127.0.0.1,localhost",
        },
    });
    if (r.status !== 0 && !allowFailure) throw new Error(`pulumi ${args[0]} failed (exit ${r.status})`);
    return r.status ?? 1;
}

function withCli(): void {
    fs.mkdirSync(path.join(ROOT, ".pulumi-local"), { recursive: true });
    pulumi(["stack", "select", STACK, "--create"]);
    pulumi(["up", "--yes", "--stack", STACK]);
    const drift = pulumi(["preview", "--refresh", "--expect-no-changes", "--stack", STACK], true);
    console.log(drift === 0 ? "\nNo drift: the org matches the roster." : "\nThe drift check reported changes (see above).");
    pulumi(["destroy", "--yes", "--stack", STACK]);
}

async function withStandInEngine(s: Sandbox | undefined): Promise<void> {
    const show = (step: Step) => console.log(`  ${{ create: "+", update: "~", replace: "+-", delete: "-", same: " " }[step.op]} ${step.op.padEnd(7)} ${step.type.replace("pulumi-nodejs:dynamic/", "")}  ${step.name}`);
    const config = s?.config ?? {
        "telephony:genesysApiUrl": `http://127.0.0.1:${SANDBOX.genesysPort}`,
        "telephony:genesysClientId": "sandbox-client",
        "telephony:genesysClientSecret": "sandbox-secret",
        "telephony:mediatelUrl": `http://127.0.0.1:${SANDBOX.mediatelPort}/v1`,
        "telephony:mediatelToken": "sandbox-mediatel-vouch-token",
    };
    const engine = await MiniEngine.start(config);
    try {
        console.log("\nup: examples/staffing/roster.yaml");
        const steps = await engine.up(() => require(path.join(ROOT, "examples/staffing/index.ts")), show);
        console.log(`  ${steps.filter((x) => x.op === "create").length} created`);

        if (s) {
            const ivan = s.genesys.userByEmail("ivan.ivanov@example.com");
            if (ivan) {
                s.genesys.adminEditUser(ivan.id, { title: "Changed in the admin UI" });
                console.log('\nSomeone changes Ivan Ivanov\'s title in the Genesys admin UI. refresh (what `pulumi preview --refresh` checks):');
            }
        } else console.log("\nrefresh (what `pulumi preview --refresh` checks):");
        const drift = await engine.refresh();
        for (const d of drift) console.log(`  ~ drift   ${d.name}: ${d.changed.join(", ")}`);
        if (!drift.length) console.log("  no drift");

        console.log("\nup again: reverts the drift");
        const again = await engine.up(() => {
            delete require.cache[require.resolve(path.join(ROOT, "examples/staffing/index.ts"))];
            return require(path.join(ROOT, "examples/staffing/index.ts"));
        }, (step) => step.op !== "same" && show(step));

        console.log(`  ${again.filter((x) => x.op !== "same").length} changed, ${again.filter((x) => x.op === "same").length} unchanged`);
        console.log("\ndestroy");
        await engine.destroy(show);
    } finally {
        await engine.stop();
    }
}

async function main(): Promise<void> {
    linkPackage();
    const s = await sandbox();
    try {
        if (s) console.log(`Sandbox: Genesys Cloud on ${s.genesys.url}, Mediatel on ${s.mediatel.baseUrl}`);
        if (hasPulumi()) return withCli();
        console.log(
            "\nThe Pulumi CLI is not on PATH. Install it to run this for real (https://www.pulumi.com/docs/install/):\n" +
                "  curl -fsSL https://get.pulumi.com | sh\n" +
                "Meanwhile, the same program runs below through the tests' stand-in engine: the real provider protocol, no Pulumi state.",
        );
        await withStandInEngine(s);
    } finally {
        await s?.stop();
    }
}

main().catch((e) => {
    console.error(`example: ${(e as Error).message}`);
    process.exit(1);
});

/**
 * End to end with the real Pulumi CLI: the staffing example (examples/staffing) against the sandbox emulators, with
 * a local file backend and an empty passphrase, exactly as a user runs it:
 *
 *   pulumi up --yes                             -> every person of roster.yaml exists in both emulators
 *   edit roster.yaml; pulumi preview --diff     -> shows the title change, the new hire and the leaver, nothing else
 *   pulumi up --yes                             -> the emulators follow the edit
 *   a change by hand in the emulator; pulumi preview --refresh --expect-no-changes  -> fails (drift)
 *   pulumi destroy --yes                        -> nobody is left
 *
 * Skipped, with a message, where `pulumi` is not on PATH (install: curl -fsSL https://get.pulumi.com | sh).
 * The CLI touches nothing outside temp directories: PULUMI_HOME and the backend live in a temp dir, so the user's
 * own `pulumi login` is left alone. Needs `npm run build` first (the example loads the package from dist/, as a
 * user's project does); `npm test` builds.
 *
 * NOTE: written on a machine where the Pulumi CLI cannot be installed, so this file type-checks but has NOT been
 * executed here. It runs in users' CI, where the CLI is present.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as YAML from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadRoster, type Person } from "../../provider/staffing";
import { startSandbox, type Sandbox } from "../emulators/sandbox";

const ROOT = path.resolve(__dirname, "../..");
const EXAMPLE = path.join(ROOT, "examples", "staffing");
const STACK = "e2e";
const COMMAND_TIMEOUT_MS = 10 * 60_000;

function pulumiOnPath(): boolean {
    const r = spawnSync("pulumi", ["version"], { stdio: "ignore" });
    return !r.error && r.status === 0;
}

const HAVE_PULUMI = pulumiOnPath();
if (!HAVE_PULUMI) {
    console.warn("pulumi CLI not on PATH: skipping e2e; install it with `curl -fsSL https://get.pulumi.com | sh`");
}

interface Run {
    status: number | null;
    stdout: string;
    stderr: string;
}

let sandbox: Sandbox;
let tmp: string;
let workDir: string;
let env: NodeJS.ProcessEnv;

/** Runs `pulumi <args>` in the copied project; throws with the output unless `allowFailure`. */
function pulumi(args: string[], opts: { allowFailure?: boolean } = {}): Run {
    const r = spawnSync("pulumi", [...args, "--non-interactive"], {
        cwd: workDir,
        env,
        encoding: "utf8",
        timeout: COMMAND_TIMEOUT_MS,
        maxBuffer: 64 * 1024 * 1024,
    });
    const run = { status: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
    if (r.error) throw new Error(`pulumi ${args.join(" ")}: ${r.error.message}`);
    if (!opts.allowFailure && run.status !== 0) {
        throw new Error(`pulumi ${args.join(" ")} exited ${run.status}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`);
    }
    return run;
}

/** A copy of examples/staffing whose node_modules links every package of this repository, plus the package itself. */
function copyExample(dest: string): void {
    fs.mkdirSync(dest, { recursive: true });
    for (const f of ["Pulumi.yaml", "index.ts", "roster.yaml", "roster.csv", "package.json", "tsconfig.json"]) {
        if (fs.existsSync(path.join(EXAMPLE, f))) fs.copyFileSync(path.join(EXAMPLE, f), path.join(dest, f));
    }
    const modules = path.join(dest, "node_modules");
    fs.mkdirSync(modules);
    // @pulumi/pulumi (and what the nodejs runtime needs to run TypeScript: typescript, ts-node, @types/node)
    // resolve to the repository's own installation, so the program and the package share one @pulumi/pulumi.
    for (const entry of fs.readdirSync(path.join(ROOT, "node_modules"))) {
        if (entry === "pulumi-telephony") continue;
        fs.symlinkSync(path.join(ROOT, "node_modules", entry), path.join(modules, entry), "dir");
    }
    // the package as `npm install` of file:../.. gives it: a link to the repository (main: dist/index.js)
    fs.symlinkSync(ROOT, path.join(modules, "pulumi-telephony"), "dir");
}

const rosterFile = () => path.join(workDir, "roster.yaml");
const people = (): Person[] => loadRoster(rosterFile()).people;

/** Ids of the seeded groups and roles by name, from the emulator's model. */
const groupId = (name: string) => [...sandbox.genesys.model.groups.values()].find((g) => g.name === name)?.id;
const roleId = (name: string) => [...sandbox.genesys.model.roles.values()].find((r) => r.name === name)?.id;

/** Everything the roster declares for one person is in the emulators. */
function expectProvisioned(p: Person): void {
    const { genesys, mediatel } = sandbox;
    if (p.genesys) {
        const user = genesys.userByEmail(p.email);
        expect(user, p.email).toMatchObject({ name: p.name, state: "active" });
        if (p.genesys.title !== undefined) expect(user!.title, `${p.email} title`).toBe(p.genesys.title);
        const granted = genesys.grantsOf(user!.id).map((g) => g.roleId);
        for (const role of p.genesys.roles ?? []) expect(granted, `${p.email} role ${role}`).toContain(roleId(role));
        for (const group of p.genesys.groups ?? []) expect(genesys.membersOf(groupId(group)!), `${p.email} group ${group}`).toContain(user!.id);
        const phones = genesys.phonesOf(user!.id);
        if (p.genesys.site && p.genesys.phone !== false) {
            expect(phones, `${p.email} phone`).toHaveLength(1);
            expect(genesys.defaultStationOf(user!.id), `${p.email} default station`).toBe(genesys.stationOf(phones[0].id)?.id);
        } else {
            expect(phones, `${p.email} phone`).toEqual([]);
        }
    } else {
        expect(genesys.userByEmail(p.email), `${p.email} has no genesys block`).toBeUndefined();
    }
    if (p.mediatel) {
        const agent = mediatel.agentByLogin(p.mediatel.login ?? p.email.split("@")[0]);
        expect(agent, `${p.email} agent`).toMatchObject({ Details: p.email, State: 1 });
        if (p.mediatel.extension) expect(mediatel.extensionByName(p.mediatel.extension), `${p.email} extension`).toBeDefined();
    }
}

/** Nothing of the person is left: the user deleted, no phone, no live agent, no extension. */
function expectGone(p: Person): void {
    const { genesys, mediatel } = sandbox;
    const user = genesys.userByEmail(p.email);
    if (user) {
        expect(user.state, `${p.email} user`).toBe("deleted");
        expect(genesys.phonesOf(user.id), `${p.email} phones`).toEqual([]);
    }
    if (p.mediatel) {
        const agent = mediatel.agentByLogin(p.mediatel.login ?? p.email.split("@")[0]);
        if (agent) expect(agent.State, `${p.email} agent`).toBe(0);
        if (p.mediatel.extension) expect(mediatel.extensionByName(p.mediatel.extension), `${p.email} extension`).toBeUndefined();
    }
}

const NEW_HIRE = {
    name: "Mariia Bondarenko",
    email: "mariia.bondarenko@example.com",
    genesys: { title: "Sales Agent", department: "Sales", roles: ["Communicate"], groups: ["Sales Team"], site: "London" },
    mediatel: { template: "AGENT_TEMPLATE_CK_01", extension: "1099" },
};

describe.skipIf(!HAVE_PULUMI)("e2e: the staffing example with the real Pulumi CLI against the sandbox", () => {
    let original: Person[];
    let edited: Person[];
    let titleChanged: Person;
    let leaver: Person;

    beforeAll(async () => {
        sandbox = await startSandbox({ genesysPort: 0, mediatelPort: 0 });
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "telephony-e2e-"));
        workDir = path.join(tmp, "staffing");
        copyExample(workDir);
        fs.mkdirSync(path.join(tmp, "backend"));
        fs.mkdirSync(path.join(tmp, "home"));
        env = {
            ...process.env,
            PULUMI_HOME: path.join(tmp, "home"),
            PULUMI_CONFIG_PASSPHRASE: "",
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_DIY_BACKEND_NO_LEGACY_WARNING: "true",
            NO_PROXY: "127.0.0.1,localhost",
            no_proxy: "127.0.0.1,localhost",
        };
        delete env.PULUMI_ACCESS_TOKEN;
        delete env.PULUMI_BACKEND_URL;
        pulumi(["login", `file://${path.join(tmp, "backend")}`]);
        pulumi(["stack", "init", STACK, "--secrets-provider", "passphrase"]);
        // the sandbox's config, on the ports it got; the credentials as secrets, as a real stack keeps them
        for (const [key, value] of Object.entries(sandbox.config)) {
            const secret = key === "telephony:genesysClientSecret" || key === "telephony:mediatelToken";
            pulumi(["config", "set", ...(secret ? ["--secret"] : []), key, value]);
        }
        original = people();
    }, COMMAND_TIMEOUT_MS);

    afterAll(async () => {
        if (workDir && fs.existsSync(workDir)) pulumi(["stack", "rm", STACK, "--yes", "--force"], { allowFailure: true });
        await sandbox?.stop();
        if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    }, COMMAND_TIMEOUT_MS);

    it("pulumi up provisions every person of the roster in both emulators", () => {
        pulumi(["up", "--yes", "--stack", STACK]);
        expect(original.length).toBeGreaterThan(2);
        for (const p of original) expectProvisioned(p);
        // the stored config keeps the credentials encrypted
        const stackConfig = fs.readFileSync(path.join(workDir, `Pulumi.${STACK}.yaml`), "utf8");
        expect(stackConfig).not.toContain(sandbox.config["telephony:genesysClientSecret"]);
    }, COMMAND_TIMEOUT_MS);

    it("a roster edit (a title change, a new hire, a leaver) shows in pulumi preview --diff, and nothing else", () => {
        const doc = YAML.parse(fs.readFileSync(rosterFile(), "utf8")) as { people: Record<string, any>[] };
        const withGenesys = doc.people.filter((p) => p.genesys?.title);
        const changed = withGenesys[0];
        const leaving = withGenesys[withGenesys.length - 1];
        expect(changed.email).not.toBe(leaving.email);
        changed.genesys.title = `Senior ${changed.genesys.title}`;
        doc.people = doc.people.filter((p) => p.email !== leaving.email);
        doc.people.push(NEW_HIRE);
        fs.writeFileSync(rosterFile(), YAML.stringify(doc));
        edited = people();
        titleChanged = edited.find((p) => p.email === changed.email)!;
        leaver = original.find((p) => p.email === leaving.email)!;

        const preview = pulumi(["preview", "--diff", "--stack", STACK]).stdout;
        expect(preview).toContain(NEW_HIRE.email);
        expect(preview).toContain(leaver.email);
        expect(preview).toContain(titleChanged.genesys!.title!);

        // the same preview as data: exactly the expected steps
        const json = JSON.parse(pulumi(["preview", "--json", "--stack", STACK]).stdout) as { steps: { op: string; urn: string }[] };
        const name = (urn: string) => urn.split("::").pop()!;
        const changes = json.steps
            .filter((s) => s.op !== "same" && !s.urn.includes("pulumi:pulumi:Stack"))
            .map((s) => `${s.op} ${name(s.urn)}`);
        expect(changes).toContain(`update ${titleChanged.email}/user`);
        expect(changes.filter((c) => c.startsWith("update "))).toEqual([`update ${titleChanged.email}/user`]);
        expect(changes.filter((c) => c.startsWith("create ")).every((c) => c.includes(NEW_HIRE.email))).toBe(true);
        expect(changes).toContain(`create ${NEW_HIRE.email}/user`);
        expect(changes.filter((c) => c.startsWith("delete ")).every((c) => c.includes(leaver.email))).toBe(true);
        expect(changes).toContain(`delete ${leaver.email}/user`);
        expect(changes.some((c) => /^(replace|create-replacement|delete-replaced) /.test(c))).toBe(false);
    }, COMMAND_TIMEOUT_MS);

    it("pulumi up applies the edit", () => {
        pulumi(["up", "--yes", "--stack", STACK]);
        for (const p of edited) expectProvisioned(p);
        expectGone(leaver);
        expect(sandbox.genesys.userByEmail(titleChanged.email)!.title).toBe(titleChanged.genesys!.title);
    }, COMMAND_TIMEOUT_MS);

    it("an unchanged stack previews clean, and a change by hand fails preview --refresh --expect-no-changes", () => {
        pulumi(["preview", "--refresh", "--expect-no-changes", "--stack", STACK]);

        const user = sandbox.genesys.userByEmail(titleChanged.email)!;
        sandbox.genesys.adminEditUser(user.id, { title: "Changed by hand" });
        const drift = pulumi(["preview", "--refresh", "--expect-no-changes", "--diff", "--stack", STACK], { allowFailure: true });
        expect(drift.status).not.toBe(0);
        expect(drift.stdout + drift.stderr).toContain("Changed by hand");
    }, COMMAND_TIMEOUT_MS);

    it("pulumi destroy removes everyone", () => {
        pulumi(["destroy", "--yes", "--stack", STACK]);
        for (const p of edited) expectGone(p);
        for (const p of edited.filter((x) => x.genesys)) expect(sandbox.genesys.userByEmail(p.email)!.state).toBe("deleted");
    }, COMMAND_TIMEOUT_MS);
});

/**
 * `npm run bench`, Genesys Cloud part: what the provider costs in API calls and time, measured through the real
 * dynamic-provider gRPC server (test/protocol/harness.ts, the provider serialised from dist/) against the Genesys
 * emulator. Counts come from the emulator's request log, never from the provider's own word.
 *
 * 1. One person (User + UserRoles "Communicate" + GroupMembership + WebRtcPhone + DefaultStation): the requests of
 *    create, an unchanged preview (check + diff of all five), refresh (read of all five) and delete, each in its own
 *    provider process as each `pulumi` command gets one, so name lookups start cold and each logs in once.
 * 2. BENCH_PEOPLE people (default 50), 16 at a time, in one provider process (one `pulumi up`), against the realistic
 *    300 requests/min per token and a 1.5 s station index lag: wall time beside the floor the limit allows.
 */
import { GenesysEmulator, SEED } from "../test/emulators/genesys";
import { LoggedRequest } from "../test/emulators/http";
import { ProviderProcess, secret, startProvider } from "../test/protocol/harness";

type Props = Record<string, any>;

const KIND = {
    user: "genesys:User",
    roles: "genesys:UserRoles",
    member: "genesys:GroupMembership",
    phone: "genesys:WebRtcPhone",
    station: "genesys:DefaultStation",
} as const;

interface Created {
    kind: string;
    id: string;
    inputs: Props;
    outs: Props;
}

const configFor = (emu: GenesysEmulator) => ({
    "telephony:genesysApiUrl": emu.url,
    "telephony:genesysClientId": SEED.client.id,
    "telephony:genesysClientSecret": secret(SEED.client.secret),
});

const strip = ({ __provider, ...rest }: Props) => rest;
const isLogin = (r: LoggedRequest) => r.path.startsWith("/oauth/");
const isRead = (emu: GenesysEmulator, r: LoggedRequest) =>
    !isLogin(r) && (r.method === "GET" || r.method === "HEAD" || !!emu.spec.isReadOnly?.(r.method, r.path));

/** Reads, writes and logins among the log entries after `from` (a log length). */
function count(emu: GenesysEmulator, from: number) {
    const entries = emu.log.slice(from);
    const logins = entries.filter(isLogin).length;
    const reads = entries.filter((r) => isRead(emu, r)).length;
    return { reads, writes: entries.length - logins - reads, logins, total: entries.length, entries };
}

/** check, then create with the checked inputs, as the engine does in `pulumi up`. */
async function checkAndCreate(p: ProviderProcess, kind: string, inputs: Props): Promise<Created> {
    const checked = await p.check(kind, {}, inputs);
    if (checked.failures.length) throw new Error(`${kind}: check failed: ${JSON.stringify(checked.failures)}`);
    const inputsChecked = strip(checked.inputs);
    const { id, outs } = await p.create(kind, inputsChecked);
    return { kind, id, inputs: inputsChecked, outs: strip(outs) };
}

const pad = (s: string | number, n: number) => String(s).padEnd(n);
const lpad = (s: string | number, n: number) => String(s).padStart(n);
const table = (header: string[], rows: (string | number)[][], widths: number[]) => {
    // text left, numbers right; a header cell aligns as its column's first value does
    const numeric = widths.map((_, i) => typeof rows[0]?.[i] === "number");
    const line = (cells: (string | number)[]) => cells.map((c, i) => (numeric[i] ? lpad(c, widths[i]) : pad(c, widths[i]))).join("  ").trimEnd();
    return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)];
};

function describePaths(entries: LoggedRequest[]): string {
    const byRoute = new Map<string, number>();
    for (const r of entries) {
        const route = `${r.method} ${r.path.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, ":id")}`;
        byRoute.set(route, (byRoute.get(route) ?? 0) + 1);
    }
    return [...byRoute].map(([route, n]) => (n > 1 ? `${n}x ${route}` : route)).join(", ");
}

/* ------------------------------------------------------------------------------------------------------------------ */
/* 1. API calls per operation for one person                                                                          */
/* ------------------------------------------------------------------------------------------------------------------ */

async function onePerson(lines: string[], verbose: boolean): Promise<void> {
    const emu = new GenesysEmulator({ stationIndexLagMs: 1500, rateLimitPerMinute: 300 });
    await emu.start();
    const rows: (string | number)[][] = [];
    const details: string[] = [];
    const totals: Record<string, { reads: number; writes: number; logins: number; ms: number }> = {};
    const measure = async <T>(op: string, label: string, fn: () => Promise<T>): Promise<T> => {
        const from = emu.log.length;
        const started = Date.now();
        const result = await fn();
        const ms = Date.now() - started;
        const c = count(emu, from);
        rows.push([`${op}`, label, c.reads, c.writes, c.reads + c.writes, c.logins]);
        const t = (totals[op] ??= { reads: 0, writes: 0, logins: 0, ms: 0 });
        t.reads += c.reads;
        t.writes += c.writes;
        t.logins += c.logins;
        t.ms += ms;
        if (verbose) details.push(`  ${op} ${label}: ${describePaths(c.entries) || "(none)"}`);
        return result;
    };
    /** Each command is its own provider process, as each `pulumi` run is. */
    const withProcess = async <T>(fn: (p: ProviderProcess) => Promise<T>): Promise<T> => {
        const p = await startProvider(configFor(emu));
        try {
            return await fn(p);
        } finally {
            await p.stop();
        }
    };

    try {
        const person = { name: "Bench Person", email: "bench.person@example.com", title: "Agent", department: "Sales" };
        // create, in dependency order (the engine would run roles, membership and phone side by side; sequential
        // here so that each resource's requests are its own; the name caches are per process either way)
        const created = await withProcess(async (p) => {
            const user = await measure("create", "User", () => checkAndCreate(p, KIND.user, person));
            const roles = await measure("create", "UserRoles", () => checkAndCreate(p, KIND.roles, { userId: user.id, roles: [{ role: "Communicate" }] }));
            const member = await measure("create", "GroupMembership", () => checkAndCreate(p, KIND.member, { group: "Sales Team", userId: user.id }));
            const phone = await measure("create", "WebRtcPhone", () => checkAndCreate(p, KIND.phone, { userId: user.id, site: "London" }));
            const station = await measure("create", "DefaultStation", () => checkAndCreate(p, KIND.station, { userId: user.id, phoneId: phone.id }));
            return [user, roles, member, phone, station];
        });

        // unchanged preview: Check(old inputs, same inputs) then Diff(old outputs, checked inputs), no read
        await withProcess(async (p) => {
            for (const r of created) {
                await measure("preview", r.kind.split(":")[1], async () => {
                    const checked = await p.check(r.kind, r.inputs, r.inputs);
                    const d = await p.diff(r.kind, r.id, r.outs, strip(checked.inputs));
                    if (d.changes !== "none") throw new Error(`${r.kind}: unchanged preview reports changes: ${JSON.stringify(d)}`);
                });
            }
        });

        // refresh: Read of every resource in state
        await withProcess(async (p) => {
            for (const r of created) {
                await measure("refresh", r.kind.split(":")[1], async () => {
                    const read = await p.read(r.kind, r.id, r.outs);
                    if (read.id !== r.id) throw new Error(`${r.kind}: refresh lost the resource`);
                });
            }
        });

        // delete, dependants first
        await withProcess(async (p) => {
            for (const r of [...created].reverse()) {
                await measure("delete", r.kind.split(":")[1], () => p.delete(r.kind, r.id, r.outs));
            }
        });
        if (emu.user(created[0].id)?.state !== "deleted" || emu.phonesOf(created[0].id).length) throw new Error("delete did not leave the person deleted");
    } finally {
        await emu.stop();
    }

    lines.push("Genesys Cloud: API requests per operation for one person (User, UserRoles Communicate, GroupMembership,");
    lines.push("WebRtcPhone, DefaultStation), through the real dynamic-provider server, one provider process per command,");
    lines.push("station index lag 1.5 s. Reads = GET and POST /users/search; logins = POST /oauth/token (not rate limited).");
    lines.push("create includes each resource's Check (name lookups); preview = Check + Diff of all five, as `pulumi preview`.");
    lines.push("");
    const withTotals: (string | number)[][] = [];
    for (const op of ["create", "preview", "refresh", "delete"]) {
        withTotals.push(...rows.filter((r) => r[0] === op));
        const t = totals[op];
        withTotals.push([op, `= total (${(t.ms / 1000).toFixed(1)} s)`, t.reads, t.writes, t.reads + t.writes, t.logins]);
        withTotals.push(["", "", "", "", "", ""]);
    }
    withTotals.pop();
    lines.push(...table(["operation", "resource", "reads", "writes", "API calls", "logins"], withTotals, [10, 22, 6, 6, 9, 6]));
    if (verbose) lines.push("", "Requests (BENCH_VERBOSE):", ...details);
}

/* ------------------------------------------------------------------------------------------------------------------ */
/* 2. Many people at once against the 300/min limit                                                                   */
/* ------------------------------------------------------------------------------------------------------------------ */

const GROUPS = ["Sales Team", "Support Team", "Night Shift"];
const SITES = ["London", "Kyiv"];

const emailOf = (i: number) => `bench.agent${String(i + 1).padStart(3, "0")}@example.com`;

/** One person's five resources in the order the engine's dependency graph allows. */
async function provisionPerson(p: ProviderProcess, i: number): Promise<void> {
    const user = await checkAndCreate(p, KIND.user, { name: `Bench Agent ${String(i + 1).padStart(3, "0")}`, email: emailOf(i), title: "Agent" });
    const [roles, , phone] = await Promise.all([
        checkAndCreate(p, KIND.roles, { userId: user.id, roles: [{ role: "Communicate" }] }),
        checkAndCreate(p, KIND.member, { group: GROUPS[i % GROUPS.length], userId: user.id }),
        checkAndCreate(p, KIND.phone, { userId: user.id, site: SITES[i % SITES.length] }),
    ]);
    void roles; // DefaultStation depends on the role grant (call permission) and the phone
    await checkAndCreate(p, KIND.station, { userId: user.id, phoneId: phone.id });
}

async function manyPeople(lines: string[], people: number, parallel: number, progress: (s: string) => void): Promise<void> {
    const perMinute = 300;
    const emu = new GenesysEmulator({ stationIndexLagMs: 1500, rateLimitPerMinute: perMinute });
    await emu.start();
    const p = await startProvider(configFor(emu));
    let done = 0;
    let failed = 0;
    const errors: string[] = [];
    const started = Date.now();
    const elapsed = () => ((Date.now() - started) / 1000).toFixed(0).padStart(4) + " s";
    const ticker = setInterval(() => {
        const c = count(emu, 0);
        const throttled = emu.log.filter((r) => r.status === 429).length;
        progress(`  ${elapsed()}: ${done}/${people} people done, ${c.reads + c.writes} API requests, ${throttled} x 429`);
    }, 15_000);
    try {
        let next = 0;
        const worker = async () => {
            while (next < people) {
                const i = next++;
                try {
                    await provisionPerson(p, i);
                } catch (e) {
                    failed++;
                    errors.push(`person ${i + 1}: ${(e as Error).message.split("\n")[0]}`);
                }
                done++;
                if (done % 10 === 0 || done === people) progress(`  ${elapsed()}: ${done}/${people} people done`);
            }
        };
        await Promise.all(Array.from({ length: Math.min(parallel, people) }, worker));
    } finally {
        clearInterval(ticker);
        await p.stop();
        await emu.stop();
    }
    const wallMs = Date.now() - started;

    const c = count(emu, 0);
    const api = c.reads + c.writes;
    const throttled = emu.log.filter((r) => r.status === 429).length;
    const otherErrors = emu.log.filter((r) => r.status >= 400 && r.status !== 429);
    const floorMs = (api / perMinute) * 60_000;
    // the server counts a sliding minute: `perMinute` may go at once, the next `perMinute` a minute later, ... so the
    // earliest moment the last request can be sent is whole minutes after the start
    const windowFloorMs = Math.floor((api - 1) / perMinute) * 60_000;
    const stationsComplete = Array.from({ length: people }, (_, i) => emu.userByEmail(emailOf(i))).filter((u) => u && emu.defaultStationOf(u.id)).length;

    lines.push(`Genesys Cloud: ${people} people created, ${parallel} at a time, in one provider process (one \`pulumi up\`),`);
    lines.push(`against ${perMinute} requests/min per token and a 1.5 s station index lag.`);
    lines.push("");
    lines.push(...table(
        ["measure", "value"],
        [
            ["wall time", `${(wallMs / 1000).toFixed(1)} s`],
            ["API requests", `${api} (${c.reads} reads, ${c.writes} writes; ${(api / people).toFixed(1)} per person)`],
            ["logins", c.logins],
            ["429s received", throttled],
            ["other 4xx/5xx", otherErrors.length ? `${otherErrors.length} (${describePaths(otherErrors)})` : 0],
            ["floor at the limit", `${(floorMs / 1000).toFixed(1)} s (${api} requests / ${perMinute} per min)`],
            ["wall / floor", (wallMs / floorMs).toFixed(2)],
            ["sliding-window floor", `${(windowFloorMs / 1000).toFixed(1)} s (earliest last request: ${perMinute} per minute in bursts)`],
            ["wall / sliding-window floor", windowFloorMs ? (wallMs / windowFloorMs).toFixed(2) : "n/a (under one minute's budget)"],
            ["default stations set", `${stationsComplete}/${people}`],
            ["people failed", failed],
        ],
        [27, 60],
    ));
    if (errors.length) lines.push("", "Failures:", ...errors.slice(0, 10).map((e) => `  ${e}`));
}

export async function benchGenesys(): Promise<string[]> {
    const lines: string[] = [];
    const people = Number(process.env.BENCH_PEOPLE ?? 50);
    if (!Number.isInteger(people) || people < 1) throw new Error(`BENCH_PEOPLE must be a positive integer, got "${process.env.BENCH_PEOPLE}"`);
    const progress = (s: string) => process.stderr.write(s + "\n");

    progress("genesys: one person, API calls per operation ...");
    await onePerson(lines, !!process.env.BENCH_VERBOSE);
    lines.push("");
    progress(`genesys: ${people} people, 16 at a time, at 300 requests/min (takes minutes at 50; BENCH_PEOPLE=10 for a quick run) ...`);
    await manyPeople(lines, people, 16, progress);
    return lines;
}

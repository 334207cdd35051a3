/**
 * `npm run bench` (= `npm run build && tsx bench/index.ts`): API calls and time per operation, measured against the
 * emulators through the real dynamic-provider server. Each system's bench returns printable lines; progress goes
 * to stderr. BENCH_PEOPLE (default 50) sets the size of the Genesys throughput run; BENCH_VERBOSE=1 lists requests.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { benchGenesys } from "./genesys";

type Bench = () => Promise<string[]>;

async function main(): Promise<void> {
    const benches: [string, Bench][] = [["genesys", benchGenesys]];
    // optional systems, present once their bench exists
    const mediatel = path.join(__dirname, "mediatel.ts");
    if (fs.existsSync(mediatel)) {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const mod = require(mediatel) as { benchMediatel?: Bench };
        if (typeof mod.benchMediatel === "function") benches.push(["mediatel", mod.benchMediatel]);
    }
    for (const [name, run] of benches) {
        const started = Date.now();
        const lines = await run();
        console.log(`\n=== ${name} (${((Date.now() - started) / 1000).toFixed(0)} s) ===\n`);
        for (const line of lines) console.log(line);
    }
}

main().then(
    () => process.exit(0),
    (e) => {
        console.error(`bench failed: ${(e as Error).stack ?? e}`);
        process.exit(1);
    },
);

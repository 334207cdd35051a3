/**
 * `npm run sandbox`: both remote systems on fixed loopback ports, seeded, as realistic as the tests make them
 * (Genesys indexes stations 1.5 s late and allows 300 requests a minute per token). The examples' sandbox stacks
 * point here. Ctrl-C stops it; state lives in memory only.
 */
import { GenesysEmulator, SEED as GENESYS } from "./genesys";
import { MediatelEmulator, SANDBOX_TOKEN } from "./mediatel";

export const SANDBOX = {
    genesysPort: Number(process.env.SANDBOX_GENESYS_PORT ?? 18610),
    mediatelPort: Number(process.env.SANDBOX_MEDIATEL_PORT ?? 18611),
};

export interface Sandbox {
    genesys: GenesysEmulator;
    mediatel: MediatelEmulator;
    /** The stack config that points at this sandbox. */
    config: Record<string, string>;
    stop(): Promise<void>;
}

export async function startSandbox(ports = SANDBOX): Promise<Sandbox> {
    const genesys = new GenesysEmulator({ stationIndexLagMs: 1500, rateLimitPerMinute: 300 });
    const mediatel = new MediatelEmulator();
    await genesys.start(ports.genesysPort);
    await mediatel.start(ports.mediatelPort);
    return {
        genesys,
        mediatel,
        config: {
            "telephony:genesysApiUrl": genesys.url,
            "telephony:genesysClientId": GENESYS.client.id,
            "telephony:genesysClientSecret": GENESYS.client.secret,
            "telephony:mediatelUrl": mediatel.baseUrl,
            "telephony:mediatelToken": SANDBOX_TOKEN,
        },
        async stop() {
            await Promise.all([genesys.stop(), mediatel.stop()]);
        },
    };
}

if (require.main === module) {
    startSandbox()
        .then((s) => {
            const secretKeys = new Set(["telephony:genesysClientSecret", "telephony:mediatelToken"]);
            console.log(`Genesys Cloud sandbox on ${s.genesys.url}   (stations indexed 1.5 s late, 300 requests/min per token)`);
            console.log(`Mediatel sandbox on      ${s.mediatel.baseUrl}`);
            console.log(`\nThe examples' sandbox stacks (Pulumi.sandbox.yaml) already point here. For another stack:\n`);
            for (const [k, v] of Object.entries(s.config)) console.log(`  pulumi config set ${secretKeys.has(k) ? "--secret " : ""}${k} ${v}`);
            console.log(`\nInspect or steer it: GET ${s.genesys.url}/__emulator/state, GET ${s.mediatel.url}/__emulator/log (see test/emulators/*/README.md).`);
            console.log("Ctrl-C stops it; everything lives in memory.");
            const stop = () => void s.stop().then(() => process.exit(0));
            process.on("SIGINT", stop);
            process.on("SIGTERM", stop);
        })
        .catch((e) => {
            console.error(`sandbox: ${(e as Error).message}${(e as NodeJS.ErrnoException).code === "EADDRINUSE" ? " (is a sandbox already running?)" : ""}`);
            process.exit(1);
        });
}

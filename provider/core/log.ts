import { redact } from "./config";

/**
 * Provider-process logging. The dynamic-provider host passes stderr through to the Pulumi CLI, so keep it quiet by
 * default and always scrubbed of secrets. TELEPHONY_LOG=debug shows retries and waits.
 */
const level = () => (process.env.TELEPHONY_LOG ?? "warn").toLowerCase();

export const log = {
    debug(message: string) {
        if (level() === "debug") process.stderr.write(`[pulumi-telephony] ${redact(message)}\n`);
    },
    warn(message: string) {
        if (level() !== "silent") process.stderr.write(`[pulumi-telephony] warning: ${redact(message)}\n`);
    },
};

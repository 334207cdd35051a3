import { ConfigError } from "./errors";

/** Every setting the package reads: stack config key (wins) and environment fallback. */
export const SETTINGS = {
    genesysClientId: { key: "telephony:genesysClientId", env: "GENESYSCLOUD_OAUTHCLIENT_ID" },
    genesysClientSecret: { key: "telephony:genesysClientSecret", env: "GENESYSCLOUD_OAUTHCLIENT_SECRET", secret: true },
    genesysRegion: { key: "telephony:genesysRegion", env: "GENESYSCLOUD_REGION" },
    genesysApiUrl: { key: "telephony:genesysApiUrl", env: "GENESYSCLOUD_API_URL" },
    genesysRequestsPerMinute: { key: "telephony:genesysRequestsPerMinute", env: "GENESYSCLOUD_REQUESTS_PER_MINUTE" },
    genesysStationTimeoutSeconds: {
        key: "telephony:genesysStationTimeoutSeconds",
        env: "GENESYSCLOUD_STATION_TIMEOUT_SECONDS",
    },
    mediatelUrl: { key: "telephony:mediatelUrl", env: "MEDIATEL_URL" },
    mediatelToken: { key: "telephony:mediatelToken", env: "MEDIATEL_TOKEN", secret: true },
    mediatelRequestsPerMinute: { key: "telephony:mediatelRequestsPerMinute", env: "MEDIATEL_REQUESTS_PER_MINUTE" },
} as const satisfies Record<string, { key: string; env: string; secret?: boolean }>;

export type SettingName = keyof typeof SETTINGS;

/** Values from the stack config, copied synchronously by `configure` (never serialised into state). */
let stackConfig: Partial<Record<SettingName, string>> = {};

/** Called from the provider's `configure`: copy strings only, no awaits (the SDK does not await it for concurrent calls). */
export function configureFrom(get: (key: string) => string | undefined): void {
    const next: Partial<Record<SettingName, string>> = {};
    for (const [name, s] of Object.entries(SETTINGS) as [SettingName, (typeof SETTINGS)[SettingName]][]) {
        const value = get(s.key);
        if (value !== undefined && value !== "") next[name] = value;
    }
    stackConfig = next;
}

/** For tests: forget what `configure` copied. */
export function resetConfig(): void {
    stackConfig = {};
}

export function setting(name: SettingName): string | undefined {
    const fromEnv = process.env[SETTINGS[name].env];
    return stackConfig[name] ?? (fromEnv === "" ? undefined : fromEnv);
}

export function requireSetting(name: SettingName, purpose: string): string {
    const value = setting(name);
    if (value === undefined) {
        const s = SETTINGS[name];
        const how = "secret" in s ? `pulumi config set --secret ${s.key} <value>` : `pulumi config set ${s.key} <value>`;
        throw new ConfigError(`${purpose} needs ${s.key} (stack config) or ${s.env} (environment); set it with \`${how}\``);
    }
    return value;
}

export function numberSetting(name: SettingName, fallback: number): number {
    const raw = setting(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0) {
        throw new ConfigError(`${SETTINGS[name].key} (or ${SETTINGS[name].env}) must be a positive number, got "${raw}"`);
    }
    return n;
}

/** Secret setting values currently in effect, so error text and logs can be scrubbed of them. */
export function secretValues(): string[] {
    return (Object.keys(SETTINGS) as SettingName[])
        .filter((n) => "secret" in SETTINGS[n])
        .map((n) => setting(n))
        .filter((v): v is string => !!v && v.length >= 4);
}

/** Replaces every secret value in `text` with [secret]. */
export function redact(text: string): string {
    let out = text;
    for (const s of secretValues()) out = out.split(s).join("[secret]");
    return out;
}

/**
 * Base URLs may be plain http only for loopback hosts (the sandbox, tests); anything else must be https so that
 * credentials never cross a network in clear text.
 */
export function checkBaseUrl(raw: string, settingName: SettingName): URL {
    const s = SETTINGS[settingName];
    let url: URL;
    try {
        url = new URL(raw);
    } catch {
        throw new ConfigError(`${s.key} (or ${s.env}) is not a URL: "${raw}"`);
    }
    const loopback = ["127.0.0.1", "localhost", "[::1]", "::1"].includes(url.hostname);
    if (url.protocol === "http:" && !loopback) {
        throw new ConfigError(`${s.key} (or ${s.env}) must use https:// (plain http is allowed only for loopback hosts): "${raw}"`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
        throw new ConfigError(`${s.key} (or ${s.env}) must be an http(s) URL: "${raw}"`);
    }
    return url;
}

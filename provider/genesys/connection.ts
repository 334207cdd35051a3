import platformClient from "purecloud-platform-client-v2";
import { checkBaseUrl, numberSetting, requireSetting, setting } from "../core/config";
import { ApiError, ConfigError } from "../core/errors";
import { Caller, createCaller, networkCode, parseRetryAfter, RequestInfo } from "../core/http";
import { limiterFor } from "../core/rate-limit";
import { surelyNotSent } from "../core/retry";

/**
 * One authenticated connection to one Genesys Cloud org: its own SDK ApiClient (never the module singleton), an
 * installed HTTP client that runs every request — the OAuth login too — through the org's shared rate limiter and
 * retry policy, maps failures to ApiError with status, code, Retry-After and correlation id (the SDK alone drops
 * the headers and rejects with bare bodies), and keeps a client-credentials token that it renews before expiry
 * and after a 401 (the SDK never renews one).
 */
export interface GenesysConnection {
    client: platformClient.ApiClientClass;
    /** For tests and logs: where requests go. */
    baseUrl: string;
}

const DEFAULT_REGION = "mypurecloud.com";
/** POSTs that read (search) or set an exact state (bulk grant replace/remove): sending one twice does no harm. */
const SAFE_TO_RESEND = /\/users\/search$|\/authorization\/subjects\/[^/]+\/bulk(replace|remove)$/;
const TIMEOUT_MS = 30_000;

interface Token {
    value: string;
    renewAt: number;
}

export function mapGenesysError(e: unknown, req: RequestInfo): ApiError {
    const res = (e as { response?: { status: number; data?: any; headers?: Record<string, unknown> } })?.response;
    if (!res) {
        const network = networkCode(e) ?? "ERR_NETWORK";
        return new ApiError({ system: "Genesys Cloud", ...req, network, ambiguous: !surelyNotSent(network) });
    }
    const body = res.data && typeof res.data === "object" ? res.data : undefined;
    return new ApiError({
        system: "Genesys Cloud",
        ...req,
        status: res.status,
        code: body?.code ?? body?.error,
        detail: body?.message ?? body?.error_description ?? (typeof res.data === "string" ? res.data.slice(0, 200) : undefined),
        retryAfterMs: parseRetryAfter(res.headers?.["retry-after"]),
        correlationId: (res.headers?.["inin-correlation-id"] as string | undefined) ?? body?.contextId,
    });
}

export function connectGenesys(): GenesysConnection {
    const clientId = requireSetting("genesysClientId", "Genesys Cloud resources");
    const clientSecret = requireSetting("genesysClientSecret", "Genesys Cloud resources");
    const apiUrl = setting("genesysApiUrl");
    const region = setting("genesysRegion") ?? DEFAULT_REGION;
    const perMinute = numberSetting("genesysRequestsPerMinute", 300);

    const client = new platformClient.ApiClientClass();
    // stop reading and live-reloading ~/.genesyscloudjavascript/config, which would reset the gateway
    client.config.setConfigPath("");
    let baseUrl: string;
    if (apiUrl) {
        const url = checkBaseUrl(apiUrl, "genesysApiUrl");
        const prefix = url.pathname.replace(/\/+$/, "") || undefined;
        client.setGateway({
            host: url.hostname,
            protocol: url.protocol.replace(":", ""),
            port: url.port ? Number(url.port) : undefined,
            path_params_login: prefix,
            path_params_api: prefix,
        } as any);
        baseUrl = url.origin + (prefix ?? "");
    } else {
        client.setEnvironment(region);
        baseUrl = `https://api.${region}`;
    }

    // the rate limit is per OAuth client, so the limiter is shared by everything using the same client id
    const call = createCaller({ system: "Genesys Cloud", limiter: limiterFor(`genesys:${baseUrl}:${clientId}`, perMinute), mapError: mapGenesysError });
    // logins go to the OAuth service, which is not counted against the API limit: their own budget, so a re-login
    // never queues behind API calls that are waiting for its token
    const loginCall = createCaller({ system: "Genesys Cloud", limiter: limiterFor(`genesys-login:${baseUrl}:${clientId}`, 60), mapError: mapGenesysError });

    let token: Token | undefined;
    let login: Promise<Token> | undefined;
    const fresh = async (): Promise<string> => {
        if (token && Date.now() < token.renewAt) return token.value;
        login ??= (async () => {
            const auth = (await client.loginClientCredentialsGrant(clientId, clientSecret).catch((e: unknown) => {
                if (e instanceof ApiError && (e.status === 400 || e.status === 401)) {
                    throw new ConfigError(
                        `Genesys Cloud rejected the OAuth client (telephony:genesysClientId / telephony:genesysClientSecret, ` +
                            `or GENESYSCLOUD_OAUTHCLIENT_ID / GENESYSCLOUD_OAUTHCLIENT_SECRET): ${e.status} ${e.code ?? ""}`.trim(),
                    );
                }
                throw e;
            })) as { accessToken: string; tokenExpiryTime: number };
            const now = Date.now();
            const expiresAt = Number.isFinite(auth.tokenExpiryTime) ? auth.tokenExpiryTime : now + 3600_000;
            // renew a little before expiry: a long `pulumi up` must not fail half-way with 401
            const renewAt = expiresAt - Math.min(5 * 60_000, (expiresAt - now) * 0.1);
            return (token = { value: auth.accessToken, renewAt });
        })().finally(() => (login = undefined));
        return (await login).value;
    };

    client.setHttpClient(new GenesysHttpClient(call, loginCall, fresh, (stale) => {
        if (token?.value === stale) token = undefined;
    }));
    return { client, baseUrl };
}

class GenesysHttpClient extends platformClient.DefaultHttpClient {
    constructor(
        private readonly call: Caller,
        private readonly loginCall: Caller,
        private readonly token: () => Promise<string>,
        private readonly expire: (token: string) => void,
    ) {
        super(TIMEOUT_MS);
    }

    override async request(req: any): Promise<any> {
        const info: RequestInfo = { method: String(req.method).toUpperCase(), path: pathOf(req.url) };
        const send = () => super.request(req);
        if (info.path.endsWith("/oauth/token")) return this.loginCall(info, send, true);
        // Log in (or renew) before taking an API permit, so that no request holds a permit while it waits for a token.
        await this.token();
        const authorised = async () => {
            const bearer = await this.token();
            req.headers = { ...req.headers, Authorization: `Bearer ${bearer}` };
            try {
                return await send();
            } catch (e) {
                if ((e as { response?: { status?: number } })?.response?.status !== 401) throw e;
                // expired or revoked early: log in again once, then resend
                this.expire(bearer);
                req.headers = { ...req.headers, Authorization: `Bearer ${await this.token()}` };
                return await send();
            }
        };
        return this.call(info, authorised, SAFE_TO_RESEND.test(info.path) || undefined);
    }
}

function pathOf(url: string): string {
    try {
        return new URL(url).pathname;
    } catch {
        return url;
    }
}

/**
 * The Mediatel client facade: the only place that talks HTTP to Mediatel (axios). Resource hooks receive the
 * `MediatelApi` interface, so unit tests hand them `mock<MediatelApi>()`.
 *
 * The contract (research/other-apis.md §3.6): base URL including `/v1`, auth by the cookie `VouchCookie=<token>`
 * checked by a gateway in front of the service (which answers a bare 403 page, not the API envelope), every answer an
 * envelope `{"error":{"code":<http>, "detail"?:100..106, "message"?}, "result":[...]}` where a code other than 200 is
 * a failure whatever the HTTP status said.
 *
 * Shared per process and per (URL, token): the rate limiter, retries (core/http), a short-lived agent list for
 * template lookups, reads batched into one list call, and extension creates/deletes batched into
 * `PATCH /extensions` (all-or-nothing on the server; a failed batch falls back to one call per item so that every
 * resource gets its own precise answer).
 */
import axios, { AxiosInstance } from "axios";
import DataLoader from "dataloader";
import { createHash } from "node:crypto";
import { batcher } from "../core/batch";
import { checkBaseUrl, numberSetting, requireSetting } from "../core/config";
import { ApiError, ApiErrorDetails, isApiError } from "../core/errors";
import { Caller, createCaller, networkCode, parseRetryAfter, RequestInfo } from "../core/http";
import { log } from "../core/log";
import { memoize } from "../core/memo";
import { limiterFor } from "../core/rate-limit";
import { surelyNotSent } from "../core/retry";

// ---------------------------------------------------------------- wire types

export interface MediatelAutoAnswer {
    Predictive?: number;
    Other?: number;
    Time?: number;
    Inbound?: number;
    Manual?: number;
    [key: string]: unknown;
}

export interface MediatelClientApp {
    ShowTreeCC?: number;
    ShowValidCB?: number;
    ShowFullTreeCC?: number;
    AutoAnswer?: MediatelAutoAnswer;
    ShowPopupPause?: number;
    StartURL?: string;
    TimeWarning?: number;
    TimeForDialOut?: number;
    AddNrInClipboard?: number;
    ClericalReminder?: number;
    ResetVoiceChannel?: number;
    RingFileID?: number;
    [key: string]: unknown;
}

/** An agent as the API shows it. Fields the provider does not know are kept (and copied from templates). */
export interface MediatelAgent {
    ID: number;
    Login: string;
    /** On read: the first 16 hex digits of MD5(password). On write: the plain password. */
    Password: string;
    Details: string;
    RightID: number;
    Domain: string;
    SupervisorID: number;
    SupervisorRightID: number;
    /** 1 active, 0 logically deleted (still holds its login). */
    State: number;
    DefaultSkill: number;
    PersNumbers: string[];
    ClientApp: MediatelClientApp;
    [key: string]: unknown;
}

export interface MediatelExtension {
    E_ID: number;
    E_Extension: string;
    Protocol: string;
    E_Type: number;
    E_Description: string;
    E_DialOutIdentities: string;
    ContactDisplay: string;
    DestAddress: string;
    Destination: string;
    Codecs: string[];
    ConnectionType: string;
    DTMFSupport: string[];
    FromDisplay: string;
    Payload: string;
    [key: string]: unknown;
}

export type NewExtension = Partial<Omit<MediatelExtension, "E_ID">> & { E_Extension: string; E_Type: number };
export type ExtensionChanges = Partial<Omit<MediatelExtension, "E_ID">>;
export type AgentChanges = Partial<Omit<MediatelAgent, "ID">>;

// ---------------------------------------------------------------- the facade

export interface MediatelApi {
    /**
     * Every agent the token can see, soft-deleted ones (State 0) included, fetched fresh.
     * `cached`: reuse a list fetched in the last minute, shared by concurrent callers (template lookups only).
     */
    listAgents(opts?: { cached?: boolean }): Promise<MediatelAgent[]>;
    /** The agent with this ID, or undefined. Concurrent reads are batched into one list call. */
    getAgent(id: number): Promise<MediatelAgent | undefined>;
    /** POST a new agent (`ID: -1` is set here). A dropped connection surfaces as an ambiguous ApiError. */
    createAgent(agent: AgentChanges & { Login: string }): Promise<MediatelAgent>;
    /** PUT: a partial top-level merge; nested objects (ClientApp) are replaced whole, so send them whole. */
    updateAgent(id: number, changes: AgentChanges): Promise<MediatelAgent>;
    /** Permanent DELETE (the API refuses it while State is 1). False when the agent was already gone. */
    deleteAgent(id: number): Promise<boolean>;

    /** Every server extension, fetched fresh. */
    listExtensions(): Promise<MediatelExtension[]>;
    /** The extension with this E_ID, or undefined. Concurrent reads are batched into one list call. */
    getExtension(id: number): Promise<MediatelExtension | undefined>;
    /** Creates one extension; concurrent creates go out as one PATCH batch. Ambiguous ApiError on a dropped batch. */
    createExtension(ext: NewExtension): Promise<MediatelExtension>;
    /** PUT: a partial merge. */
    updateExtension(id: number, changes: ExtensionChanges): Promise<MediatelExtension>;
    /** Deletes one extension; concurrent deletes go out as one PATCH batch. False when it was already gone. */
    deleteExtension(id: number): Promise<boolean>;
}

// ---------------------------------------------------------------- errors

export const DETAILS: Record<number, string> = {
    100: "invalid parameters",
    101: "invalid name",
    102: "name in use",
    103: "no permissions",
    105: "other error",
    106: "object in use",
};
const ENTITY_TYPES: Record<number, string> = { 0: "queue", 1: "agent", 2: "group", 3: "project", 4: "pause" };

/** A failed Mediatel call; `detailCode` is the API's error detail (100-106) when it sent one. */
export class MediatelError extends ApiError {
    readonly detailCode?: number;
    readonly entityType?: number;
    /** The answer was the API's own envelope (not a gateway or proxy page). */
    readonly enveloped: boolean;
    constructor(d: ApiErrorDetails & { detailCode?: number; entityType?: number; enveloped?: boolean }) {
        const { detailCode, entityType, enveloped, ...rest } = d;
        super(rest);
        this.detailCode = detailCode;
        this.entityType = entityType;
        this.enveloped = enveloped ?? false;
    }
}

export const detailOf = (e: unknown): number | undefined => (e instanceof MediatelError ? e.detailCode : undefined);
export const isNameInUse = (e: unknown): boolean => detailOf(e) === 102;
/**
 * The API itself said 404 (in its envelope). A 404 page from a proxy or a wrong base URL is not "gone": taking it for
 * one would make a refresh drop every resource from the state.
 */
export const isNotFound = (e: unknown): boolean => e instanceof MediatelError && e.status === 404 && e.enveloped;
/** The request may have been applied although no answer came back: check by natural key before resending. */
export const isAmbiguous = (e: unknown): boolean => e instanceof ApiError && e.ambiguous;

const IDEMPOTENT = new Set(["GET", "HEAD", "PUT", "DELETE"]);

interface Envelope {
    error?: { code?: unknown; detail?: unknown; details?: unknown; id?: unknown; entityType?: unknown; message?: unknown };
    result?: unknown;
}

const isEnvelope = (b: unknown): b is Envelope =>
    b !== null && typeof b === "object" && !Array.isArray(b) && typeof (b as Envelope).error === "object" && (b as Envelope).error !== null;

function firstNumber(...values: unknown[]): number | undefined {
    for (const v of values) {
        const n = typeof v === "string" && /^\d+$/.test(v) ? Number(v) : v;
        if (typeof n === "number" && Number.isInteger(n)) return n;
    }
    return undefined;
}

/** Turns one HTTP answer (status, headers, raw text) into the `result` array or a MediatelError. */
export function unwrap(
    req: RequestInfo & { basePath: string },
    status: number,
    headers: Record<string, unknown>,
    text: string,
): unknown[] {
    const path = req.basePath + req.path;
    const base = { system: "Mediatel", method: req.method, path };
    let body: unknown;
    try {
        body = text ? JSON.parse(text) : undefined;
    } catch {
        body = undefined;
    }
    if (!isEnvelope(body)) {
        if (status >= 200 && status < 300 && !text.trim()) return []; // e.g. a DELETE answered 204
        if (status === 401 || status === 403 || (status >= 300 && status < 400)) {
            throw new MediatelError({
                ...base,
                status,
                code: "auth",
                detail:
                    "the gateway in front of Mediatel refused the request (no API envelope in the answer): the VouchCookie " +
                    "token is missing, expired or not valid for this host; check telephony:mediatelToken (MEDIATEL_TOKEN) " +
                    "and telephony:mediatelUrl (MEDIATEL_URL)",
            });
        }
        const snippet = text.replace(/\s+/g, " ").slice(0, 120);
        const hint = status === 404 ? " (is telephony:mediatelUrl the API's base URL, including /v1?)" : "";
        throw new MediatelError({
            ...base,
            status,
            retryAfterMs: parseRetryAfter(headers["retry-after"]),
            detail: `answer is not the Mediatel envelope${hint}${snippet ? `: ${snippet}` : ""}`,
        });
    }
    const err = body.error!;
    const code = firstNumber(err.code) ?? status;
    if (code === 200 && status >= 200 && status < 300) {
        return Array.isArray(body.result) ? body.result : body.result === undefined || body.result === null ? [] : [body.result];
    }
    const effective = code === 200 ? status : code; // a 200 envelope on an error status: trust the status
    const detailCode = firstNumber(err.detail, err.details, err.id);
    const entityType = firstNumber(err.entityType);
    const words = [
        detailCode !== undefined ? (DETAILS[detailCode] ?? `error detail ${detailCode}`) : undefined,
        entityType !== undefined && ENTITY_TYPES[entityType] ? `(${ENTITY_TYPES[entityType]})` : undefined,
        typeof err.message === "string" && err.message ? `- ${err.message}` : undefined,
        effective === 498 || effective === 499 ? "- Mediatel network or local error (its backend is unreachable)" : undefined,
    ].filter(Boolean);
    throw new MediatelError({
        ...base,
        status: effective,
        code: detailCode !== undefined ? String(detailCode) : undefined,
        detail: words.join(" ") || undefined,
        retryAfterMs: parseRetryAfter(headers["retry-after"]),
        detailCode,
        entityType,
        enveloped: true,
        // a gateway error on a POST/PATCH may have been applied behind the gateway
        ambiguous: !IDEMPOTENT.has(req.method) && (effective === 502 || effective === 504),
    });
}

/** A thrown transport error (no answer) as a MediatelError; never carries the request config (cookie). */
export function mapTransportError(e: unknown, req: RequestInfo & { basePath: string }): ApiError {
    if (e instanceof ApiError) return e;
    const network = networkCode(e) ?? (axios.isAxiosError(e) && e.code === "ECONNABORTED" ? "ETIMEDOUT" : "EUNKNOWN");
    return new MediatelError({
        system: "Mediatel",
        method: req.method,
        path: req.basePath + req.path,
        network,
        ambiguous: !IDEMPOTENT.has(req.method) && !surelyNotSent(network),
    });
}

// ---------------------------------------------------------------- settings -> facade

const facades = new Map<string, MediatelApi>();

/**
 * The facade for the current settings, one per (URL, token, limit) in this process. Throws ConfigError naming the
 * stack config key and the environment variable when a setting is missing, without any network call.
 */
export function mediatel(): MediatelApi {
    const rawUrl = requireSetting("mediatelUrl", "Mediatel resources");
    const token = requireSetting("mediatelToken", "Mediatel resources");
    const url = checkBaseUrl(rawUrl, "mediatelUrl");
    const perMinute = numberSetting("mediatelRequestsPerMinute", DEFAULT_REQUESTS_PER_MINUTE);
    const tokenId = createHash("sha256").update(token).digest("hex").slice(0, 16);
    const key = `${url.href}\u0000${tokenId}\u0000${perMinute}`;
    let api = facades.get(key);
    if (!api) {
        api = new HttpMediatelApi({ baseUrl: url.href.replace(/\/+$/, ""), token, perMinute, limiterKey: `mediatel:${url.href}#${tokenId}` });
        facades.set(key, api);
    }
    return api;
}

/** The service's limit is not documented; stay well below what a small on-premises service takes. */
export const DEFAULT_REQUESTS_PER_MINUTE = 300;

export interface HttpMediatelOptions {
    baseUrl: string;
    token: string;
    perMinute: number;
    limiterKey: string;
    /** How long concurrent calls are collected into one batch (ms). */
    batchWindowMs?: number;
    maxBatchSize?: number;
    timeoutMs?: number;
}

export class HttpMediatelApi implements MediatelApi {
    private readonly http: AxiosInstance;
    private readonly call: Caller;
    private readonly basePath: string;
    private readonly cachedAgents = memoize<MediatelAgent[]>(60_000);
    private readonly agentReads: (id: number) => Promise<MediatelAgent | undefined>;
    private readonly extensionReads: (id: number) => Promise<MediatelExtension | undefined>;
    private readonly extensionCreates: DataLoader<NewExtension, MediatelExtension>;
    private readonly extensionDeletes: DataLoader<number, boolean>;
    /** Set when the server answers PATCH /extensions with 404/405: then every write goes one by one. */
    private patchUnsupported = false;

    constructor(opts: HttpMediatelOptions) {
        this.basePath = new URL(opts.baseUrl).pathname.replace(/\/+$/, "");
        this.http = axios.create({
            baseURL: opts.baseUrl,
            timeout: opts.timeoutMs ?? 60_000,
            // the gateway may redirect an unauthenticated call to a login page: report it, never follow it
            maxRedirects: 0,
            validateStatus: () => true,
            responseType: "text",
            transformResponse: (x) => x,
            headers: { Cookie: `VouchCookie=${opts.token}`, Accept: "application/json" },
        });
        this.call = createCaller({
            system: "Mediatel",
            limiter: limiterFor(opts.limiterKey, opts.perMinute),
            mapError: (e, req) => mapTransportError(e, { ...req, basePath: this.basePath }),
        });
        const window = opts.batchWindowMs ?? 10;
        const max = opts.maxBatchSize ?? 50;
        this.agentReads = batcher<number, MediatelAgent>({
            maxBatchSize: max,
            windowMs: window,
            load: async (ids) => {
                if (ids.length === 1) {
                    const one = await this.getOne<MediatelAgent>(`/agents/${ids[0]}`);
                    return new Map(one ? [[ids[0], one]] : []);
                }
                return new Map((await this.listAgents()).map((a) => [a.ID, a]));
            },
        });
        this.extensionReads = batcher<number, MediatelExtension>({
            maxBatchSize: max,
            windowMs: window,
            load: async (ids) => {
                if (ids.length === 1) {
                    const one = await this.getOne<MediatelExtension>(`/extensions/${ids[0]}`);
                    return new Map(one ? [[ids[0], one]] : []);
                }
                return new Map((await this.listExtensions()).map((e) => [e.E_ID, e]));
            },
        });
        // DataLoader directly, not core's batcher: a PATCH batch answers each item on its own (one name taken fails only
        // that item), which DataLoader expresses as per-key Errors
        const schedule = (run: () => void) => setTimeout(run, window);
        this.extensionCreates = new DataLoader((items) => this.createExtensions(items), { cache: false, maxBatchSize: max, batchScheduleFn: schedule });
        this.extensionDeletes = new DataLoader((ids) => this.deleteExtensions(ids), { cache: false, maxBatchSize: max, batchScheduleFn: schedule });
    }

    // ---- transport

    private async request(method: string, path: string, body?: unknown, idempotent?: boolean): Promise<unknown[]> {
        const info = { method, path };
        return this.call(
            info,
            async () => {
                const res = await this.http.request<string>({ method, url: path, data: body === undefined ? undefined : JSON.stringify(body), headers: body === undefined ? undefined : { "Content-Type": "application/json" } });
                return unwrap({ ...info, basePath: this.basePath }, res.status, res.headers as Record<string, unknown>, typeof res.data === "string" ? res.data : String(res.data ?? ""));
            },
            idempotent,
        );
    }

    private async getOne<T>(path: string): Promise<T | undefined> {
        try {
            const [item] = await this.request("GET", path);
            return item as T | undefined;
        } catch (e) {
            if (isNotFound(e)) return undefined;
            throw e;
        }
    }

    // ---- agents

    listAgents(opts?: { cached?: boolean }): Promise<MediatelAgent[]> {
        const load = () => this.request("GET", "/agents") as Promise<MediatelAgent[]>;
        // fresh unless asked: a list that left before our own write could hide it (recovery by login needs it)
        return opts?.cached ? this.cachedAgents("agents", load) : load();
    }

    getAgent(id: number): Promise<MediatelAgent | undefined> {
        return this.agentReads(id);
    }

    async createAgent(agent: AgentChanges & { Login: string }): Promise<MediatelAgent> {
        const [created] = await this.request("POST", "/agents", { ...agent, ID: -1 });
        return this.single(created, "POST", "/agents") as MediatelAgent;
    }

    async updateAgent(id: number, changes: AgentChanges): Promise<MediatelAgent> {
        const [updated] = await this.request("PUT", `/agents/${id}`, changes);
        return this.single(updated, "PUT", `/agents/${id}`) as MediatelAgent;
    }

    async deleteAgent(id: number): Promise<boolean> {
        try {
            await this.request("DELETE", `/agents/${id}`);
            return true;
        } catch (e) {
            if (isNotFound(e)) return false;
            throw e;
        }
    }

    // ---- extensions

    listExtensions(): Promise<MediatelExtension[]> {
        return this.request("GET", "/extensions") as Promise<MediatelExtension[]>;
    }

    getExtension(id: number): Promise<MediatelExtension | undefined> {
        return this.extensionReads(id);
    }

    createExtension(ext: NewExtension): Promise<MediatelExtension> {
        return this.extensionCreates.load(ext);
    }

    async updateExtension(id: number, changes: ExtensionChanges): Promise<MediatelExtension> {
        const [updated] = await this.request("PUT", `/extensions/${id}`, changes);
        return this.single(updated, "PUT", `/extensions/${id}`) as MediatelExtension;
    }

    deleteExtension(id: number): Promise<boolean> {
        return this.extensionDeletes.load(id);
    }

    private async postExtension(ext: NewExtension): Promise<MediatelExtension> {
        const [created] = await this.request("POST", "/extensions", ext);
        return this.single(created, "POST", "/extensions") as MediatelExtension;
    }

    private async deleteOneExtension(id: number): Promise<boolean> {
        try {
            await this.request("DELETE", `/extensions/${id}`);
            return true;
        } catch (e) {
            if (isNotFound(e)) return false;
            throw e;
        }
    }

    /** One PATCH for many creates (new items carry temp ids -1, -2, ...; results come back in order). */
    private async createExtensions(items: readonly NewExtension[]): Promise<(MediatelExtension | Error)[]> {
        const oneByOne = () => Promise.all(items.map((x) => this.postExtension(x).catch((e: Error) => e)));
        const names = new Set(items.map((x) => x.E_Extension));
        if (items.length === 1 || this.patchUnsupported || names.size < items.length) return oneByOne();
        try {
            const results = await this.request("PATCH", "/extensions", { Deleted: [], Inserted: items.map((x, i) => ({ ...x, E_ID: -(i + 1) })) }, false);
            if (results.length !== items.length) throw new Error(`PATCH /extensions answered ${results.length} items for ${items.length}`);
            return results as MediatelExtension[];
        } catch (e) {
            // dropped: each resource recovers by name (the batch is all-or-nothing, so it is all there or none is)
            if (isAmbiguous(e)) return items.map(() => e as Error);
            this.notePatchSupport(e);
            log.debug(`Mediatel: batch of ${items.length} extension creates refused (${(e as Error).message}); sending them one by one`);
            return oneByOne();
        }
    }

    private async deleteExtensions(ids: readonly number[]): Promise<(boolean | Error)[]> {
        const oneByOne = () => Promise.all(ids.map((id) => this.deleteOneExtension(id).catch((e: Error) => e)));
        if (ids.length === 1 || this.patchUnsupported || new Set(ids).size < ids.length) return oneByOne();
        try {
            await this.request("PATCH", "/extensions", { Deleted: ids.map((id) => ({ E_ID: id })), Inserted: [] }, false);
            return ids.map(() => true);
        } catch (e) {
            // refused (one is gone or in use) or dropped: DELETE is idempotent, so one by one gives each its answer
            this.notePatchSupport(e);
            return oneByOne();
        }
    }

    private notePatchSupport(e: unknown): void {
        if (isApiError(e, 405) || (isApiError(e, 404) && detailOf(e) === undefined)) {
            if (!this.patchUnsupported) log.debug("Mediatel: PATCH /extensions is not supported here; extension writes go one by one");
            this.patchUnsupported = true;
        }
    }

    private single(item: unknown, method: string, path: string): unknown {
        if (item === null || typeof item !== "object") {
            throw new MediatelError({ system: "Mediatel", method, path: this.basePath + path, status: 200, detail: "the answer's result is empty" });
        }
        return item;
    }
}

/**
 * A stateful fake of the Mediatel REST API (seeds/003, research/other-apis.md §3.6) on 127.0.0.1: the VouchCookie
 * gate (bare 403 page without it), the `{error:{code}, result:[...]}` envelope on every answer, detail codes 100-106,
 * passwords stored as the first 16 hex digits of their MD5, permanent DELETE refused while an agent is active, logins
 * held by soft-deleted agents, ID reuse, extension CRUD and the all-or-nothing PATCH batch. Fault injection, the
 * request log and the per-token rate limit come from the shared HttpEmulator. See README.md.
 */
import { createHash } from "node:crypto";
import { EmulatorRequest, EmulatorResponse, HttpEmulator } from "../http";
import {
    MediatelAgentRecord,
    MediatelClientApp,
    MediatelExtensionRecord,
    MediatelSeed,
    SANDBOX_TOKEN,
    SEED,
    blankExtension,
} from "./seed";

export * from "./seed";

export interface MediatelEmulatorOptions {
    /** The VouchCookie value accepted (default SANDBOX_TOKEN). */
    token?: string;
    /** Login that `GET /agents/self` resolves to for `token` (default "root"). */
    identity?: string;
    /** A second accepted token that may read but gets 403/103 "no permissions" on every write. */
    readOnlyToken?: string;
    /** Initial data (default SEED); deep-copied. */
    seed?: MediatelSeed;
    /** Unknown fields are rejected with 100 (default true). Lenient mode ignores them. */
    strict?: boolean;
    /** New agents take the lowest free ID, as in the document (1, 3 exist -> 2). Default true. */
    reuseAgentIds?: boolean;
    /** New extensions take the lowest free ID instead of max + 1. Default false. */
    reuseExtensionIds?: boolean;
    /** The answer to a permanent DELETE of an active agent (default 409 with detail 106 "object in use"). */
    hardDeleteActive?: { status: number; detail: number };
    /** Requests per token per sliding minute (0 = unlimited). */
    rateLimitPerMinute?: number;
}

export const DETAIL = {
    invalidParameters: 100,
    invalidName: 101,
    nameInUse: 102,
    noPermissions: 103,
    other: 105,
    objectInUse: 106,
} as const;

const ENTITY_AGENT = 1;

/** What the API stores for a password: a 16-hex value verbatim (a copied hash), else MD5(plain)[0:16]. */
export function passwordHash(plain: string): string {
    if (/^[0-9a-f]{16}$/.test(plain)) return plain;
    return createHash("md5").update(plain, "utf8").digest("hex").slice(0, 16);
}

type FieldKind = "int" | "string" | "strings" | "object";

const AGENT_FIELDS: Record<keyof MediatelAgentRecord, FieldKind> = {
    ID: "int",
    Login: "string",
    Password: "string",
    Details: "string",
    RightID: "int",
    Domain: "string",
    SupervisorID: "int",
    SupervisorRightID: "int",
    State: "int",
    DefaultSkill: "int",
    PersNumbers: "strings",
    ClientApp: "object",
};

const CLIENT_APP_FIELDS: Record<keyof MediatelClientApp, FieldKind> = {
    ShowTreeCC: "int",
    ShowValidCB: "int",
    ShowFullTreeCC: "int",
    AutoAnswer: "object",
    ShowPopupPause: "int",
    StartURL: "string",
    TimeWarning: "int",
    TimeForDialOut: "int",
    AddNrInClipboard: "int",
    ClericalReminder: "int",
    ResetVoiceChannel: "int",
    RingFileID: "int",
};

const AUTO_ANSWER_FIELDS: Record<string, FieldKind> = { Predictive: "int", Other: "int", Time: "int", Inbound: "int", Manual: "int" };

const EXTENSION_FIELDS: Record<keyof MediatelExtensionRecord, FieldKind> = {
    E_ID: "int",
    E_Extension: "string",
    Protocol: "string",
    E_Type: "int",
    E_Description: "string",
    E_DialOutIdentities: "string",
    ContactDisplay: "string",
    DestAddress: "string",
    Destination: "string",
    Codecs: "strings",
    ConnectionType: "string",
    DTMFSupport: "strings",
    FromDisplay: "string",
    Payload: "string",
};

const BLANK_AGENT: Omit<MediatelAgentRecord, "ID" | "Login"> = {
    Password: "",
    Details: "",
    RightID: 0,
    Domain: "",
    SupervisorID: -1,
    SupervisorRightID: 0,
    State: 1,
    DefaultSkill: 1,
    PersNumbers: [],
    ClientApp: {
        ShowTreeCC: 0,
        ShowValidCB: 0,
        ShowFullTreeCC: 0,
        AutoAnswer: { Predictive: 0, Other: 0, Time: 0, Inbound: 0, Manual: 0 },
        ShowPopupPause: 0,
        StartURL: "",
        TimeWarning: 0,
        TimeForDialOut: 20,
        AddNrInClipboard: 0,
        ClericalReminder: 20,
        ResetVoiceChannel: 1,
        RingFileID: -1,
    },
};


/** Logins the server accepts (the document's own are `root`, `A1`, `NewAgent5`, `AGENT_TEMPLATE_CK_01`). */
const SERVER_LOGIN = /^[A-Za-z0-9._-]+$/;
const SERVER_EXTENSION = /^\S+$/;

class Refusal extends Error {
    constructor(
        readonly status: number,
        readonly detail: number,
        message: string,
        readonly entityType?: number,
    ) {
        super(message);
    }
}

const copy = <T>(v: T): T => structuredClone(v);
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

export class MediatelEmulator extends HttpEmulator {
    readonly agents = new Map<number, MediatelAgentRecord>();
    readonly extensions = new Map<number, MediatelExtensionRecord>();
    /** Extensions that an agent is logged in on: DELETE answers 106 "object in use". */
    readonly extensionsInUse = new Set<number>();
    readonly options: Required<Omit<MediatelEmulatorOptions, "readOnlyToken">> & { readOnlyToken?: string };

    constructor(options: MediatelEmulatorOptions = {}) {
        const self: { emulator?: MediatelEmulator } = {};
        super({
            name: "mediatel",
            errorBody: (status, code, message) =>
                // a path outside the API (a base URL without /v1) meets the web server in front: a page, no envelope
                code === "not.found" && message.startsWith("no route")
                    ? `404 Not Found: ${message.slice("no route ".length)}`
                    : envelopeError(status, /^\d+$/.test(code) ? Number(code) : defaultDetail(status), message),
            authenticate: (req) => self.emulator!.authenticate(req),
        });
        this.options = {
            token: SANDBOX_TOKEN,
            identity: "root",
            seed: SEED,
            strict: true,
            reuseAgentIds: true,
            reuseExtensionIds: false,
            hardDeleteActive: { status: 409, detail: DETAIL.objectInUse },
            rateLimitPerMinute: 0,
            ...options,
        };
        this.rateLimitPerMinute = this.options.rateLimitPerMinute;
        self.emulator = this;
        this.reset();
        this.install();
    }

    /** Base URL to configure as telephony:mediatelUrl (the server's `/v1`). */
    get baseUrl(): string {
        return `${this.url}/v1`;
    }

    /** Back to the seed data; log, faults and in-use marks cleared. */
    reset(seed: MediatelSeed = this.options.seed): void {
        this.agents.clear();
        this.extensions.clear();
        this.extensionsInUse.clear();
        for (const a of copy(seed.agents)) this.agents.set(a.ID, a);
        for (const e of copy(seed.extensions)) this.extensions.set(e.E_ID, e);
        this.clearLog();
        this.clearFaults();
    }

    agentByLogin(login: string): MediatelAgentRecord | undefined {
        const l = login.toLowerCase();
        return [...this.agents.values()].find((a) => a.Login.toLowerCase() === l);
    }

    extensionByName(name: string): MediatelExtensionRecord | undefined {
        return [...this.extensions.values()].find((e) => e.E_Extension === name);
    }

    // ---- what a supervisor does by hand in the UI (drift, ID reuse); no validation, no log entry ----

    uiEditAgent(id: number, patch: Partial<MediatelAgentRecord> & { PlainPassword?: string }): MediatelAgentRecord {
        const a = this.agents.get(id);
        if (!a) throw new Error(`no agent ${id}`);
        const { PlainPassword, ...rest } = patch;
        Object.assign(a, copy(rest));
        if (PlainPassword !== undefined) a.Password = passwordHash(PlainPassword);
        return a;
    }

    uiCreateAgent(fields: Partial<MediatelAgentRecord> & { Login: string; PlainPassword?: string }): MediatelAgentRecord {
        const { PlainPassword, ...rest } = fields;
        const ID = rest.ID && rest.ID > 0 ? rest.ID : this.nextId(this.agents, this.options.reuseAgentIds);
        const a: MediatelAgentRecord = { ...copy(BLANK_AGENT), ...copy(rest), ID };
        if (PlainPassword !== undefined) a.Password = passwordHash(PlainPassword);
        this.agents.set(ID, a);
        return a;
    }

    /** The supervisor UI's permanent delete: no State check. */
    uiDeleteAgent(id: number): void {
        this.agents.delete(id);
    }

    uiEditExtension(id: number, patch: Partial<MediatelExtensionRecord>): MediatelExtensionRecord {
        const e = this.extensions.get(id);
        if (!e) throw new Error(`no extension ${id}`);
        return Object.assign(e, copy(patch));
    }

    uiCreateExtension(fields: Partial<MediatelExtensionRecord> & { E_Extension: string; E_Type: number }): MediatelExtensionRecord {
        const E_ID = fields.E_ID && fields.E_ID > 0 ? fields.E_ID : this.nextId(this.extensions, this.options.reuseExtensionIds);
        const e = { ...blankExtension(E_ID, fields.E_Extension, fields.E_Type), ...copy(fields), E_ID } as MediatelExtensionRecord;
        this.extensions.set(E_ID, e);
        return e;
    }

    uiDeleteExtension(id: number): void {
        this.extensions.delete(id);
        this.extensionsInUse.delete(id);
    }

    /** Control endpoints for a sandbox in another process (see README.md). */
    protected override controlExtra(req: EmulatorRequest, path: string): EmulatorResponse | undefined {
        const ok = (body?: unknown): EmulatorResponse => ({ status: 200, body });
        try {
            if (path === "/state" && req.method === "GET") return ok({ agents: [...this.agents.values()], extensions: [...this.extensions.values()] });
            if (path === "/reset" && req.method === "POST") return this.reset(), ok();
            if (path === "/agents" && req.method === "POST") return ok(this.uiCreateAgent(req.body));
            let m = /^\/agents\/(\d+)$/.exec(path);
            if (m && req.method === "PUT") return ok(this.uiEditAgent(Number(m[1]), req.body));
            if (m && req.method === "DELETE") return this.uiDeleteAgent(Number(m[1])), ok();
            if (path === "/extensions" && req.method === "POST") return ok(this.uiCreateExtension(req.body));
            m = /^\/extensions\/(\d+)$/.exec(path);
            if (m && req.method === "PUT") return ok(this.uiEditExtension(Number(m[1]), req.body));
            if (m && req.method === "DELETE") return this.uiDeleteExtension(Number(m[1])), ok();
            m = /^\/extensions\/(\d+)\/in-use$/.exec(path);
            if (m && req.method === "PUT") {
                if (req.body?.inUse === false) this.extensionsInUse.delete(Number(m[1]));
                else this.extensionsInUse.add(Number(m[1]));
                return ok();
            }
        } catch (e) {
            return { status: 400, body: { message: (e as Error).message } };
        }
        return undefined;
    }

    // ---- the API ----

    private authenticate(req: EmulatorRequest): string | EmulatorResponse {
        const cookie = String(req.headers.cookie ?? "");
        const token = /(?:^|;\s*)VouchCookie=([^;]*)/.exec(cookie)?.[1];
        if (token !== undefined && (token === this.options.token || token === this.options.readOnlyToken)) return token;
        // the vouch proxy in front of the service answers with its own page, not the API envelope
        return {
            status: 403,
            headers: { "content-type": "text/html; charset=utf-8" },
            body: "<html><head><title>403 Forbidden</title></head><body><h1>403 Forbidden</h1><p>vouch: no valid VouchCookie</p></body></html>",
        };
    }

    private install(): void {
        const api = (handler: (req: EmulatorRequest) => unknown[]) => (req: EmulatorRequest): EmulatorResponse => {
            try {
                if (req.method !== "GET" && req.principal === this.options.readOnlyToken) {
                    throw new Refusal(403, DETAIL.noPermissions, "no permissions to change data");
                }
                return { status: 200, body: { error: { code: 200 }, result: handler(req) } };
            } catch (e) {
                if (e instanceof Refusal) return { status: e.status, body: envelopeError(e.status, e.detail, e.message, e.entityType) };
                throw e;
            }
        };
        this.route("GET", "/v1/agents", api(() => [...this.agents.values()].sort((a, b) => a.ID - b.ID)));
        this.route("GET", "/v1/agents/self", api((req) => [this.existingAgent(this.identityOf(req))]));
        this.route("GET", "/v1/agents/:id", api((req) => [this.existingAgent(idParam(req))]));
        this.route("POST", "/v1/agents", api((req) => [this.createAgent(req.body)]));
        this.route("PUT", "/v1/agents/:id", api((req) => [this.updateAgent(idParam(req), req.body)]));
        this.route("DELETE", "/v1/agents/:id", api((req) => (this.deleteAgent(idParam(req)), [])));

        this.route("GET", "/v1/extensions", api(() => [...this.extensions.values()].sort((a, b) => a.E_ID - b.E_ID)));
        this.route("GET", "/v1/extensions/:id", api((req) => [this.existingExtension(this.extensions, idParam(req))]));
        this.route("POST", "/v1/extensions", api((req) => [this.createExtension(this.extensions, req.body)]));
        this.route("PUT", "/v1/extensions/:id", api((req) => [this.updateExtension(this.extensions, idParam(req), req.body)]));
        this.route("DELETE", "/v1/extensions/:id", api((req) => (this.deleteExtension(this.extensions, idParam(req)), [])));
        this.route("PATCH", "/v1/extensions", api((req) => this.batch(req.body)));
    }

    private identityOf(req: EmulatorRequest): number {
        const a = this.agentByLogin(this.options.identity);
        if (!a || req.principal === undefined) throw new Refusal(404, DETAIL.invalidParameters, "no agent record for the caller");
        return a.ID;
    }

    private existingAgent(id: number): MediatelAgentRecord {
        const a = this.agents.get(id);
        if (!a) throw new Refusal(404, DETAIL.invalidParameters, `agent ${id} not found`, ENTITY_AGENT);
        return a;
    }

    private createAgent(body: unknown): MediatelAgentRecord {
        const fields = this.checkFields(body, AGENT_FIELDS, "agent");
        if (fields.ID !== undefined && (fields.ID as number) > -1) {
            throw new Refusal(400, DETAIL.invalidParameters, "ID must be -1 for a new agent", ENTITY_AGENT);
        }
        if (fields.Login === undefined) throw new Refusal(400, DETAIL.invalidName, "Login is required", ENTITY_AGENT);
        this.checkLogin(fields.Login as string, undefined);
        const ID = this.nextId(this.agents, this.options.reuseAgentIds);
        const agent = { ...copy(BLANK_AGENT), ...this.normaliseAgent(fields), ID } as MediatelAgentRecord;
        this.agents.set(ID, agent);
        return agent;
    }

    private updateAgent(id: number, body: unknown): MediatelAgentRecord {
        const agent = this.existingAgent(id);
        const fields = this.checkFields(body, AGENT_FIELDS, "agent");
        if (fields.ID !== undefined && fields.ID !== id) throw new Refusal(400, DETAIL.invalidParameters, "ID does not match the URL", ENTITY_AGENT);
        if (fields.Login !== undefined) this.checkLogin(fields.Login as string, id);
        // top-level merge; a nested object (ClientApp) replaces the stored one wholesale
        Object.assign(agent, this.normaliseAgent(fields), { ID: id });
        return agent;
    }

    private deleteAgent(id: number): void {
        const agent = this.existingAgent(id);
        if (agent.State !== 0) {
            const { status, detail } = this.options.hardDeleteActive;
            throw new Refusal(status, detail, `agent ${id} is active: set State 0 (logical delete) before the permanent delete`, ENTITY_AGENT);
        }
        this.agents.delete(id);
    }

    private normaliseAgent(fields: Record<string, unknown>): Partial<MediatelAgentRecord> {
        const out = copy(fields) as Partial<MediatelAgentRecord>;
        if (typeof fields.Password === "string") out.Password = passwordHash(fields.Password);
        if (fields.State !== undefined && fields.State !== 0 && fields.State !== 1) {
            throw new Refusal(400, DETAIL.invalidParameters, "State must be 0 or 1", ENTITY_AGENT);
        }
        if (fields.DefaultSkill !== undefined && ((fields.DefaultSkill as number) < 1 || (fields.DefaultSkill as number) > 10)) {
            throw new Refusal(400, DETAIL.invalidParameters, "DefaultSkill must be 1..10", ENTITY_AGENT);
        }
        return out;
    }

    private checkLogin(login: string, self: number | undefined): void {
        if (!login || !SERVER_LOGIN.test(login)) throw new Refusal(400, DETAIL.invalidName, `invalid Login "${login}"`, ENTITY_AGENT);
        const holder = this.agentByLogin(login);
        if (holder && holder.ID !== self) throw new Refusal(409, DETAIL.nameInUse, `Login "${login}" is in use`, ENTITY_AGENT);
    }

    private existingExtension(store: Map<number, MediatelExtensionRecord>, id: number): MediatelExtensionRecord {
        const e = store.get(id);
        if (!e) throw new Refusal(404, DETAIL.invalidParameters, `extension ${id} not found`);
        return e;
    }

    private createExtension(store: Map<number, MediatelExtensionRecord>, body: unknown, tempIds?: Set<number>): MediatelExtensionRecord {
        const fields = this.checkFields(body, EXTENSION_FIELDS, "extension");
        const tempId = fields.E_ID as number | undefined;
        if (tempId !== undefined && tempId > -1) throw new Refusal(400, DETAIL.invalidParameters, "E_ID must be -1 (or below) for a new extension");
        if (tempIds && tempId !== undefined) {
            if (tempIds.has(tempId)) throw new Refusal(400, DETAIL.invalidParameters, `temporary E_ID ${tempId} used twice`);
            tempIds.add(tempId);
        }
        if (fields.E_Extension === undefined) throw new Refusal(400, DETAIL.invalidParameters, "E_Extension is required");
        if (fields.E_Type === undefined) throw new Refusal(400, DETAIL.invalidParameters, "E_Type is required");
        this.checkExtensionName(store, fields.E_Extension as string, undefined);
        const E_ID = this.nextId(store, this.options.reuseExtensionIds);
        const ext = { ...blankExtension(E_ID, String(fields.E_Extension), Number(fields.E_Type)), ...copy(fields), E_ID } as MediatelExtensionRecord;
        store.set(E_ID, ext);
        return ext;
    }

    private updateExtension(store: Map<number, MediatelExtensionRecord>, id: number, body: unknown): MediatelExtensionRecord {
        const ext = this.existingExtension(store, id);
        const fields = this.checkFields(body, EXTENSION_FIELDS, "extension");
        if (fields.E_ID !== undefined && fields.E_ID !== id) throw new Refusal(400, DETAIL.invalidParameters, "E_ID does not match");
        if (fields.E_Extension !== undefined) this.checkExtensionName(store, fields.E_Extension as string, id);
        Object.assign(ext, copy(fields), { E_ID: id });
        return ext;
    }

    private deleteExtension(store: Map<number, MediatelExtensionRecord>, id: number): void {
        this.existingExtension(store, id);
        if (this.extensionsInUse.has(id)) throw new Refusal(409, DETAIL.objectInUse, `extension ${id} is in use`);
        store.delete(id);
    }

    private checkExtensionName(store: Map<number, MediatelExtensionRecord>, name: string, self: number | undefined): void {
        if (!SERVER_EXTENSION.test(name)) throw new Refusal(400, DETAIL.invalidName, `invalid E_Extension "${name}"`);
        const holder = [...store.values()].find((e) => e.E_Extension === name);
        if (holder && holder.E_ID !== self) throw new Refusal(409, DETAIL.nameInUse, `E_Extension "${name}" is in use`);
    }

    /** PATCH /extensions: Deleted first, then Inserted, on a copy; committed only when every item succeeded. */
    private batch(body: unknown): MediatelExtensionRecord[] {
        if (!isObject(body)) throw new Refusal(400, DETAIL.invalidParameters, "body must be an object");
        const unknown = Object.keys(body).filter((k) => k !== "Deleted" && k !== "Inserted");
        if (unknown.length && this.options.strict) throw new Refusal(400, DETAIL.invalidParameters, `unknown field ${unknown.join(", ")}`);
        const deleted = body.Deleted ?? [];
        const inserted = body.Inserted ?? [];
        if (!Array.isArray(deleted) || !Array.isArray(inserted)) throw new Refusal(400, DETAIL.invalidParameters, "Deleted and Inserted must be arrays");
        const store = new Map([...this.extensions].map(([id, e]) => [id, copy(e)]));
        const deletedIds = new Set<number>();
        for (const d of deleted) {
            const id = isObject(d) ? d.E_ID : undefined;
            if (!Number.isInteger(id) || (id as number) <= 0) throw new Refusal(400, DETAIL.invalidParameters, "Deleted needs a valid E_ID");
            if (deletedIds.has(id as number)) throw new Refusal(400, DETAIL.invalidParameters, `E_ID ${id} deleted twice`);
            deletedIds.add(id as number);
            this.deleteExtension(store, id as number);
        }
        const results: MediatelExtensionRecord[] = [];
        const touched = new Set<number>();
        const tempIds = new Set<number>();
        for (const item of inserted) {
            const id = isObject(item) ? item.E_ID : undefined;
            if (id === 0 || (id !== undefined && !Number.isInteger(id))) throw new Refusal(400, DETAIL.invalidParameters, "E_ID 0 is not valid");
            if (typeof id === "number" && id > 0) {
                if (deletedIds.has(id)) throw new Refusal(400, DETAIL.invalidParameters, `E_ID ${id} is both deleted and inserted`);
                if (touched.has(id)) throw new Refusal(400, DETAIL.invalidParameters, `E_ID ${id} modified twice`);
                touched.add(id);
                results.push(this.updateExtension(store, id, item));
            } else {
                results.push(this.createExtension(store, item, id === undefined ? undefined : tempIds));
            }
        }
        this.extensions.clear();
        for (const [id, e] of store) this.extensions.set(id, e);
        return results.map((r) => copy(r));
    }

    /** Type checks (exact JSON types, never coerced); unknown keys are 100 in strict mode, dropped otherwise. */
    private checkFields(body: unknown, spec: Record<string, FieldKind>, what: string): Record<string, unknown> {
        if (!isObject(body)) throw new Refusal(400, DETAIL.invalidParameters, `${what} body must be a JSON object`);
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(body)) {
            const kind = spec[k];
            if (!kind) {
                if (this.options.strict) throw new Refusal(400, DETAIL.invalidParameters, `unknown field ${k}`);
                continue;
            }
            if (!hasKind(v, kind)) throw new Refusal(400, DETAIL.invalidParameters, `${k} must be ${describe(kind)}`);
            out[k] = k === "ClientApp" ? this.checkNested(v, CLIENT_APP_FIELDS, "ClientApp") : v;
        }
        return out;
    }

    private checkNested(v: unknown, spec: Record<string, FieldKind>, where: string): Record<string, unknown> {
        const out: Record<string, unknown> = {};
        for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
            const kind = spec[k];
            if (!kind) {
                if (this.options.strict) throw new Refusal(400, DETAIL.invalidParameters, `unknown field ${where}.${k}`);
                continue;
            }
            if (!hasKind(x, kind)) throw new Refusal(400, DETAIL.invalidParameters, `${where}.${k} must be ${describe(kind)}`);
            out[k] = k === "AutoAnswer" ? this.checkNested(x, AUTO_ANSWER_FIELDS, `${where}.AutoAnswer`) : x;
        }
        return out;
    }

    private nextId(store: Map<number, unknown>, reuse: boolean): number {
        if (!reuse) return Math.max(0, ...store.keys()) + 1;
        let id = 1;
        while (store.has(id)) id++;
        return id;
    }
}

function idParam(req: EmulatorRequest): number {
    const id = Number(req.params.id);
    if (!Number.isInteger(id)) throw new Refusal(400, DETAIL.invalidParameters, `"${req.params.id}" is not an ID`);
    return id;
}

function hasKind(v: unknown, kind: FieldKind): boolean {
    switch (kind) {
        case "int":
            return Number.isInteger(v);
        case "string":
            return typeof v === "string";
        case "strings":
            return Array.isArray(v) && v.every((x) => typeof x === "string");
        case "object":
            return isObject(v);
    }
}

const describe = (kind: FieldKind) => ({ int: "an integer", string: "a string", strings: "an array of strings", object: "an object" })[kind];

function defaultDetail(status: number): number | undefined {
    if (status >= 500) return DETAIL.other;
    if (status === 403) return DETAIL.noPermissions;
    if (status === 400) return DETAIL.invalidParameters;
    return undefined;
}

function envelopeError(status: number, detail: number | undefined, message: string, entityType?: number) {
    const error: Record<string, unknown> = { code: status };
    if (detail !== undefined) error.detail = detail;
    if (entityType !== undefined) error.entityType = entityType;
    error.message = message;
    return { error, result: [] };
}

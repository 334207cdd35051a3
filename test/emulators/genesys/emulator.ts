/**
 * A stateful, strict Genesys Cloud emulator on 127.0.0.1 (see README.md next to this file). The real SDK talks to it
 * with `client.setGateway({host: "127.0.0.1", protocol: "http", port})`. Rules and state live in model.ts; this file
 * maps HTTP onto them and adds OAuth, listings, the test helpers and the /__emulator control endpoints.
 */
import { randomBytes } from "node:crypto";
import { EmulatorRequest, EmulatorResponse, HttpEmulator, SystemSpec } from "../http";
import { AdminUserPatch, ApiError, badRequest, GenesysModel, GenesysSettings, Grant, GroupView, nameMatches, notFound, PhoneView, StationView, UserDoc, UserRec } from "./model";
import { SEED, seedModel } from "./seed";

export interface GenesysEmulatorOptions {
    /** Start with the seeded org (SEED). Default true; false gives an org with only a Home division. */
    seed?: boolean;
    /** OAuth client-credentials pairs accepted by /oauth/token. Default: [SEED.client]. */
    clients?: { id: string; secret: string }[];
    /** Requests per token per sliding minute; 0 disables. Default 300 (the real default). */
    rateLimitPerMinute?: number;
    stationIndexLagMs?: number;
    searchLagMs?: number;
    tokenLifetimeSeconds?: number;
    /** Clock for lags and token expiry (default Date.now). */
    now?: () => number;
}

interface TokenRec {
    clientId: string;
    expiresAt: number;
}

const genesysSpec = (): SystemSpec => ({
    name: "genesys",
    errorBody: (status, code, message, correlationId) => ({ message, code, status, contextId: correlationId, details: [], errors: [] }),
    isPublic: (req) => req.path === "/oauth/token",
    isReadOnly: (method, path) => method === "POST" && path === "/api/v2/users/search",
});

const E = "/api/v2/telephony/providers/edges";

export class GenesysEmulator extends HttpEmulator {
    readonly settings: GenesysSettings;
    readonly now: () => number;
    private readonly clients: Map<string, string>;
    private readonly seeded: boolean;
    private tokens = new Map<string, TokenRec>();
    /** The org's state. Replaced by reset(). */
    model: GenesysModel;

    constructor(opts: GenesysEmulatorOptions = {}) {
        const spec = genesysSpec();
        super(spec);
        spec.authenticate = (req) => this.authenticate(req);
        this.rateLimitPerMinute = opts.rateLimitPerMinute ?? 300;
        this.settings = {
            stationIndexLagMs: opts.stationIndexLagMs ?? 0,
            searchLagMs: opts.searchLagMs ?? 0,
            tokenLifetimeSeconds: opts.tokenLifetimeSeconds ?? 86399,
        };
        this.now = opts.now ?? Date.now;
        this.clients = new Map((opts.clients ?? [SEED.client]).map((c) => [c.id, c.secret]));
        this.seeded = opts.seed ?? true;
        this.model = this.freshModel();
        this.registerRoutes();
    }

    // ---------- settings ----------

    get stationIndexLagMs(): number {
        return this.settings.stationIndexLagMs;
    }
    set stationIndexLagMs(v: number) {
        this.settings.stationIndexLagMs = v;
    }
    get searchLagMs(): number {
        return this.settings.searchLagMs;
    }
    set searchLagMs(v: number) {
        this.settings.searchLagMs = v;
    }
    get tokenLifetimeSeconds(): number {
        return this.settings.tokenLifetimeSeconds;
    }
    set tokenLifetimeSeconds(v: number) {
        this.settings.tokenLifetimeSeconds = v;
    }

    // ---------- test / ops helpers ----------

    /** A user's API representation, in any state (deleted too), or undefined. */
    user(id: string): UserDoc | undefined {
        const u = this.model.findUser(id);
        return u && this.model.userDoc(u);
    }

    /** The user holding this email (case-insensitive), in any state. */
    userByEmail(email: string): UserDoc | undefined {
        const u = this.model.userByEmail(email);
        return u && this.model.userDoc(u);
    }

    /** Direct grants of a user (or group), not the inherited ones. */
    grantsOf(subjectId: string): Grant[] {
        const grants = this.model.findUser(subjectId)?.grants ?? this.model.groups.get(subjectId)?.grants ?? [];
        return grants.map((g) => ({ ...g }));
    }

    /** Member user ids of a group, in join order. */
    membersOf(groupId: string): string[] {
        return [...this.model.group(groupId).members];
    }

    group(id: string): GroupView | undefined {
        const g = this.model.groups.get(id);
        return g && this.model.renderGroup(g);
    }

    phone(id: string): PhoneView | undefined {
        const p = this.model.phones.get(id);
        return p && this.model.renderPhone(p);
    }

    /** The user's WebRTC phones: non-deleted ones unless includeDeleted. */
    phonesOf(userId: string, opts: { includeDeleted?: boolean } = {}): PhoneView[] {
        return [...this.model.phones.values()]
            .filter((p) => p.webRtcUserId === userId && (opts.includeDeleted || p.state !== "deleted"))
            .map((p) => this.model.renderPhone(p));
    }

    station(id: string): StationView | undefined {
        const s = this.model.stations.get(id);
        return s && this.model.renderStation(s);
    }

    /** The station of a phone (no index lag), or undefined (non-WebRTC or deleted phone). */
    stationOf(phoneId: string): StationView | undefined {
        const id = this.model.phones.get(phoneId)?.stationId;
        return id ? this.station(id) : undefined;
    }

    defaultStationOf(userId: string): string | undefined {
        return this.model.findUser(userId)?.defaultStationId;
    }

    /** Edits a user as an admin would in the UI: no API rules; bumps the version. `null` clears a field. */
    adminEditUser(id: string, patch: AdminUserPatch): UserDoc {
        return this.model.userDoc(this.model.adminEditUser(id, patch));
    }

    /** Sets (or with undefined clears) a user's default station, skipping the permission rule. */
    adminSetDefaultStation(userId: string, stationId: string | undefined): void {
        const u = this.model.findUser(userId);
        if (!u) throw notFound(`User ${userId} not found`);
        if (stationId === undefined) delete u.defaultStationId;
        else {
            this.model.station(stationId);
            u.defaultStationId = stationId;
        }
    }

    adminGrant(userId: string, roleId: string, divisionId: string = SEED.divisions.home): void {
        this.model.grant(userId, { roleId, divisionId }, true);
    }

    adminRevoke(userId: string, roleId: string, divisionId: string = SEED.divisions.home): void {
        this.model.grant(userId, { roleId, divisionId }, false);
    }

    /** Bumps a group's version, as a concurrent writer (another member add) would. Returns the new version. */
    touchGroup(id: string): number {
        return ++this.model.group(id).version;
    }

    /** Invalidates every token issued so far. */
    revokeTokens(): void {
        this.tokens.clear();
    }

    /** A valid bearer token without going through /oauth/token. */
    issueToken(clientId: string = [...this.clients.keys()][0]): string {
        const token = randomBytes(24).toString("base64url");
        this.tokens.set(token, { clientId, expiresAt: this.now() + this.settings.tokenLifetimeSeconds * 1000 });
        return token;
    }

    /** Back to the seeded org; clears the request log and faults. Tokens and settings are kept. */
    reset(): void {
        this.model = this.freshModel();
        this.clearLog();
        this.clearFaults();
    }

    /** A JSON-able dump of the whole org (also GET /__emulator/state). */
    state(): Record<string, unknown> {
        const m = this.model;
        return {
            settings: { ...this.settings, rateLimitPerMinute: this.rateLimitPerMinute },
            tokens: this.tokens.size,
            divisions: [...m.divisions.values()],
            roles: [...m.roles.values()],
            groups: [...m.groups.values()],
            sites: [...m.sites.values()],
            phoneBases: [...m.phoneBases.values()],
            users: [...m.users.values()].map(({ history, ...u }) => ({ ...u, indexed: history.length })),
            phones: [...m.phones.values()],
            stations: [...m.stations.values()],
        };
    }

    private freshModel(): GenesysModel {
        const m = new GenesysModel(this.settings, () => this.now());
        if (this.seeded) seedModel(m);
        else m.divisions.set(SEED.divisions.home, { id: SEED.divisions.home, name: "Home", home: true });
        return m;
    }

    // ---------- auth ----------

    private authenticate(req: EmulatorRequest): string | EmulatorResponse {
        const m = /^Bearer\s+(\S+)$/i.exec(String(req.headers.authorization ?? ""));
        if (!m) return this.error(401, "authentication.required", "No authentication bearer token specified in authorization header.");
        const t = this.tokens.get(m[1]);
        if (!t) return this.error(401, "authentication.required", "Invalid login credentials.");
        if (t.expiresAt <= this.now()) {
            this.tokens.delete(m[1]);
            return this.error(401, "authentication.required", "The access token has expired.");
        }
        return m[1];
    }

    private oauthToken(req: EmulatorRequest): EmulatorResponse {
        const fail = (status: number, error: string, error_description: string): EmulatorResponse => ({ status, body: { error, error_description } });
        const form = (req.body && typeof req.body === "object" ? req.body : {}) as Record<string, string>;
        let id = form.client_id;
        let secret = form.client_secret;
        const basic = /^Basic\s+(\S+)$/i.exec(String(req.headers.authorization ?? ""));
        if (basic) {
            const decoded = Buffer.from(basic[1], "base64").toString("utf8");
            const i = decoded.indexOf(":");
            id = i < 0 ? decoded : decoded.slice(0, i);
            secret = i < 0 ? "" : decoded.slice(i + 1);
        }
        if (form.grant_type !== "client_credentials") return fail(400, "unsupported_grant_type", `grant_type must be client_credentials, not ${form.grant_type ?? "(none)"}`);
        if (!id || this.clients.get(id) === undefined || this.clients.get(id) !== secret) return fail(401, "invalid_client", "client authentication failed");
        return { status: 200, body: { access_token: this.issueToken(id), token_type: "bearer", expires_in: this.settings.tokenLifetimeSeconds } };
    }

    // ---------- routes ----------

    /** Registers a route whose handler may throw ApiError (mapped to a Genesys error body). */
    private on(method: string, path: string, fn: (req: EmulatorRequest) => EmulatorResponse | unknown): void {
        this.route(method, path, (req) => {
            try {
                const r = fn(req);
                return isResponse(r) ? r : { status: 200, body: r };
            } catch (e) {
                if (e instanceof ApiError) return this.error(e.status, e.code, e.message);
                throw e;
            }
        });
    }

    private registerRoutes(): void {
        this.route("POST", "/oauth/token", (req) => this.oauthToken(req));
        const m = () => this.model;

        // divisions
        this.on("GET", "/api/v2/authorization/divisions/home", () => m().renderDivision(m().homeDivision()));
        this.on("GET", "/api/v2/authorization/divisions", (req) => {
            const ids = list(req, "id");
            const items = [...m().divisions.values()].filter((d) => (!ids.length || ids.includes(d.id)) && nameMatches(d.name, req.query.get("name")));
            return this.listing(req, items.map((d) => m().renderDivision(d)));
        });
        this.on("GET", "/api/v2/authorization/divisions/:id", (req) => {
            const d = m().divisions.get(req.params.id);
            if (!d) throw notFound(`Division ${req.params.id} not found`);
            return m().renderDivision(d);
        });

        // moving objects between divisions (only users are modelled); the user's version goes up
        this.on("POST", "/api/v2/authorization/divisions/:id/objects/:type", (req) => {
            if (!m().divisions.has(req.params.id)) throw notFound(`Division ${req.params.id} not found`);
            if (req.params.type !== "USER") throw badRequest(`Object type ${req.params.type} is not supported by the emulator`);
            if (!Array.isArray(req.body) || !req.body.every((x: unknown) => typeof x === "string")) throw badRequest("The body must be a list of object ids");
            for (const id of req.body as string[]) m().moveUser(id, req.params.id);
            return res(204);
        });

        // roles and grants
        this.on("GET", "/api/v2/authorization/roles", (req) => {
            const ids = list(req, "id");
            const items = [...m().roles.values()].filter((r) => (!ids.length || ids.includes(r.id)) && nameMatches(r.name, req.query.get("name")));
            return this.listing(req, items.map((r) => m().renderRole(r)));
        });
        this.on("GET", "/api/v2/authorization/roles/:id", (req) => {
            const r = m().roles.get(req.params.id);
            if (!r) throw notFound(`Role ${req.params.id} not found`);
            return m().renderRole(r);
        });
        this.on("GET", "/api/v2/authorization/subjects/:id", (req) => m().subjectView(req.params.id, req.query.get("includeDuplicates") === "true"));
        for (const op of ["bulkreplace", "bulkadd", "bulkremove"] as const) {
            this.on("POST", `/api/v2/authorization/subjects/:id/${op}`, (req) => {
                m().bulkGrants(req.params.id, op, req.body, req.query.get("subjectType"));
                return res(204);
            });
        }
        this.on("POST", "/api/v2/authorization/subjects/:id/divisions/:divisionId/roles/:roleId", (req) => {
            m().grant(req.params.id, { roleId: req.params.roleId, divisionId: req.params.divisionId }, true, req.query.get("subjectType"));
            return res(204);
        });
        this.on("DELETE", "/api/v2/authorization/subjects/:id/divisions/:divisionId/roles/:roleId", (req) => {
            m().grant(req.params.id, { roleId: req.params.roleId, divisionId: req.params.divisionId }, false);
            return res(204);
        });

        // users
        this.on("POST", "/api/v2/users/search", (req) => {
            const b = (req.body ?? {}) as Record<string, unknown>;
            const pageSize = num(b.pageSize, "pageSize", 25);
            const pageNumber = num(b.pageNumber, "pageNumber", 1);
            if (pageSize < 1 || pageSize > 100) throw badRequest("The field 'pageSize' must be between 1 and 100");
            if (pageNumber < 1) throw badRequest("The field 'pageNumber' must be at least 1");
            const docs = m().searchUsers(b.query);
            return {
                total: docs.length,
                pageSize,
                pageNumber,
                pageCount: Math.ceil(docs.length / pageSize),
                types: ["users"],
                results: docs.slice((pageNumber - 1) * pageSize, pageNumber * pageSize),
            };
        });
        this.on("POST", "/api/v2/users", (req) => m().renderUser(m().createUser(req.body)));
        this.on("GET", "/api/v2/users", (req) => {
            const ids = list(req, "id");
            if (ids.length > 100) throw badRequest("At most 100 ids can be requested at once");
            const state = req.query.get("state") || "active";
            if (!["active", "inactive", "deleted", "any"].includes(state)) throw badRequest(`The query parameter 'state' must be active, inactive, deleted or any, not ${state}`);
            let users = ids.length ? ids.map((id) => m().findUser(id)).filter((u): u is UserRec => !!u) : [...m().users.values()];
            users = users.filter((u) => state === "any" || u.state === state);
            const expand = list(req, "expand");
            return this.listing(req, users.map((u) => m().renderUser(u, expand)));
        });
        this.on("GET", "/api/v2/users/:id", (req) => {
            const u = m().findUser(req.params.id);
            const state = req.query.get("state");
            const visible = !!u && (state === "any" ? true : state === "deleted" ? u.state === "deleted" : state === "inactive" ? u.state === "inactive" : u.state !== "deleted");
            if (!u || !visible) throw notFound(`User ${req.params.id} not found`);
            return m().renderUser(u, list(req, "expand"));
        });
        this.on("PATCH", "/api/v2/users/:id", (req) => m().renderUser(m().patchUser(req.params.id, req.body)));
        this.on("DELETE", "/api/v2/users/:id", (req) => {
            m().deleteUser(req.params.id);
            return {};
        });
        this.on("GET", "/api/v2/users/:id/station", (req) => m().userStations(m().liveUser(req.params.id)));
        this.on("PUT", "/api/v2/users/:id/station/defaultstation/:stationId", (req) => {
            m().setDefaultStation(req.params.id, req.params.stationId);
            return res(204);
        });
        this.on("DELETE", "/api/v2/users/:id/station/defaultstation", (req) => {
            m().clearDefaultStation(req.params.id);
            return res(204);
        });
        this.on("PUT", "/api/v2/users/:id/station/associatedstation/:stationId", (req) => {
            m().associateStation(req.params.id, req.params.stationId);
            return res(204);
        });
        this.on("DELETE", "/api/v2/users/:id/station/associatedstation", (req) => {
            m().disassociate(m().liveUser(req.params.id));
            return res(204);
        });

        // groups
        this.on("GET", "/api/v2/groups", (req) => {
            const ids = list(req, "id");
            const groups = ids.length ? ids.map((id) => m().groups.get(id)).filter((g) => !!g) : [...m().groups.values()];
            return this.listing(req, groups.map((g) => m().renderGroup(g!)));
        });
        this.on("GET", "/api/v2/groups/:id", (req) => m().renderGroup(m().group(req.params.id)));
        this.on("GET", "/api/v2/groups/:id/members", (req) => {
            const g = m().group(req.params.id);
            const expand = list(req, "expand");
            return this.listing(req, g.members.map((id) => m().renderUser(m().findUser(id)!, expand)));
        });
        this.on("POST", "/api/v2/groups/:id/members", (req) => {
            m().addMembers(req.params.id, req.body);
            return res(202, {});
        });
        this.on("DELETE", "/api/v2/groups/:id/members", (req) => {
            m().removeMembers(req.params.id, list(req, "ids"));
            return res(202, {});
        });

        // sites and phone base settings
        this.on("GET", `${E}/sites`, (req) => {
            const items = [...m().sites.values()].filter((s) => nameMatches(s.name, req.query.get("name")));
            return this.listing(req, items.map((s) => m().renderSite(s)));
        });
        this.on("GET", `${E}/sites/:id`, (req) => {
            const s = m().sites.get(req.params.id);
            if (!s) throw notFound(`Site ${req.params.id} not found`);
            return m().renderSite(s);
        });
        this.on("GET", `${E}/phonebasesettings`, (req) => {
            const withLines = list(req, "expand").includes("lines");
            const items = [...m().phoneBases.values()].filter((b) => nameMatches(b.name, req.query.get("name")));
            return this.listing(req, items.map((b) => m().renderPhoneBase(b, withLines)));
        });
        this.on("GET", `${E}/phonebasesettings/:id`, (req) => {
            const b = m().phoneBases.get(req.params.id);
            if (!b) throw notFound(`Phone base settings ${req.params.id} not found`);
            return m().renderPhoneBase(b);
        });

        // phones
        this.on("POST", `${E}/phones`, (req) => m().renderPhone(m().createPhone(req.body)));
        this.on("GET", `${E}/phones`, (req) => {
            const q = req.query;
            const lineIds = list(req, "lines.id");
            const items = [...m().phones.values()].filter(
                (p) =>
                    p.state !== "deleted" &&
                    (!q.get("webRtcUser.id") || p.webRtcUserId === q.get("webRtcUser.id")) &&
                    (!q.get("site.id") || p.siteId === q.get("site.id")) &&
                    (!q.get("phoneBaseSettings.id") || p.phoneBaseSettingsId === q.get("phoneBaseSettings.id")) &&
                    (!lineIds.length || p.lines.some((l) => lineIds.includes(l.id))) &&
                    nameMatches(p.name, q.get("name")),
            );
            return this.listing(req, items.map((p) => m().renderPhone(p)));
        });
        this.on("GET", `${E}/phones/:id`, (req) => {
            const p = m().phones.get(req.params.id);
            if (!p) throw notFound(`Phone ${req.params.id} not found`);
            return m().renderPhone(p);
        });
        this.on("PUT", `${E}/phones/:id`, (req) => m().renderPhone(m().updatePhone(req.params.id, req.body)));
        this.on("DELETE", `${E}/phones/:id`, (req) => {
            m().deletePhone(req.params.id);
            return res(204);
        });

        // stations
        this.on("GET", "/api/v2/stations", (req) => {
            const q = req.query;
            const ids = list(req, "id");
            const items = m()
                .indexedStations()
                .filter(
                    (s) =>
                        (!ids.length || ids.includes(s.id)) &&
                        (!q.get("webRtcUserId") || s.webRtcUserId === q.get("webRtcUserId")) &&
                        (!q.get("lineAppearanceId") || s.lineAppearanceId === q.get("lineAppearanceId")) &&
                        nameMatches(s.name, q.get("name")),
                );
            return this.listing(req, items.map((s) => m().renderStation(s)));
        });
        this.on("GET", "/api/v2/stations/:id", (req) => m().renderStation(m().station(req.params.id)));
    }

    /** The Genesys listing envelope; pageSize 1-500 (default 25), pageNumber from 1. */
    private listing(req: EmulatorRequest, items: unknown[]): Record<string, unknown> {
        const pageSize = num(req.query.get("pageSize") ?? undefined, "pageSize", 25);
        const pageNumber = num(req.query.get("pageNumber") ?? undefined, "pageNumber", 1);
        if (pageSize < 1 || pageSize > 500) throw badRequest("The query parameter 'pageSize' must be between 1 and 500");
        if (pageNumber < 1) throw badRequest("The query parameter 'pageNumber' must be at least 1");
        const total = items.length;
        const pageCount = Math.ceil(total / pageSize);
        const uri = (n: number) => {
            const q = new URLSearchParams(req.query);
            q.set("pageSize", String(pageSize));
            q.set("pageNumber", String(n));
            return `${req.path}?${q.toString()}`;
        };
        const out: Record<string, unknown> = {
            entities: items.slice((pageNumber - 1) * pageSize, pageNumber * pageSize),
            pageSize,
            pageNumber,
            total,
            pageCount,
            firstUri: uri(1),
            lastUri: uri(Math.max(1, pageCount)),
            selfUri: uri(pageNumber),
        };
        if (pageNumber < pageCount) out.nextUri = uri(pageNumber + 1);
        if (pageNumber > 1) out.previousUri = uri(pageNumber - 1);
        return out;
    }

    // ---------- control endpoints ----------

    protected override controlExtra(req: EmulatorRequest, path: string): EmulatorResponse | undefined {
        try {
            return this.controlRoute(req, path);
        } catch (e) {
            if (e instanceof ApiError) return this.error(e.status, e.code, e.message);
            throw e;
        }
    }

    private controlRoute(req: EmulatorRequest, path: string): EmulatorResponse | undefined {
        const b = (req.body ?? {}) as Record<string, any>;
        if (path === "/state" && req.method === "GET") return { status: 200, body: this.state() };
        if (path === "/settings" && req.method === "PUT") {
            for (const k of ["stationIndexLagMs", "searchLagMs", "tokenLifetimeSeconds"] as const) {
                if (b[k] !== undefined) this.settings[k] = Number(b[k]);
            }
            if (b.rateLimitPerMinute !== undefined) this.rateLimitPerMinute = Number(b.rateLimitPerMinute);
            return { status: 200, body: { ...this.settings, rateLimitPerMinute: this.rateLimitPerMinute } };
        }
        if (path === "/reset" && req.method === "POST") return this.reset(), { status: 204 };
        if (path === "/tokens" && req.method === "DELETE") return this.revokeTokens(), { status: 204 };
        let mm = /^\/users\/([^/]+)$/.exec(path);
        if (mm && req.method === "PATCH") return { status: 200, body: this.adminEditUser(decodeURIComponent(mm[1]), b) };
        mm = /^\/users\/([^/]+)\/defaultstation$/.exec(path);
        if (mm && req.method === "PUT") return this.adminSetDefaultStation(decodeURIComponent(mm[1]), b.stationId ?? undefined), { status: 204 };
        mm = /^\/users\/([^/]+)\/grants$/.exec(path);
        if (mm && (req.method === "POST" || req.method === "DELETE")) {
            const id = decodeURIComponent(mm[1]);
            if (req.method === "POST") this.adminGrant(id, b.roleId, b.divisionId);
            else this.adminRevoke(id, b.roleId, b.divisionId);
            return res(204);
        }
        mm = /^\/groups\/([^/]+)\/touch$/.exec(path);
        if (mm && req.method === "POST") return { status: 200, body: { version: this.touchGroup(decodeURIComponent(mm[1])) } };
        return undefined;
    }
}

const RESPONSE = Symbol("response");

/** A response with an explicit status; handlers that return anything else answer 200 with it as the body. */
function res(status: number, body?: unknown): EmulatorResponse {
    return Object.assign({ status, body }, { [RESPONSE]: true });
}

function isResponse(r: unknown): r is EmulatorResponse {
    return !!r && typeof r === "object" && RESPONSE in r;
}

/** A list query parameter: comma-joined and/or repeated. */
function list(req: EmulatorRequest, name: string): string[] {
    return req.query
        .getAll(name)
        .flatMap((v) => v.split(","))
        .map((v) => v.trim())
        .filter(Boolean);
}

function num(v: unknown, field: string, dflt: number): number {
    if (v === undefined || v === null || v === "") return dflt;
    const n = Number(v);
    if (!Number.isInteger(n)) throw badRequest(`The field '${field}' must be an integer`);
    return n;
}

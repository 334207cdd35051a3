/**
 * The Genesys Cloud emulator's state and rules, independent of HTTP: users (with a search-index history), role
 * grants, groups, sites, phone base settings, phones and their stations. Every rule that makes the real API strict
 * (versions, unique emails, one WebRTC phone per user, call permission for default stations, index lag) lives here,
 * so the HTTP routes, the test helpers and the control endpoints all apply the same ones.
 */
import { randomUUID } from "node:crypto";

export class ApiError extends Error {
    constructor(
        readonly status: number,
        readonly code: string,
        message: string,
    ) {
        super(message);
    }
}
export const badRequest = (message: string) => new ApiError(400, "bad.request", message);
export const notFound = (message: string) => new ApiError(404, "not.found", message);
export const conflict = (message: string) => new ApiError(409, "general.conflict", message);

export type UserState = "active" | "inactive" | "deleted";

export interface Grant {
    roleId: string;
    divisionId: string;
}

export interface DivisionRec {
    id: string;
    name: string;
    description?: string;
    home: boolean;
}

export interface RoleRec {
    id: string;
    name: string;
    description: string;
    /** `domain:entity:action`, each segment may be `*`. */
    permissions: string[];
}

export interface GroupRec {
    id: string;
    name: string;
    description?: string;
    version: number;
    /** Member user ids, in the order they joined. */
    members: string[];
    /** Grants the group gives to every member (inherited grants). */
    grants: Grant[];
}

export interface SiteRec {
    id: string;
    name: string;
    managed?: boolean;
}

export interface PhoneBaseRec {
    id: string;
    name: string;
    metaBase: { id: string; name: string };
    lines: { id: string; name: string }[];
}

/** What the API returns for a user (without expansions); also what the search index stores. */
export interface UserDoc {
    id: string;
    name: string;
    email: string;
    username: string;
    state: UserState;
    version: number;
    division: { id: string; name: string; selfUri: string };
    department?: string;
    title?: string;
    manager?: { id: string; selfUri: string };
    selfUri: string;
}

export interface GroupView {
    id: string;
    name: string;
    description?: string;
    type: "official";
    visibility: "public";
    state: "active";
    memberCount: number;
    version: number;
    selfUri: string;
    [k: string]: unknown;
}

export interface PhoneView {
    id: string;
    name: string;
    state: "active" | "deleted";
    version: number;
    site: { id: string; name?: string; selfUri?: string };
    phoneBaseSettings: { id: string; name?: string; selfUri?: string };
    lineBaseSettings: { id: string; name?: string };
    phoneMetaBase?: { id: string; name: string };
    lines: { id: string; name: string; lineBaseSettings: { id: string; name?: string }; defaultForUser?: { id: string; selfUri?: string } }[];
    webRtcUser?: { id: string; name?: string; selfUri?: string };
    selfUri: string;
    [k: string]: unknown;
}

export interface StationView {
    id: string;
    name: string;
    status: "AVAILABLE" | "ASSOCIATED";
    type: string;
    lineAppearanceId: string;
    webRtcUserId?: string;
    /** The associated user, when there is one. */
    userId?: string;
    selfUri: string;
    [k: string]: unknown;
}

export interface UserRec {
    id: string;
    name: string;
    email: string;
    state: UserState;
    version: number;
    divisionId: string;
    department?: string;
    title?: string;
    managerId?: string;
    defaultStationId?: string;
    associatedStationId?: string;
    lastAssociatedStationId?: string;
    /** Direct grants. */
    grants: Grant[];
    /** The search index: the user's document after each change, oldest first. */
    history: { at: number; doc: UserDoc }[];
}

export interface LineRec {
    id: string;
    name: string;
    lineBaseSettingsId: string;
}

export interface PhoneRec {
    id: string;
    name: string;
    description?: string;
    state: "active" | "deleted";
    version: number;
    siteId: string;
    phoneBaseSettingsId: string;
    lineBaseSettingsId: string;
    lines: LineRec[];
    webRtcUserId?: string;
    properties?: unknown;
    capabilities?: unknown;
    createdAt: number;
    stationId?: string;
}

export interface StationRec {
    id: string;
    name: string;
    type: string;
    phoneId: string;
    webRtcUserId?: string;
    lineAppearanceId: string;
    /** When the phone (and so the station) was created: the stations index shows it from createdAt + lag. */
    createdAt: number;
    associatedUserId?: string;
}

export interface GenesysSettings {
    /** A new station appears in `GET /api/v2/stations` listings this long after its phone was created. */
    stationIndexLagMs: number;
    /** `POST /api/v2/users/search` shows every user as it was this long ago. */
    searchLagMs: number;
    /** Lifetime of tokens issued from now on (`expires_in`). */
    tokenLifetimeSeconds: number;
}

export const WEBRTC_META_BASE = "inin_webrtc_softphone.json";
export const CALL_PERMISSION = "conversation:call:add";

/** Case-insensitive exact match, `*` matching any run of characters (the Genesys name filters). */
export function nameMatches(name: string, filter: string | null | undefined): boolean {
    if (filter === null || filter === undefined || filter === "") return true;
    const re = new RegExp("^" + filter.split("*").map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".*") + "$", "i");
    return re.test(name);
}

export function permissionMatches(granted: string, wanted: string): boolean {
    const g = granted.split(":");
    const w = wanted.split(":");
    if (g.length === 1 && g[0] === "*") return true;
    return w.every((seg, i) => g[i] === "*" || g[i] === seg) && g.length === w.length;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface CreateUserBody {
    name?: unknown;
    email?: unknown;
    divisionId?: unknown;
    title?: unknown;
    department?: unknown;
    state?: unknown;
}

/** Fields an admin (or a test) may set directly, bypassing the API's rules. */
export interface AdminUserPatch {
    name?: string;
    email?: string;
    title?: string | null;
    department?: string | null;
    state?: UserState;
    managerId?: string | null;
    divisionId?: string;
}

export class GenesysModel {
    readonly divisions = new Map<string, DivisionRec>();
    readonly roles = new Map<string, RoleRec>();
    readonly groups = new Map<string, GroupRec>();
    readonly sites = new Map<string, SiteRec>();
    readonly phoneBases = new Map<string, PhoneBaseRec>();
    readonly users = new Map<string, UserRec>();
    readonly phones = new Map<string, PhoneRec>();
    readonly stations = new Map<string, StationRec>();

    constructor(
        readonly settings: GenesysSettings,
        readonly now: () => number,
    ) {}

    // ---------- lookups ----------

    homeDivision(): DivisionRec {
        for (const d of this.divisions.values()) if (d.home) return d;
        throw new Error("emulator has no home division");
    }

    /** A user in any state, or undefined. */
    findUser(id: string): UserRec | undefined {
        return this.users.get(id);
    }

    /** A non-deleted user, else 404. */
    liveUser(id: string): UserRec {
        const u = this.users.get(id);
        if (!u || u.state === "deleted") throw notFound(`User ${id} not found`);
        return u;
    }

    userByEmail(email: string): UserRec | undefined {
        const e = email.toLowerCase();
        for (const u of this.users.values()) if (u.email.toLowerCase() === e) return u;
        return undefined;
    }

    group(id: string): GroupRec {
        const g = this.groups.get(id);
        if (!g) throw notFound(`Group ${id} not found`);
        return g;
    }

    groupsOf(userId: string): GroupRec[] {
        return [...this.groups.values()].filter((g) => g.members.includes(userId));
    }

    /** Direct grants followed by the grants inherited from the user's groups (subjectId = the group's id). */
    effectiveGrants(userId: string): (Grant & { subjectId: string })[] {
        const u = this.users.get(userId);
        if (!u) return [];
        const out = u.grants.map((g) => ({ ...g, subjectId: u.id }));
        for (const grp of this.groupsOf(userId)) out.push(...grp.grants.map((g) => ({ ...g, subjectId: grp.id })));
        return out;
    }

    hasPermission(userId: string, permission: string): boolean {
        return this.effectiveGrants(userId).some((g) =>
            (this.roles.get(g.roleId)?.permissions ?? []).some((p) => permissionMatches(p, permission)),
        );
    }

    /** Stations the index would list now (created more than stationIndexLagMs ago). */
    indexedStations(): StationRec[] {
        const cutoff = this.now() - this.settings.stationIndexLagMs;
        return [...this.stations.values()].filter((s) => s.createdAt <= cutoff);
    }

    // ---------- rendering ----------

    userDoc(u: UserRec): UserDoc {
        const div = this.divisions.get(u.divisionId);
        const doc: UserDoc = {
            id: u.id,
            name: u.name,
            email: u.email,
            username: u.email,
            state: u.state,
            version: u.version,
            division: { id: u.divisionId, name: div?.name ?? "", selfUri: `/api/v2/authorization/divisions/${u.divisionId}` },
            selfUri: `/api/v2/users/${u.id}`,
        };
        if (u.department !== undefined) doc.department = u.department;
        if (u.title !== undefined) doc.title = u.title;
        if (u.managerId !== undefined) doc.manager = { id: u.managerId, selfUri: `/api/v2/users/${u.managerId}` };
        return doc;
    }

    renderUser(u: UserRec, expand: string[] = []): Record<string, unknown> {
        const out: Record<string, unknown> = { ...this.userDoc(u) };
        if (expand.includes("groups")) {
            out.groups = this.groupsOf(u.id).map((g) => ({ id: g.id, name: g.name, selfUri: `/api/v2/groups/${g.id}` }));
        }
        if (expand.includes("station")) {
            const { lastAssociatedStation: _omit, ...st } = this.userStations(u);
            out.station = st;
        }
        if (expand.includes("authorization")) {
            const roleIds = [...new Set(this.effectiveGrants(u.id).map((g) => g.roleId))];
            const roles = roleIds.map((id) => this.roles.get(id)).filter((r): r is RoleRec => !!r);
            out.authorization = {
                roles: roles.map((r) => ({ id: r.id, name: r.name })),
                permissions: [...new Set(roles.flatMap((r) => r.permissions))],
            };
        }
        return out;
    }

    private stationRef(id: string | undefined): Record<string, unknown> | undefined {
        if (!id) return undefined;
        const s = this.stations.get(id);
        if (!s) return undefined;
        return { id: s.id, name: s.name, type: s.type, selfUri: `/api/v2/stations/${s.id}` };
    }

    userStations(u: UserRec): Record<string, unknown> {
        const out: Record<string, unknown> = {};
        const def = this.stationRef(u.defaultStationId);
        const assoc = this.stationRef(u.associatedStationId);
        const last = this.stationRef(u.lastAssociatedStationId);
        if (assoc) out.associatedStation = assoc;
        if (assoc ?? def) out.effectiveStation = assoc ?? def;
        if (def) out.defaultStation = def;
        if (last) out.lastAssociatedStation = last;
        return out;
    }

    renderGroup(g: GroupRec): GroupView {
        const out: GroupView = {
            id: g.id,
            name: g.name,
            type: "official",
            visibility: "public",
            state: "active",
            memberCount: g.members.length,
            version: g.version,
            rulesVisible: true,
            selfUri: `/api/v2/groups/${g.id}`,
        };
        if (g.description !== undefined) out.description = g.description;
        return out;
    }

    renderDivision(d: DivisionRec): Record<string, unknown> {
        return { id: d.id, name: d.name, description: d.description ?? "", homeDivision: d.home, selfUri: `/api/v2/authorization/divisions/${d.id}` };
    }

    renderRole(r: RoleRec): Record<string, unknown> {
        return { id: r.id, name: r.name, description: r.description, permissions: [...r.permissions], default: false, base: false, selfUri: `/api/v2/authorization/roles/${r.id}` };
    }

    renderSite(s: SiteRec): Record<string, unknown> {
        return { id: s.id, name: s.name, state: "active", managed: s.managed ?? false, selfUri: `/api/v2/telephony/providers/edges/sites/${s.id}` };
    }

    renderPhoneBase(b: PhoneBaseRec, withLines = true): Record<string, unknown> {
        const out: Record<string, unknown> = {
            id: b.id,
            name: b.name,
            state: "active",
            phoneMetaBase: { ...b.metaBase },
            selfUri: `/api/v2/telephony/providers/edges/phonebasesettings/${b.id}`,
        };
        if (withLines) out.lines = b.lines.map((l) => ({ id: l.id, name: l.name }));
        return out;
    }

    renderPhone(p: PhoneRec): PhoneView {
        const site = this.sites.get(p.siteId);
        const base = this.phoneBases.get(p.phoneBaseSettingsId);
        const lineBaseName = (id: string) => base?.lines.find((l) => l.id === id)?.name;
        const station = p.stationId ? this.stations.get(p.stationId) : undefined;
        const defaultFor = station ? [...this.users.values()].find((u) => u.defaultStationId === station.id) : undefined;
        const out: PhoneView = {
            id: p.id,
            name: p.name,
            state: p.state,
            version: p.version,
            site: { id: p.siteId, name: site?.name, selfUri: `/api/v2/telephony/providers/edges/sites/${p.siteId}` },
            phoneBaseSettings: { id: p.phoneBaseSettingsId, name: base?.name, selfUri: `/api/v2/telephony/providers/edges/phonebasesettings/${p.phoneBaseSettingsId}` },
            lineBaseSettings: { id: p.lineBaseSettingsId, name: lineBaseName(p.lineBaseSettingsId) },
            lines: p.lines.map((l, i) => {
                const line: PhoneView["lines"][number] & Record<string, unknown> = {
                    id: l.id,
                    name: l.name,
                    lineBaseSettings: { id: l.lineBaseSettingsId, name: lineBaseName(l.lineBaseSettingsId) },
                    site: { id: p.siteId, name: site?.name },
                    selfUri: `/api/v2/telephony/providers/edges/lines/${l.id}`,
                };
                if (i === 0 && defaultFor) line.defaultForUser = { id: defaultFor.id, selfUri: `/api/v2/users/${defaultFor.id}` };
                return line;
            }),
            selfUri: `/api/v2/telephony/providers/edges/phones/${p.id}`,
        };
        if (p.description !== undefined) out.description = p.description;
        if (p.webRtcUserId) {
            out.webRtcUser = { id: p.webRtcUserId, name: this.users.get(p.webRtcUserId)?.name, selfUri: `/api/v2/users/${p.webRtcUserId}` };
        }
        if (p.properties !== undefined) out.properties = p.properties;
        if (p.capabilities !== undefined) out.capabilities = p.capabilities;
        if (base) out.phoneMetaBase = { ...base.metaBase };
        return out;
    }

    renderStation(s: StationRec): StationView {
        const out: StationView = {
            id: s.id,
            name: s.name,
            status: s.associatedUserId ? "ASSOCIATED" : "AVAILABLE",
            type: s.type,
            lineAppearanceId: s.lineAppearanceId,
            webRtcPersistentEnabled: false,
            webRtcForceTurn: false,
            webRtcCallAppearances: 100,
            selfUri: `/api/v2/stations/${s.id}`,
        };
        if (s.webRtcUserId) out.webRtcUserId = s.webRtcUserId;
        if (s.associatedUserId) out.userId = s.associatedUserId;
        return out;
    }

    // ---------- users ----------

    /** Records the user's current document in the search index. */
    private indexUser(u: UserRec, at = this.now()): void {
        u.history.push({ at, doc: this.userDoc(u) });
    }

    /** Bumps the version and re-indexes: every change to a user goes through here. */
    private touchUser(u: UserRec): void {
        u.version++;
        this.indexUser(u);
    }

    /** Adds a user directly (seed): no validation, indexed since the beginning of time. */
    seedUser(u: Omit<UserRec, "history" | "grants" | "version"> & { version?: number; grants?: Grant[] }): UserRec {
        const rec: UserRec = { version: 1, grants: [], ...u, history: [] };
        this.users.set(rec.id, rec);
        this.indexUser(rec, Number.NEGATIVE_INFINITY);
        return rec;
    }

    createUser(body: CreateUserBody): UserRec {
        if (!body || typeof body !== "object") throw badRequest("The request body must be a JSON object");
        const name = requireString(body.name, "name");
        const email = requireString(body.email, "email");
        if (!EMAIL.test(email)) throw badRequest(`The field 'email' is not a valid email address: ${email}`);
        const title = optionalString(body.title, "title");
        const department = optionalString(body.department, "department");
        let divisionId = this.homeDivision().id;
        if (body.divisionId !== undefined && body.divisionId !== null && body.divisionId !== "") {
            if (typeof body.divisionId !== "string" || !this.divisions.has(body.divisionId)) {
                throw badRequest(`The field 'divisionId' refers to a division that does not exist: ${String(body.divisionId)}`);
            }
            divisionId = body.divisionId;
        }
        let state: UserState = "active";
        if (body.state !== undefined && body.state !== null) {
            if (body.state !== "active" && body.state !== "inactive") throw badRequest(`The field 'state' must be active or inactive, not ${String(body.state)}`);
            state = body.state;
        }
        if (this.userByEmail(email)) throw conflict("Email already in use");
        const u: UserRec = { id: randomUUID(), name, email, state, version: 1, divisionId, grants: [], history: [] };
        if (title !== undefined) u.title = title;
        if (department !== undefined) u.department = department;
        this.users.set(u.id, u);
        this.indexUser(u);
        return u;
    }

    patchUser(id: string, body: Record<string, unknown>): UserRec {
        const u = this.users.get(id);
        if (!u) throw notFound(`User ${id} not found`);
        if (!body || typeof body !== "object") throw badRequest("The request body must be a JSON object");
        if (u.state === "deleted") {
            // Only a restore is possible: {state: active|inactive, version}.
            const extra = Object.keys(body).filter((k) => k !== "version" && k !== "state" && !(k === "id" && body.id === id));
            if (extra.length || (body.state !== "active" && body.state !== "inactive")) throw notFound(`User ${id} not found`);
        }
        if (body.version === undefined || body.version === null) throw badRequest("The field 'version' is required");
        if (typeof body.version !== "number" || !Number.isInteger(body.version)) throw badRequest("The field 'version' must be an integer");
        if (body.version !== u.version) {
            throw conflict(`The version supplied (${body.version}) does not match the current version (${u.version})`);
        }
        if (u.state === "deleted") {
            // A restored user comes back in the home division with no grants, groups or stations.
            u.state = body.state as UserState;
            u.divisionId = this.homeDivision().id;
            this.touchUser(u);
            return u;
        }
        const next: Partial<UserRec> = {};
        if ("name" in body) next.name = requireString(body.name, "name");
        if ("email" in body) {
            const email = requireString(body.email, "email");
            if (!EMAIL.test(email)) throw badRequest(`The field 'email' is not a valid email address: ${email}`);
            const holder = this.userByEmail(email);
            if (holder && holder.id !== u.id) throw conflict("Email already in use");
            next.email = email;
        }
        if ("title" in body) next.title = optionalString(body.title, "title");
        if ("department" in body) next.department = optionalString(body.department, "department");
        if ("state" in body) {
            if (body.state !== "active" && body.state !== "inactive") throw badRequest(`The field 'state' must be active or inactive, not ${String(body.state)}`);
            next.state = body.state;
        }
        if ("manager" in body) {
            const m = body.manager;
            const managerId = m === null || m === undefined ? "" : typeof m === "string" ? m : typeof m === "object" ? (m as { id?: unknown }).id : undefined;
            if (typeof managerId !== "string" && managerId !== undefined && managerId !== null) throw badRequest("The field 'manager' must be a user id or {id}");
            if (!managerId) next.managerId = undefined;
            else {
                if (managerId === u.id) throw badRequest("The field 'manager' cannot be the user themself");
                const mgr = this.users.get(managerId);
                if (!mgr || mgr.state === "deleted") throw badRequest(`The field 'manager' refers to a user that does not exist: ${managerId}`);
                next.managerId = managerId;
            }
        }
        for (const [k, v] of Object.entries(next)) {
            if (v === undefined) delete (u as unknown as Record<string, unknown>)[k];
            else (u as unknown as Record<string, unknown>)[k] = v;
        }
        this.touchUser(u);
        return u;
    }

    moveUser(id: string, divisionId: string): void {
        const u = this.liveUser(id);
        u.divisionId = divisionId;
        this.touchUser(u);
    }

    deleteUser(id: string): void {
        const u = this.liveUser(id);
        u.state = "deleted";
        u.grants = [];
        for (const g of this.groupsOf(u.id)) {
            g.members = g.members.filter((m) => m !== u.id);
            g.version++;
        }
        delete u.defaultStationId;
        this.disassociate(u);
        delete u.lastAssociatedStationId;
        this.touchUser(u);
    }

    /** Admin-UI edit: no API rules, bumps the version (and reindexes) like any change. */
    adminEditUser(id: string, patch: AdminUserPatch): UserRec {
        const u = this.users.get(id);
        if (!u) throw notFound(`User ${id} not found`);
        if (patch.state === "deleted" && u.state !== "deleted") {
            const { state: _s, ...rest } = patch;
            if (Object.keys(rest).length) this.adminEditUser(id, rest);
            this.deleteUser(id);
            return u;
        }
        const set = <K extends keyof UserRec>(k: K, v: UserRec[K] | null | undefined) => {
            if (v === null) delete u[k];
            else if (v !== undefined) u[k] = v;
        };
        set("name", patch.name);
        set("email", patch.email);
        set("title", patch.title);
        set("department", patch.department);
        set("state", patch.state);
        set("managerId", patch.managerId);
        if (patch.divisionId !== undefined) {
            if (!this.divisions.has(patch.divisionId)) throw badRequest(`Division ${patch.divisionId} does not exist`);
            u.divisionId = patch.divisionId;
        }
        this.touchUser(u);
        return u;
    }

    /**
     * The search index's view of every user: each user's document as of `searchLagMs` ago (users created since then
     * are absent), filtered by the request's criteria. Without a `state` criterion deleted users are excluded.
     */
    searchUsers(query: unknown): UserDoc[] {
        const criteria = Array.isArray(query) ? query : query === undefined || query === null ? [] : undefined;
        if (!criteria) throw badRequest("The field 'query' must be an array of search criteria");
        const asOf = this.now() - this.settings.searchLagMs;
        let docs: UserDoc[] = [];
        for (const u of this.users.values()) {
            let doc: UserDoc | undefined;
            for (const h of u.history) if (h.at <= asOf) doc = h.doc;
            if (doc) docs.push(doc);
        }
        let stateFiltered = false;
        for (const c of criteria as Record<string, unknown>[]) {
            if (!c || typeof c !== "object") throw badRequest("Each search criterion must be an object");
            const type = String(c.type ?? "").toUpperCase();
            if (!["EXACT", "CONTAINS", "STARTS_WITH"].includes(type)) throw badRequest(`Unsupported search criterion type: ${String(c.type)}`);
            const fields = c.fields;
            if (!Array.isArray(fields) || !fields.length) throw badRequest("Each search criterion needs 'fields'");
            const values: string[] = Array.isArray(c.values) ? c.values.map(String) : c.value !== undefined ? [String(c.value)] : [];
            if (!values.length) throw badRequest("Each search criterion needs 'value' or 'values'");
            for (const f of fields) {
                if (!SEARCH_FIELDS[f as string]) throw badRequest(`Unsupported search field: ${String(f)}`);
            }
            if (fields.includes("state")) stateFiltered = true;
            docs = docs.filter((d) =>
                (fields as string[]).some((f) => {
                    const v = SEARCH_FIELDS[f](d);
                    if (v === undefined) return false;
                    const lv = v.toLowerCase();
                    return values.some((want) => {
                        const w = want.toLowerCase();
                        return type === "EXACT" ? lv === w : type === "CONTAINS" ? lv.includes(w) : lv.startsWith(w);
                    });
                }),
            );
        }
        if (!stateFiltered) docs = docs.filter((d) => d.state !== "deleted");
        return docs;
    }

    // ---------- grants ----------

    /** Users and groups are both authorization subjects. */
    private subject(id: string, subjectType?: string | null): { grants: Grant[]; set(g: Grant[]): void; name: string } {
        const type = (subjectType ?? "PC_USER").toUpperCase();
        if (type !== "PC_USER" && type !== "PC_GROUP") throw badRequest(`Unsupported subjectType: ${subjectType}`);
        if (type === "PC_USER") {
            const u = this.users.get(id);
            if (u && u.state !== "deleted") return { grants: u.grants, set: (g) => (u.grants = g), name: u.name };
            if (subjectType) throw notFound(`Subject ${id} not found`);
        }
        const g = this.groups.get(id);
        if (g) return { grants: g.grants, set: (gr) => (g.grants = gr), name: g.name };
        throw notFound(`Subject ${id} not found`);
    }

    /**
     * A subject's grants, inherited ones included. Without `includeDuplicates` (the real API's default) a role held
     * both directly and through a group appears once, as the group's grant (inherited grants come first).
     */
    subjectView(id: string, includeDuplicates = false): Record<string, unknown> {
        const s = this.subject(id);
        let grants = this.users.has(id) ? this.effectiveGrants(id) : s.grants.map((g) => ({ ...g, subjectId: id }));
        if (!includeDuplicates) {
            const seen = new Set<string>();
            grants = [...grants.filter((g) => g.subjectId !== id), ...grants.filter((g) => g.subjectId === id)].filter((g) => {
                const key = `${g.roleId}/${g.divisionId}`;
                return !seen.has(key) && !!seen.add(key);
            });
        }
        return {
            id,
            name: s.name,
            grants: grants.map((g) => ({
                subjectId: g.subjectId,
                division: { id: g.divisionId, name: this.divisions.get(g.divisionId)?.name, selfUri: `/api/v2/authorization/divisions/${g.divisionId}` },
                role: { id: g.roleId, name: this.roles.get(g.roleId)?.name, selfUri: `/api/v2/authorization/roles/${g.roleId}` },
            })),
            selfUri: `/api/v2/authorization/subjects/${id}`,
        };
    }

    private parseGrants(body: unknown): Grant[] {
        const list = (body as { grants?: unknown } | undefined)?.grants;
        if (!Array.isArray(list)) throw badRequest("The field 'grants' is required and must be an array");
        return list.map((g: unknown, i) => {
            const { roleId, divisionId } = (g ?? {}) as Record<string, unknown>;
            if (typeof roleId !== "string" || !roleId) throw badRequest(`The field 'grants[${i}].roleId' is required`);
            if (typeof divisionId !== "string" || !divisionId) throw badRequest(`The field 'grants[${i}].divisionId' is required`);
            this.checkGrant({ roleId, divisionId });
            return { roleId, divisionId };
        });
    }

    private checkGrant(g: Grant): void {
        if (!this.roles.has(g.roleId)) throw notFound(`Role ${g.roleId} not found`);
        if (!this.divisions.has(g.divisionId)) throw notFound(`Division ${g.divisionId} not found`);
    }

    bulkGrants(id: string, op: "bulkreplace" | "bulkadd" | "bulkremove", body: unknown, subjectType?: string | null): void {
        const s = this.subject(id, subjectType);
        const grants = this.parseGrants(body);
        const key = (g: Grant) => `${g.roleId}|${g.divisionId}`;
        const remove = new Set(grants.map(key));
        const next = op === "bulkreplace" ? grants : op === "bulkadd" ? [...s.grants, ...grants] : s.grants.filter((g) => !remove.has(key(g)));
        const seen = new Set<string>();
        s.set(next.filter((g) => !seen.has(key(g)) && !!seen.add(key(g))));
    }

    grant(subjectId: string, g: Grant, add: boolean, subjectType?: string | null): void {
        const s = this.subject(subjectId, subjectType);
        this.checkGrant(g);
        const rest = s.grants.filter((x) => x.roleId !== g.roleId || x.divisionId !== g.divisionId);
        s.set(add ? [...rest, g] : rest);
    }

    // ---------- groups ----------

    addMembers(groupId: string, body: unknown): void {
        const g = this.group(groupId);
        const { memberIds, version } = (body ?? {}) as Record<string, unknown>;
        if (!Array.isArray(memberIds) || !memberIds.length) throw badRequest("The field 'memberIds' is required and must be a non-empty array");
        if (memberIds.length > 50) throw badRequest("At most 50 members can be added in one request");
        if (version === undefined || version === null) throw badRequest("The field 'version' is required");
        if (typeof version !== "number") throw badRequest("The field 'version' must be an integer");
        if (version !== g.version) throw conflict(`The version supplied (${version}) does not match the current version (${g.version})`);
        for (const m of memberIds) {
            const u = typeof m === "string" ? this.users.get(m) : undefined;
            if (!u || u.state === "deleted") throw badRequest(`The field 'memberIds' contains a user that does not exist: ${String(m)}`);
        }
        for (const m of memberIds as string[]) if (!g.members.includes(m)) g.members.push(m);
        g.version++;
    }

    removeMembers(groupId: string, ids: string[]): void {
        const g = this.group(groupId);
        if (!ids.length) throw badRequest("The query parameter 'ids' is required");
        if (ids.length > 50) throw badRequest("At most 50 ids can be removed in one request");
        g.members = g.members.filter((m) => !ids.includes(m));
        g.version++;
    }

    // ---------- phones and stations ----------

    private validatePhone(body: unknown, existing?: PhoneRec): Omit<PhoneRec, "id" | "createdAt" | "version" | "state" | "stationId"> {
        if (!body || typeof body !== "object") throw badRequest("The request body must be a JSON object");
        const b = body as Record<string, any>;
        const name = requireString(b.name, "name");
        const siteId = b.site?.id;
        if (typeof siteId !== "string" || !siteId) throw badRequest("The field 'site.id' is required");
        if (!this.sites.has(siteId)) throw badRequest(`The field 'site' refers to a site that does not exist: ${siteId}`);
        const baseId = b.phoneBaseSettings?.id;
        if (typeof baseId !== "string" || !baseId) throw badRequest("The field 'phoneBaseSettings.id' is required");
        const base = this.phoneBases.get(baseId);
        if (!base) throw badRequest(`The field 'phoneBaseSettings' refers to phone base settings that do not exist: ${baseId}`);
        if (!Array.isArray(b.lines) || !b.lines.length) throw badRequest("The field 'lines' is required and must not be empty");
        const lines: LineRec[] = b.lines.map((l: any, i: number) => {
            const lbId = l?.lineBaseSettings?.id;
            if (typeof lbId !== "string" || !lbId) throw badRequest(`The field 'lines[${i}].lineBaseSettings.id' is required`);
            const lb = base.lines.find((x) => x.id === lbId);
            if (!lb) throw badRequest(`The field 'lines[${i}].lineBaseSettings' is not a line of phone base settings ${base.id}: ${lbId}`);
            const kept = existing?.lines.find((x) => x.id === l.id);
            return { id: kept?.id ?? randomUUID(), name: typeof l.name === "string" && l.name ? l.name : lb.name, lineBaseSettingsId: lbId };
        });
        let lineBaseSettingsId = lines[0].lineBaseSettingsId;
        if (b.lineBaseSettings?.id !== undefined) {
            if (!base.lines.some((x) => x.id === b.lineBaseSettings.id)) {
                throw badRequest(`The field 'lineBaseSettings' is not a line of phone base settings ${base.id}: ${String(b.lineBaseSettings.id)}`);
            }
            lineBaseSettingsId = b.lineBaseSettings.id;
        }
        let webRtcUserId: string | undefined;
        const wid = b.webRtcUser?.id;
        if (wid !== undefined && wid !== null && wid !== "") {
            if (typeof wid !== "string") throw badRequest("The field 'webRtcUser.id' must be a string");
            const u = this.users.get(wid);
            if (!u || u.state === "deleted") throw badRequest(`The field 'webRtcUser' refers to a user that does not exist: ${wid}`);
            if (base.metaBase.id !== WEBRTC_META_BASE) {
                throw badRequest(`The field 'webRtcUser' is only allowed on WebRTC phones; phone base settings ${base.id} are not a WebRTC phone base`);
            }
            webRtcUserId = wid;
        }
        if (existing && existing.webRtcUserId !== webRtcUserId) {
            throw badRequest(`The field 'webRtcUser' cannot be changed (it is ${existing.webRtcUserId ?? "not set"})`);
        }
        const lower = name.toLowerCase();
        for (const p of this.phones.values()) {
            if (p.state !== "deleted" && p.id !== existing?.id && p.name.toLowerCase() === lower) throw conflict(`A phone named ${name} already exists`);
        }
        if (webRtcUserId && !existing) {
            for (const p of this.phones.values()) {
                if (p.state !== "deleted" && p.webRtcUserId === webRtcUserId) throw badRequest(`A web rtc phone has already been assigned to user ${webRtcUserId}`);
            }
        }
        const out: Omit<PhoneRec, "id" | "createdAt" | "version" | "state" | "stationId"> = {
            name,
            siteId,
            phoneBaseSettingsId: baseId,
            lineBaseSettingsId,
            lines,
        };
        if (webRtcUserId) out.webRtcUserId = webRtcUserId;
        if (typeof b.description === "string") out.description = b.description;
        if (b.properties !== undefined) out.properties = b.properties;
        if (b.capabilities !== undefined) out.capabilities = b.capabilities;
        return out;
    }

    createPhone(body: unknown): PhoneRec {
        const v = this.validatePhone(body);
        const p: PhoneRec = { ...v, id: randomUUID(), state: "active", version: 1, createdAt: this.now() };
        this.phones.set(p.id, p);
        if (p.webRtcUserId) {
            const s: StationRec = {
                id: randomUUID(),
                name: p.name,
                type: "inin_webrtc_softphone",
                phoneId: p.id,
                webRtcUserId: p.webRtcUserId,
                lineAppearanceId: p.lines[0].id,
                createdAt: p.createdAt,
            };
            this.stations.set(s.id, s);
            p.stationId = s.id;
        }
        return p;
    }

    livePhone(id: string): PhoneRec {
        const p = this.phones.get(id);
        if (!p || p.state === "deleted") throw notFound(`Phone ${id} not found`);
        return p;
    }

    updatePhone(id: string, body: unknown): PhoneRec {
        const p = this.livePhone(id);
        const version = (body as { version?: unknown } | undefined)?.version;
        if (version !== undefined && version !== null && version !== p.version) {
            throw conflict(`The version supplied (${String(version)}) does not match the current version (${p.version})`);
        }
        const v = this.validatePhone(body, p);
        for (const k of ["description", "properties", "capabilities"] as const) delete p[k];
        Object.assign(p, v);
        p.version++;
        const s = p.stationId ? this.stations.get(p.stationId) : undefined;
        if (s) {
            s.name = p.name;
            s.lineAppearanceId = p.lines[0].id;
        }
        return p;
    }

    deletePhone(id: string): void {
        const p = this.livePhone(id);
        p.state = "deleted";
        p.version++;
        if (p.stationId) this.removeStation(p.stationId);
        delete p.stationId;
    }

    private removeStation(stationId: string): void {
        for (const u of this.users.values()) {
            if (u.defaultStationId === stationId) delete u.defaultStationId;
            if (u.associatedStationId === stationId) delete u.associatedStationId;
            if (u.lastAssociatedStationId === stationId) delete u.lastAssociatedStationId;
        }
        this.stations.delete(stationId);
    }

    station(id: string): StationRec {
        const s = this.stations.get(id);
        if (!s) throw notFound(`Station ${id} not found`);
        return s;
    }

    setDefaultStation(userId: string, stationId: string): void {
        const u = this.liveUser(userId);
        const s = this.station(stationId);
        if (s.webRtcUserId && s.webRtcUserId !== u.id) {
            throw badRequest(`Station ${s.id} is the WebRTC station of another user and cannot be the default station of user ${u.id}`);
        }
        if (!this.hasPermission(u.id, CALL_PERMISSION)) {
            throw badRequest(`User ${u.id} cannot be assigned a default station: the user needs a role with the ${CALL_PERMISSION} permission`);
        }
        u.defaultStationId = s.id;
    }

    clearDefaultStation(userId: string): void {
        delete this.liveUser(userId).defaultStationId;
    }

    associateStation(userId: string, stationId: string): void {
        const u = this.liveUser(userId);
        const s = this.station(stationId);
        if (s.webRtcUserId && s.webRtcUserId !== u.id) throw badRequest(`Station ${s.id} is the WebRTC station of another user`);
        if (s.associatedUserId && s.associatedUserId !== u.id) {
            const other = this.users.get(s.associatedUserId);
            if (other) this.disassociate(other);
        }
        if (u.associatedStationId && u.associatedStationId !== s.id) this.disassociate(u);
        u.associatedStationId = s.id;
        s.associatedUserId = u.id;
    }

    disassociate(u: UserRec): void {
        const s = u.associatedStationId ? this.stations.get(u.associatedStationId) : undefined;
        if (s) {
            delete s.associatedUserId;
            u.lastAssociatedStationId = s.id;
        }
        delete u.associatedStationId;
    }
}

const SEARCH_FIELDS: Record<string, (d: UserDoc) => string | undefined> = {
    id: (d) => d.id,
    name: (d) => d.name,
    email: (d) => d.email,
    username: (d) => d.username,
    state: (d) => d.state,
    title: (d) => d.title,
    department: (d) => d.department,
    "division.id": (d) => d.division.id,
};

function requireString(v: unknown, field: string): string {
    if (v === undefined || v === null || v === "") throw badRequest(`The field '${field}' is required`);
    if (typeof v !== "string" || !v.trim()) throw badRequest(`The field '${field}' must be a non-empty string`);
    return v;
}

function optionalString(v: unknown, field: string): string | undefined {
    if (v === undefined || v === null || v === "") return undefined;
    if (typeof v !== "string") throw badRequest(`The field '${field}' must be a string`);
    return v;
}

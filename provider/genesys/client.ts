import platformClient from "purecloud-platform-client-v2";
import { batcher, serialBatcher } from "../core/batch";
import { setting } from "../core/config";
import { retryOnConflict } from "../core/consistency";
import { ApiError, isApiError } from "../core/errors";
import { memoize } from "../core/memo";
import { connectGenesys } from "./connection";

/**
 * The Genesys Cloud client facade: the only place that calls the API. Resource hooks receive this interface, so
 * unit tests hand them `mock<GenesysApi>()`. Name lookups are cached per process, user reads are batched into
 * `GET /api/v2/users?id=…`, group member changes are batched per group, and version conflicts are retried with a
 * fresh version here, once for every resource.
 */
export interface GenesysApi {
    /** A user that is not deleted, or undefined. Batched with concurrent reads. */
    getUser(id: string): Promise<GenesysUser | undefined>;
    /** The user holding this email in any state (deleted included), via the search index (which may lag). */
    findUserByEmail(email: string): Promise<GenesysUser | undefined>;
    createUser(user: NewUser): Promise<GenesysUser>;
    /** PATCH with the current version, retried on version conflicts. */
    updateUser(id: string, changes: UserChanges): Promise<GenesysUser>;
    /** Brings a deleted user back (same id, same history) in the given state. */
    restoreUser(id: string, state: "active" | "inactive"): Promise<GenesysUser>;
    /** Deletes the user; already gone is fine. */
    deleteUser(id: string): Promise<void>;
    moveUserToDivision(userId: string, divisionId: string): Promise<void>;

    homeDivision(): Promise<Named>;
    divisions(): Promise<Named[]>;
    roles(): Promise<Role[]>;
    /** The grants made to the user directly (not through groups); undefined when the user is gone. */
    directGrants(userId: string): Promise<Grant[] | undefined>;
    replaceDirectGrants(userId: string, grants: Grant[]): Promise<void>;
    removeDirectGrants(userId: string, grants: Grant[]): Promise<void>;

    groups(): Promise<Named[]>;
    /** Whether the user is in the group; undefined when the user is gone. */
    isGroupMember(groupId: string, userId: string): Promise<boolean | undefined>;
    addGroupMember(groupId: string, userId: string): Promise<void>;
    removeGroupMember(groupId: string, userId: string): Promise<void>;

    sites(): Promise<Named[]>;
    phoneBases(): Promise<PhoneBase[]>;
    /** A phone that is not deleted, or undefined. */
    getPhone(id: string): Promise<GenesysPhone | undefined>;
    /** The user's WebRTC phone (the API allows one per user), or undefined. */
    webRtcPhoneOf(userId: string): Promise<GenesysPhone | undefined>;
    createPhone(spec: PhoneSpec): Promise<GenesysPhone>;
    updatePhone(id: string, spec: PhoneSpec): Promise<GenesysPhone>;
    deletePhone(id: string): Promise<void>;

    /** The user's WebRTC station as the station index shows it now (it lags behind phone creation). */
    webRtcStationOf(userId: string, lineId?: string): Promise<Station | undefined>;
    /** The user's default station id, null for none, undefined when the user is gone. */
    defaultStationOf(userId: string): Promise<string | null | undefined>;
    setDefaultStation(userId: string, stationId: string): Promise<void>;
    clearDefaultStation(userId: string): Promise<void>;
}

export interface Named {
    id: string;
    name: string;
}
export interface Role extends Named {
    permissions: string[];
}
export interface Grant {
    roleId: string;
    divisionId: string;
}
export type UserState = "active" | "inactive" | "deleted";
export interface GenesysUser {
    id: string;
    name: string;
    email: string;
    state: UserState;
    version: number;
    divisionId?: string;
    title?: string;
    department?: string;
    managerId?: string;
    /** Present when the API expanded it (expansion is best effort). */
    groupIds?: string[];
    /** Present when the API expanded it: the default station id or null. */
    defaultStationId?: string | null;
}
export interface NewUser {
    name: string;
    email: string;
    divisionId?: string;
    title?: string;
    department?: string;
    state?: "active" | "inactive";
}
export interface UserChanges {
    name?: string;
    email?: string;
    title?: string;
    department?: string;
    managerId?: string;
    state?: "active" | "inactive";
}
export interface PhoneBase extends Named {
    webRtc: boolean;
    metaBaseId?: string;
    lines: Named[];
}
export interface PhoneSpec {
    name: string;
    siteId: string;
    phoneBase: PhoneBase;
    webRtcUserId: string;
}
export interface GenesysPhone {
    id: string;
    name: string;
    siteId?: string;
    phoneBaseSettingsId?: string;
    webRtcUserId?: string;
    lineIds: string[];
}
export interface Station {
    id: string;
    name?: string;
    webRtcUserId?: string;
    lineAppearanceId?: string;
}

const isNotFound = (e: unknown) => isApiError(e, 404);
export const isVersionConflict = (e: unknown) => isApiError(e, 409);
const PAGE = 100;

const facades = new Map<string, GenesysApi>();

/**
 * The facade for the current settings, one per org and OAuth client in this process (so the token, limiter,
 * caches and batchers are shared by every resource). Throws ConfigError for a missing credential, without I/O.
 */
export function genesys(): GenesysApi {
    const key = ["genesysApiUrl", "genesysRegion", "genesysClientId", "genesysClientSecret", "genesysRequestsPerMinute"]
        .map((n) => setting(n as Parameters<typeof setting>[0]) ?? "")
        .join("\u0000");
    let api = facades.get(key);
    if (!api) {
        api = new SdkGenesysApi(connectGenesys().client);
        facades.set(key, api);
    }
    return api;
}

function toUser(u: platformClient.Models.User): GenesysUser {
    const station = (u as { station?: platformClient.Models.UserStations }).station;
    return {
        id: u.id!,
        name: u.name ?? "",
        email: u.email ?? "",
        state: (u.state ?? "active") as UserState,
        version: u.version,
        divisionId: u.division?.id,
        title: u.title || undefined,
        department: u.department || undefined,
        managerId: u.manager?.id || undefined,
        groupIds: u.groups?.map((g) => g.id!),
        defaultStationId: station === undefined ? undefined : (station.defaultStation?.id ?? null),
    };
}

function toPhone(p: platformClient.Models.Phone): GenesysPhone {
    return {
        id: p.id!,
        name: p.name,
        siteId: p.site?.id,
        phoneBaseSettingsId: p.phoneBaseSettings?.id,
        webRtcUserId: p.webRtcUser?.id,
        lineIds: (p.lines ?? []).map((l) => l.id!).filter(Boolean),
    };
}

/** Every page of a listing. */
async function allPages<T>(page: (pageNumber: number) => Promise<{ entities?: T[]; pageCount?: number }>): Promise<T[]> {
    const out: T[] = [];
    for (let n = 1; ; n++) {
        const res = await page(n);
        out.push(...(res.entities ?? []));
        if (!res.entities?.length || n >= (res.pageCount ?? n)) return out;
    }
}

class SdkGenesysApi implements GenesysApi {
    private readonly users: platformClient.UsersApi;
    private readonly authz: platformClient.AuthorizationApi;
    private readonly groupsApi: platformClient.GroupsApi;
    private readonly edges: platformClient.TelephonyProvidersEdgeApi;
    private readonly stations: platformClient.StationsApi;
    private readonly lookups = memoize<unknown>(10 * 60_000);
    private readonly memberAdds = new Map<string, (userId: string) => Promise<void>>();
    private readonly memberRemovals = new Map<string, (userId: string) => Promise<true | undefined>>();

    constructor(client: platformClient.ApiClientClass) {
        this.users = new platformClient.UsersApi(client);
        this.authz = new platformClient.AuthorizationApi(client);
        this.groupsApi = new platformClient.GroupsApi(client);
        this.edges = new platformClient.TelephonyProvidersEdgeApi(client);
        this.stations = new platformClient.StationsApi(client);
    }

    // One GET /api/v2/users?id=… for the users that concurrent operations ask for; `state=any` so inactive users
    // are found, deleted ones are then treated as gone. Groups and station come along (best effort).
    private readonly loadUser = batcher<string, GenesysUser>({
        maxBatchSize: PAGE,
        load: async (ids) => {
            const res = await this.users.getUsers({ id: ids, pageSize: PAGE, state: "any", expand: ["groups", "station"] } as any);
            return new Map((res.entities ?? []).map((u) => [u.id!, toUser(u)]));
        },
    });

    async getUser(id: string) {
        const user = await this.loadUser(id);
        return user && user.state !== "deleted" ? user : undefined;
    }

    async findUserByEmail(email: string) {
        const res = await this.users.postUsersSearch({
            pageSize: 25,
            query: [
                { type: "EXACT", fields: ["email"], value: email },
                { type: "EXACT", fields: ["state"], values: ["active", "inactive", "deleted"] },
            ],
        });
        const holds = (u: GenesysUser) => u.email.toLowerCase() === email.toLowerCase();
        const hits = (res.results ?? []).map(toUser).filter(holds);
        // The index lags behind the directory: a user deleted, restored or edited moments ago still shows its old
        // state (or email) there. Read the hits directly (one batched GET) and trust that.
        const current = (await Promise.all(hits.map((u) => this.loadUser(u.id)))).map((u, i) => u ?? hits[i]).filter(holds);
        // a live user wins over a deleted one with the same email
        return current.find((u) => u.state !== "deleted") ?? current[0];
    }

    async createUser(user: NewUser) {
        return toUser(await this.users.postUsers(user as platformClient.Models.CreateUser));
    }

    async updateUser(id: string, changes: UserChanges) {
        const { managerId, ...rest } = changes;
        return retryOnConflict(async () => {
            const current = await this.users.getUser(id);
            const body: platformClient.Models.UpdateUser = { ...rest, version: current.version };
            if (managerId !== undefined) body.manager = managerId;
            return toUser(await this.users.patchUser(id, body));
        }, isVersionConflict);
    }

    async restoreUser(id: string, state: "active" | "inactive") {
        try {
            return await retryOnConflict(async () => {
                const current = await this.users.getUser(id, { state: "deleted" });
                return toUser(await this.users.patchUser(id, { state, version: current.version }));
            }, isVersionConflict);
        } catch (e) {
            // the answer to the restoring PATCH was lost: if the user is back, the restore happened
            const back = e instanceof ApiError && e.ambiguous ? await this.getUser(id) : undefined;
            if (back) return back;
            throw e;
        }
    }

    async deleteUser(id: string) {
        // Directory sometimes answers a delete with a version conflict while another change settles
        await retryOnConflict(() => this.users.deleteUser(id).catch(ignore(isNotFound)), isVersionConflict);
    }

    async moveUserToDivision(userId: string, divisionId: string) {
        await this.authz.postAuthorizationDivisionObject(divisionId, "USER", [userId]);
    }

    homeDivision() {
        return this.lookup("home-division", async () => {
            const d = await this.authz.getAuthorizationDivisionsHome();
            return { id: d.id!, name: d.name ?? "Home" };
        });
    }

    divisions() {
        return this.lookup("divisions", () =>
            allPages((pageNumber) => this.authz.getAuthorizationDivisions({ pageSize: PAGE, pageNumber })).then((l) =>
                l.map((d) => ({ id: d.id!, name: d.name ?? "" })),
            ),
        );
    }

    roles() {
        return this.lookup("roles", () =>
            allPages((pageNumber) => this.authz.getAuthorizationRoles({ pageSize: PAGE, pageNumber })).then((l) =>
                l.map((r) => ({ id: r.id!, name: r.name ?? "", permissions: r.permissions ?? [] })),
            ),
        );
    }

    async directGrants(userId: string) {
        try {
            // with duplicates, a role held directly and through a group shows both grants (else only one, maybe the group's)
            const subject = await this.authz.getAuthorizationSubject(userId, { includeDuplicates: true });
            return (subject.grants ?? [])
                .filter((g) => g.subjectId === userId && g.role?.id && g.division?.id)
                .map((g) => ({ roleId: g.role!.id!, divisionId: g.division!.id! }));
        } catch (e) {
            if (isNotFound(e)) return undefined;
            throw e;
        }
    }

    async replaceDirectGrants(userId: string, grants: Grant[]) {
        await this.authz.postAuthorizationSubjectBulkreplace(userId, { grants }, { subjectType: "PC_USER" });
    }

    async removeDirectGrants(userId: string, grants: Grant[]) {
        const live = await this.directGrants(userId);
        if (!live) return; // the user is gone, and its grants with it
        const held = grants.filter((g) => live.some((l) => l.roleId === g.roleId && l.divisionId === g.divisionId));
        if (!held.length) return;
        try {
            await this.authz.postAuthorizationSubjectBulkremove(userId, { grants: held });
        } catch (e) {
            // bulkremove refuses the whole list (404) when any role or division in it no longer exists: one at a time
            if (!isNotFound(e)) throw e;
            for (const g of held) await this.authz.deleteAuthorizationSubjectDivisionRole(userId, g.divisionId, g.roleId).catch(ignore(isNotFound));
        }
    }

    groups() {
        return this.lookup("groups", () =>
            allPages((pageNumber) => this.groupsApi.getGroups({ pageSize: PAGE, pageNumber })).then((l) =>
                l.map((g) => ({ id: g.id!, name: g.name })),
            ),
        );
    }

    async isGroupMember(groupId: string, userId: string) {
        const user = await this.getUser(userId);
        if (!user) return undefined;
        if (user.groupIds) return user.groupIds.includes(groupId);
        const members = await allPages((pageNumber) => this.groupsApi.getGroupMembers(groupId, { pageSize: PAGE, pageNumber }));
        return members.some((m) => m.id === userId);
    }

    // Joins of one group are serialised: one POST at a time carrying the group's current version and everyone who
    // arrived meanwhile, so the deployment's own joins never collide; a conflict (someone outside the stack changed
    // the group) or a lost answer re-reads the version and posts the same ids again (adding is a set union).
    // A batch the API refuses (400: one of the users cannot join) falls back to one POST per user, so each
    // membership gets its own answer.
    addGroupMember(groupId: string, userId: string): Promise<void> {
        let add = this.memberAdds.get(groupId);
        if (!add) {
            const post = (memberIds: string[]) =>
                retryOnConflict(
                    async () => {
                        const group = await this.groupsApi.getGroup(groupId);
                        await this.groupsApi.postGroupMembers(groupId, { memberIds, version: group.version });
                    },
                    (e) => isVersionConflict(e) || (e instanceof ApiError && e.ambiguous),
                );
            add = serialBatcher<string>({
                maxBatchSize: 50,
                windowMs: 25,
                run: async (memberIds) => {
                    try {
                        await post(memberIds);
                        return new Map();
                    } catch (e) {
                        if (!isApiError(e, 400) || memberIds.length === 1) throw e;
                        const failed = new Map<string, unknown>();
                        for (const id of memberIds) await post([id]).catch((err: unknown) => failed.set(id, err));
                        return failed;
                    }
                },
            });
            this.memberAdds.set(groupId, add);
        }
        return add(userId);
    }

    removeGroupMember(groupId: string, userId: string): Promise<void> {
        let remove = this.memberRemovals.get(groupId);
        if (!remove) {
            remove = batcher<string, true>({
                maxBatchSize: 50,
                windowMs: 25,
                load: async (ids) => {
                    await this.groupsApi.deleteGroupMembers(groupId, ids.join(",")).catch(ignore(isNotFound));
                    return new Map(ids.map((id) => [id, true as const]));
                },
            });
            this.memberRemovals.set(groupId, remove);
        }
        return remove(userId).then(() => undefined);
    }

    sites() {
        return this.lookup("sites", () =>
            allPages((pageNumber) => this.edges.getTelephonyProvidersEdgesSites({ pageSize: PAGE, pageNumber })).then((l) =>
                l.map((s) => ({ id: s.id!, name: s.name })),
            ),
        );
    }

    phoneBases() {
        return this.lookup("phone-bases", () =>
            allPages((pageNumber) =>
                this.edges.getTelephonyProvidersEdgesPhonebasesettings({ pageSize: PAGE, pageNumber, expand: ["lines"] }),
            ).then((l) =>
                l
                    .filter((b) => b.state !== "deleted")
                    .map((b) => ({
                        id: b.id!,
                        name: b.name,
                        metaBaseId: b.phoneMetaBase?.id,
                        webRtc: b.phoneMetaBase?.id === "inin_webrtc_softphone.json",
                        lines: (b.lines ?? []).map((line) => ({ id: line.id!, name: line.name ?? "line" })),
                    })),
            ),
        );
    }

    async getPhone(id: string) {
        try {
            const p = await this.edges.getTelephonyProvidersEdgesPhone(id);
            return p.state === "deleted" ? undefined : toPhone(p);
        } catch (e) {
            if (isNotFound(e)) return undefined;
            throw e;
        }
    }

    async webRtcPhoneOf(userId: string) {
        const res = await this.edges.getTelephonyProvidersEdgesPhones({ webRtcUserId: userId, pageSize: 25 });
        const phone = (res.entities ?? []).find((p) => p.state !== "deleted" && p.webRtcUser?.id === userId);
        return phone && toPhone(phone);
    }

    async createPhone(spec: PhoneSpec) {
        return toPhone(await this.edges.postTelephonyProvidersEdgesPhones(phoneBody(spec)));
    }

    async updatePhone(id: string, spec: PhoneSpec) {
        const current = await this.edges.getTelephonyProvidersEdgesPhone(id);
        const body = phoneBody(spec);
        // keep the existing line ids when the phone base is unchanged, so the station stays the same
        if (current.phoneBaseSettings?.id === spec.phoneBase.id) body.lines = current.lines ?? body.lines;
        return toPhone(await this.edges.putTelephonyProvidersEdgesPhone(id, { ...current, ...body }));
    }

    async deletePhone(id: string) {
        await this.edges.deleteTelephonyProvidersEdgesPhone(id).catch(ignore(isNotFound));
    }

    async webRtcStationOf(userId: string, lineId?: string) {
        const res = await this.stations.getStations({ webRtcUserId: userId, pageSize: 25 });
        const all = (res.entities ?? []).filter((s) => s.webRtcUserId === userId);
        const station = lineId ? all.find((s) => s.lineAppearanceId === lineId) : all[0];
        return station && { id: station.id!, name: station.name, webRtcUserId: station.webRtcUserId, lineAppearanceId: station.lineAppearanceId };
    }

    async defaultStationOf(userId: string) {
        const user = await this.loadUser(userId);
        if (!user || user.state === "deleted") return undefined;
        if (user.defaultStationId !== undefined) return user.defaultStationId;
        try {
            return (await this.users.getUserStation(userId)).defaultStation?.id ?? null;
        } catch (e) {
            if (isNotFound(e)) return undefined;
            throw e;
        }
    }

    async setDefaultStation(userId: string, stationId: string) {
        await this.users.putUserStationDefaultstationStationId(userId, stationId);
    }

    async clearDefaultStation(userId: string) {
        await this.users.deleteUserStationDefaultstation(userId).catch(ignore(isNotFound));
    }

    private lookup<T>(key: string, load: () => Promise<T>): Promise<T> {
        return this.lookups(key, load) as Promise<T>;
    }
}

function phoneBody(spec: PhoneSpec): platformClient.Models.Phone {
    const line = spec.phoneBase.lines[0];
    return {
        name: spec.name,
        site: { id: spec.siteId },
        phoneBaseSettings: { id: spec.phoneBase.id },
        lineBaseSettings: line && { id: line.id },
        phoneMetaBase: spec.phoneBase.metaBaseId ? { id: spec.phoneBase.metaBaseId } : undefined,
        lines: line ? [{ name: line.name, lineBaseSettings: { id: line.id } }] : [],
        webRtcUser: { id: spec.webRtcUserId },
    } as platformClient.Models.Phone;
}

/** A catch handler that swallows the errors `when` accepts (e.g. 404 on delete: already gone). */
function ignore(when: (e: unknown) => boolean) {
    return (e: unknown): undefined => {
        if (when(e)) return undefined;
        throw e;
    };
}



/**
 * The emulator's starting org. Ids are fixed GUID-shaped strings so tests can refer to them (`SEED.roles.communicate`).
 * Prefix by kind: d divisions, a roles, b groups, c sites, e phone bases (e1 their lines), f users.
 */
import { GenesysModel, WEBRTC_META_BASE } from "./model";

export const SEED = {
    client: { id: "sandbox-client", secret: "sandbox-secret" },
    divisions: {
        home: "d0000000-0000-4000-8000-000000000001",
        sales: "d0000000-0000-4000-8000-000000000002",
    },
    roles: {
        communicate: "a0000000-0000-4000-8000-000000000001",
        agent: "a0000000-0000-4000-8000-000000000002",
        employee: "a0000000-0000-4000-8000-000000000003",
        supervisor: "a0000000-0000-4000-8000-000000000004",
        admin: "a0000000-0000-4000-8000-000000000005",
    },
    groups: {
        salesTeam: "b0000000-0000-4000-8000-000000000001",
        supportTeam: "b0000000-0000-4000-8000-000000000002",
        nightShift: "b0000000-0000-4000-8000-000000000003",
    },
    sites: {
        london: "c0000000-0000-4000-8000-000000000001",
        kyiv: "c0000000-0000-4000-8000-000000000002",
        aws: "c0000000-0000-4000-8000-000000000003",
    },
    phoneBases: {
        webrtc: "e0000000-0000-4000-8000-000000000001",
        polycom: "e0000000-0000-4000-8000-000000000002",
    },
    /** The (single) line of each phone base: what `lines[].lineBaseSettings.id` must be. */
    lineBases: {
        webrtc: "e1000000-0000-4000-8000-000000000001",
        polycom: "e1000000-0000-4000-8000-000000000002",
    },
    users: {
        /** former.agent@example.com, deleted (version 2). */
        formerAgent: "f0000000-0000-4000-8000-000000000001",
        /** existing.admin@example.com, active, Admin in Home, member of Support Team (so also Employee via the group). */
        existingAdmin: "f0000000-0000-4000-8000-000000000002",
    },
    emails: {
        formerAgent: "former.agent@example.com",
        existingAdmin: "existing.admin@example.com",
    },
} as const;

/** Display names of the seeded objects, for tests that look things up by name. */
export const SEED_NAMES = {
    divisions: { home: "Home", sales: "Sales" },
    roles: { communicate: "Communicate", agent: "Agent", employee: "Employee", supervisor: "Supervisor", admin: "Admin" },
    groups: { salesTeam: "Sales Team", supportTeam: "Support Team", nightShift: "Night Shift" },
    sites: { london: "London", kyiv: "Kyiv", aws: "PureCloud Voice - AWS" },
    phoneBases: { webrtc: "WebRTC Phone Base", polycom: "Polycom VVX 400" },
} as const;

export function seedModel(m: GenesysModel): void {
    const n = SEED_NAMES;
    m.divisions.set(SEED.divisions.home, { id: SEED.divisions.home, name: n.divisions.home, description: "The home division", home: true });
    m.divisions.set(SEED.divisions.sales, { id: SEED.divisions.sales, name: n.divisions.sales, home: false });

    const role = (key: keyof typeof SEED.roles, description: string, permissions: string[]) =>
        m.roles.set(SEED.roles[key], { id: SEED.roles[key], name: n.roles[key], description, permissions });
    role("communicate", "Make and receive calls, chat, see people", [
        "conversation:call:add",
        "conversation:communication:view",
        "conversation:webrtc:use",
        "directory:user:view",
        "chat:chat:access",
    ]);
    role("agent", "Contact-centre agent", ["conversation:call:add", "routing:agent:onqueue", "conversation:webrtc:use"]);
    role("employee", "Every employee: directory and chat, no calls", ["directory:user:view", "chat:chat:access", "directory:profile:edit"]);
    role("supervisor", "Watch queues and monitor calls (no call placing)", ["analytics:queueObservation:view", "conversation:call:monitor", "routing:queue:view"]);
    role("admin", "Everything", ["*"]);

    m.groups.set(SEED.groups.salesTeam, { id: SEED.groups.salesTeam, name: n.groups.salesTeam, description: "Sales agents", version: 1, members: [], grants: [] });
    m.groups.set(SEED.groups.supportTeam, {
        id: SEED.groups.supportTeam,
        name: n.groups.supportTeam,
        description: "Support agents",
        version: 2,
        members: [SEED.users.existingAdmin],
        grants: [{ roleId: SEED.roles.employee, divisionId: SEED.divisions.home }],
    });
    m.groups.set(SEED.groups.nightShift, { id: SEED.groups.nightShift, name: n.groups.nightShift, version: 1, members: [], grants: [] });

    m.sites.set(SEED.sites.london, { id: SEED.sites.london, name: n.sites.london });
    m.sites.set(SEED.sites.kyiv, { id: SEED.sites.kyiv, name: n.sites.kyiv });
    m.sites.set(SEED.sites.aws, { id: SEED.sites.aws, name: n.sites.aws, managed: true });

    m.phoneBases.set(SEED.phoneBases.webrtc, {
        id: SEED.phoneBases.webrtc,
        name: n.phoneBases.webrtc,
        metaBase: { id: WEBRTC_META_BASE, name: "PureCloud WebRTC Phone" },
        lines: [{ id: SEED.lineBases.webrtc, name: "WebRTC Phone Base_1" }],
    });
    m.phoneBases.set(SEED.phoneBases.polycom, {
        id: SEED.phoneBases.polycom,
        name: n.phoneBases.polycom,
        metaBase: { id: "polycom_vvx_400.json", name: "Polycom VVX 400" },
        lines: [{ id: SEED.lineBases.polycom, name: "Polycom VVX 400_1" }],
    });

    m.seedUser({
        id: SEED.users.formerAgent,
        name: "Former Agent",
        email: SEED.emails.formerAgent,
        state: "deleted",
        version: 2,
        divisionId: SEED.divisions.home,
        title: "Agent",
    });
    m.seedUser({
        id: SEED.users.existingAdmin,
        name: "Existing Admin",
        email: SEED.emails.existingAdmin,
        state: "active",
        divisionId: SEED.divisions.home,
        title: "Administrator",
        department: "IT",
        grants: [{ roleId: SEED.roles.admin, divisionId: SEED.divisions.home }],
    });
}

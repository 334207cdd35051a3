import { mock, MockProxy } from "jest-mock-extended";
import type { GenesysApi, GenesysUser, PhoneBase } from "../../provider/genesys/client";

/** A mocked facade with a small org behind its lookups: what every Genesys hook test starts from. */
export const ORG = {
    home: { id: "div-home", name: "Home" },
    sales: { id: "div-sales", name: "Sales" },
    roles: [
        { id: "role-communicate", name: "Communicate", permissions: ["conversation:call:add"] },
        { id: "role-agent", name: "Agent", permissions: ["conversation:call:add"] },
        { id: "role-employee", name: "Employee", permissions: [] },
    ],
    groups: [
        { id: "grp-sales", name: "Sales Team" },
        { id: "grp-support", name: "Support Team" },
    ],
    sites: [
        { id: "site-london", name: "London" },
        { id: "site-kyiv", name: "Kyiv" },
    ],
    phoneBases: [
        { id: "pb-webrtc", name: "WebRTC Phone Base", webRtc: true, metaBaseId: "inin_webrtc_softphone.json", lines: [{ id: "lb-1", name: "line" }] },
        { id: "pb-polycom", name: "Polycom VVX 400", webRtc: false, metaBaseId: "polycom_vvx400.json", lines: [{ id: "lb-2", name: "line" }] },
    ] as PhoneBase[],
};

export function mockOrg(): MockProxy<GenesysApi> {
    const api = mock<GenesysApi>();
    api.homeDivision.mockResolvedValue(ORG.home);
    api.divisions.mockResolvedValue([ORG.home, ORG.sales]);
    api.roles.mockResolvedValue(ORG.roles);
    api.groups.mockResolvedValue(ORG.groups);
    api.sites.mockResolvedValue(ORG.sites);
    api.phoneBases.mockResolvedValue(ORG.phoneBases);
    return api;
}

export const user = (over: Partial<GenesysUser> = {}): GenesysUser => ({
    id: "u-1",
    name: "Ivan Ivanov",
    email: "ivan.ivanov@example.com",
    state: "active",
    version: 1,
    divisionId: ORG.home.id,
    ...over,
});

/** The facade methods that change the org. */
export const WRITES = [
    "createUser",
    "updateUser",
    "restoreUser",
    "deleteUser",
    "moveUserToDivision",
    "replaceDirectGrants",
    "removeDirectGrants",
    "addGroupMember",
    "removeGroupMember",
    "createPhone",
    "updatePhone",
    "deletePhone",
    "setDefaultStation",
    "clearDefaultStation",
] as const;

export function writesMade(api: MockProxy<GenesysApi>): string[] {
    return WRITES.filter((m) => api[m].mock.calls.length > 0);
}

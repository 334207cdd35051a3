import * as pulumi from "@pulumi/pulumi";
import { DefaultStation, GroupMembership, User, UserRoles, WebRtcPhone } from "../genesys";
import { Agent, Extension } from "../mediatel";
import type { ExtensionArgs } from "../mediatel";
import type { Person } from "./roster";

export interface StaffMemberOptions extends pulumi.ComponentResourceOptions {
    /**
     * Settings of the person's Mediatel server extension (when the roster gives one) other than its name, e.g. the
     * telephony server in `destAddress`. Default: a SIP extension (`type: 5`, `protocol: "SIP"`) dialling its own name.
     */
    extension?: Partial<Omit<ExtensionArgs, "extension">>;
    /**
     * Take over people who already exist (a Genesys user of the same email, a Mediatel agent of the same login, an
     * extension of the same name) instead of refusing them: for bringing an existing org under the roster.
     */
    adoptExisting?: boolean;
}

/**
 * One person of the roster and everything they get: in Genesys Cloud a user, the roles granted to them, one
 * membership per group, a WebRTC phone and that phone as default station (after the roles, because Genesys assigns
 * a default station only to a user holding a role with call permission); in Mediatel an agent copied from the
 * template and the person's server extension. Children are named `<person>/<what>` so a preview reads as people.
 * Removing the person destroys exactly these, dependants first.
 */
export class StaffMember extends pulumi.ComponentResource {
    readonly userId?: pulumi.Output<string>;
    readonly phoneId?: pulumi.Output<string>;
    readonly stationId?: pulumi.Output<string>;
    readonly agentId?: pulumi.Output<number>;

    constructor(name: string, person: Person, opts: StaffMemberOptions = {}) {
        const { extension: extensionDefaults, adoptExisting, ...componentOpts } = opts;
        const adopt = adoptExisting ? { adopt: true } : {};
        super("telephony:staffing:StaffMember", name, {}, componentOpts);
        const child = (what: string) => `${name}/${what}`;
        const parent = { parent: this };

        const g = person.genesys;
        if (g) {
            const user = new User(child("user"), { name: person.name, email: person.email, title: g.title, department: g.department, ...adopt }, parent);
            this.userId = user.id;
            const roles = g.roles?.length
                ? new UserRoles(child("roles"), { userId: user.id, roles: g.roles.map((role) => ({ role })) }, parent)
                : undefined;
            // named by the lower-cased group, so a change of case in the roster is not a new membership (whose create
            // before the old one's delete would take the person out of the group)
            const memberships = (g.groups ?? []).map((group) => new GroupMembership(child(`group:${group.toLowerCase()}`), { group, userId: user.id }, parent));
            if (g.site && g.phone !== false) {
                const phone = new WebRtcPhone(child("webrtc-phone"), { userId: user.id, site: g.site }, parent);
                const station = new DefaultStation(
                    child("default-station"),
                    { userId: user.id, phoneId: phone.id },
                    // the call permission may come from the roles or from a group: both first
                    { parent: this, dependsOn: [...(roles ? [roles] : []), ...memberships] },
                );
                this.phoneId = phone.id;
                this.stationId = station.stationId;
            }
        }

        const m = person.mediatel;
        if (m) {
            const login = m.login ?? person.email.split("@")[0];
            const agent = new Agent(child("mediatel-agent"), { login, email: person.email, template: m.template, defaultSkill: m.defaultSkill, ...adopt }, parent);
            this.agentId = agent.agentId;
            if (m.extension) {
                new Extension(
                    child("mediatel-extension"),
                    { type: 5, protocol: "SIP", destination: m.extension, ...extensionDefaults, extension: m.extension, ...adopt },
                    parent,
                );
            }
        }

        this.registerOutputs({ userId: this.userId, phoneId: this.phoneId, stationId: this.stationId, agentId: this.agentId });
    }
}

/** One StaffMember per person, named by email, keyed by email. */
export function provisionRoster(roster: { people: Person[] }, opts?: StaffMemberOptions): Record<string, StaffMember> {
    return Object.fromEntries(roster.people.map((p) => [p.email, new StaffMember(p.email, p, opts)]));
}

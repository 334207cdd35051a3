import * as pulumi from "@pulumi/pulumi";
import * as telephony from "pulumi-telephony";

// One new hire, end to end: the user, a role that may make calls, a group, a WebRTC phone and its default station.
const config = new pulumi.Config();
const email = config.get("email") ?? "olena.kovalenko@example.com";

const user = new telephony.genesys.User("olena", {
    name: "Olena Kovalenko",
    email,
    title: "Contact Centre Agent",
    department: "Sales",
});

// Communicate carries Conversation > Call > Add, which Genesys requires before it assigns a default station.
const roles = new telephony.genesys.UserRoles("olena-roles", {
    userId: user.id,
    roles: [{ role: "Communicate" }],
});

new telephony.genesys.GroupMembership("olena-sales-team", { group: "Sales Team", userId: user.id });

const phone = new telephony.genesys.WebRtcPhone("olena-phone", { userId: user.id, site: "London" });

const station = new telephony.genesys.DefaultStation(
    "olena-default-station",
    { userId: user.id, phoneId: phone.id },
    { dependsOn: [roles] },
);

export const userId = user.id;
export const phoneId = phone.id;
export const stationId = station.stationId;

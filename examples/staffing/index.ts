import * as telephony from "pulumi-telephony";

const roster = telephony.staffing.loadRoster(`${__dirname}/roster.yaml`);
const staff = telephony.staffing.provisionRoster(roster);
export const summary = Object.fromEntries(Object.entries(staff).map(([email, s]) => [email, { userId: s.userId, phoneId: s.phoneId, agentId: s.agentId }]));

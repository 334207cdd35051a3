import * as pulumi from "@pulumi/pulumi";
import * as telephony from "pulumi-telephony";

const config = new pulumi.Config();
const template = config.get("template") ?? "AGENT_TEMPLATE_CK_01";
const firstExtension = config.getNumber("firstExtension") ?? 3500;
const sipHost = config.get("sipHost") ?? "webrtc-hes.example.ua";

// Two agents copied from the template: its settings (domain, rights, supervisor, client app, call groups as far as
// REST carries them) plus a login, the e-mail in Details and a generated password (a secret output).
// olena.kovalenko is soft-deleted in the sandbox: creating her reactivates that agent instead of failing.
const people = [
    { login: "ivan.ivanov", email: "ivan.ivanov@creditkasa.ua" },
    { login: "olena.kovalenko", email: "olena.kovalenko@creditkasa.ua", defaultSkill: 7, clientApp: { timeForDialOut: 25 } },
];

const agents = people.map(
    (person) =>
        new telephony.mediatel.Agent(person.login, {
            ...person,
            template,
            // "soft" keeps the agent with State 0 on destroy (its history stays; the login stays taken)
            deletion: "hard",
        }),
);

// A block of 20 server extensions, as contact centres prepare them in advance.
const names = Array.from({ length: 20 }, (_, i) => String(firstExtension + i));
const extensions = names.map(
    (name) =>
        new telephony.mediatel.Extension(`ext-${name}`, {
            extension: name,
            type: 3,
            protocol: "SIP",
            destAddress: sipHost,
            destination: name,
            codecs: ["g711a", "g711u"],
            dtmfSupport: ["rfc2833"],
        }),
);

export const agentIds = Object.fromEntries(agents.map((a, i) => [people[i].login, a.agentId]));
// secret: `pulumi stack output agentPasswords --show-secrets` to hand them over (and into the CRM)
export const agentPasswords = Object.fromEntries(agents.map((a, i) => [people[i].login, a.password]));
export const extensionIds = Object.fromEntries(extensions.map((e, i) => [names[i], e.extensionId]));

/**
 * mediatel.Agent: a contact-centre agent, created the way supervisors do it in the UI ("Копировать Агента"): copy a
 * template agent, give the copy a `name.surname` login, a password and the e-mail in Details.
 *
 * - create: looks the template up (login or ID), POSTs its settings with `ID: -1`, the new login, password and
 *   e-mail, and the managed overrides (`clientApp` merged over the template's; nested objects sent whole). A login
 *   held by a soft-deleted agent is reactivated (same ID) instead of failing with 102 "name in use"; so is an active
 *   agent with this login and e-mail (the same person); an active agent of someone else is refused unless
 *   `adopt: true`. When the answer to the POST was lost, the agent is found by login and e-mail, not made twice.
 * - the password is generated with node:crypto when left out and is always a secret output. The API shows only the
 *   first 16 hex digits of its MD5: read compares them and reports `passwordInSync: false` when someone changed it,
 *   and the next update sets it back.
 * - read: the agent at that ID, if it still has this login (IDs are reused); only managed fields are reported.
 * - delete: `PUT {State:0}` (logical delete), then `DELETE` unless `deletion: "soft"`.
 *
 * Queue and project bindings are not part of the REST agent: a REST copy does not carry them (see the README).
 */
import * as pulumi from "@pulumi/pulumi";
import { createHash, randomInt } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import { z } from "zod";
import { diffInputs, DiffSpec } from "../core/diff";
import { InputError, TelephonyError } from "../core/errors";
import { log } from "../core/log";
import { providerShim } from "../core/provider";
import { ArgsOf, keysOf, ResourceDefinition } from "../core/resource";
import { unknownName } from "../core/suggest";
import { AgentChanges, isAmbiguous, isNameInUse, MediatelAgent, MediatelApi, MediatelClientApp, mediatel } from "./client";

// ---------------------------------------------------------------- inputs

/** `name.surname`: lowercase latin letters and hyphens, dot-separated, optional trailing digits. */
export const LOGIN_PATTERN = /^[a-z]+(?:-[a-z]+)*(?:\.[a-z]+(?:-[a-z]+)*)+[0-9]*$/;

export function loginProblem(input: unknown): string {
    const got = typeof input === "string" ? `, got "${input}"` : "";
    let hint = "";
    if (typeof input === "string") {
        const guess = input.trim().toLowerCase().replace(/[\s_]+/g, ".");
        if (guess !== input && LOGIN_PATTERN.test(guess)) hint = `; did you mean "${guess}"?`;
    }
    return `must have the form name.surname, e.g. ivan.ivanov (lowercase latin letters and hyphens, dot-separated, optional trailing digits)${got}${hint}`;
}

/** The 16 hex digits the API shows for a password. */
export const passwordHash = (plain: string): string => createHash("md5").update(plain, "utf8").digest("hex").slice(0, 16);

const TEMPLATE_FORM = 'must be the login or numeric ID of the agent to copy, e.g. "AGENT_TEMPLATE_CK_01"';
const flag = z.boolean();
const count = z.number().int().min(0);

/** ClientApp sub-settings: the API's 0/1 flags are booleans here; names are the API's, in camelCase. */
const clientAppSchema = z.strictObject({
    showTreeCC: flag.optional(),
    showValidCB: flag.optional(),
    showFullTreeCC: flag.optional(),
    autoAnswer: z
        .strictObject({
            predictive: flag.optional(),
            other: flag.optional(),
            inbound: flag.optional(),
            manual: flag.optional(),
            /** Auto-answer delay (the API's AutoAnswer.Time; 2200 in the samples, probably ms). */
            time: count.optional(),
        })
        .optional(),
    showPopupPause: flag.optional(),
    startUrl: z.string().optional(),
    timeWarning: flag.optional(),
    /** Seconds to dial out (UI "Время для набора"). */
    timeForDialOut: count.optional(),
    addNrInClipboard: flag.optional(),
    clericalReminder: count.optional(),
    resetVoiceChannel: flag.optional(),
    /** Ring file ID; -1 = none. */
    ringFileId: z.number().int().min(-1).optional(),
});

const schema = z.strictObject({
    login: z.string().regex(LOGIN_PATTERN, { error: (iss) => loginProblem(iss.input) }),
    email: z.email({ error: "must be an e-mail address, e.g. ivan.ivanov@example.com (it is written to the agent's Details)" }),
    template: z.union([z.string().min(1, { error: TEMPLATE_FORM }), z.number().int().positive({ error: TEMPLATE_FORM })], { error: TEMPLATE_FORM }),
    password: z
        .string()
        .min(1)
        .refine((p) => !/^[0-9a-f]{16}$/.test(p), {
            error: "must not be 16 lowercase hex digits: Mediatel would store it as an already hashed password",
        })
        .optional(),
    rightId: z.number().int().optional(),
    supervisorId: z.number().int().min(-1).optional(),
    supervisorRightId: z.number().int().optional(),
    domain: z.string().optional(),
    defaultSkill: z.number().int().min(1).max(10).optional(),
    persNumbers: z.array(z.string()).optional(),
    clientApp: clientAppSchema.optional(),
    active: z.boolean().default(true),
    deletion: z.enum(["hard", "soft"]).default("hard"),
    /** Take over an active agent that already holds this login instead of failing (create only). */
    adopt: z.boolean().optional(),
});

export type AgentInputs = z.output<typeof schema>;
export type ClientAppSettings = z.output<typeof clientAppSchema>;

export interface AgentOutputs extends AgentInputs {
    agentId: number;
    /** The password as set (generated when not given); always a secret output. */
    password: string;
    /** False when read found that the password was changed outside Pulumi; the next update sets it back. */
    passwordInSync: boolean;
}

// ---------------------------------------------------------------- mapping

type Scalar = "rightId" | "supervisorId" | "supervisorRightId" | "domain" | "defaultSkill" | "persNumbers";
const SCALARS: [Scalar, keyof MediatelAgent][] = [
    ["rightId", "RightID"],
    ["supervisorId", "SupervisorID"],
    ["supervisorRightId", "SupervisorRightID"],
    ["domain", "Domain"],
    ["defaultSkill", "DefaultSkill"],
    ["persNumbers", "PersNumbers"],
];

type AppKey = Exclude<keyof ClientAppSettings, "autoAnswer">;
const APP: [AppKey, string, "flag" | "value"][] = [
    ["showTreeCC", "ShowTreeCC", "flag"],
    ["showValidCB", "ShowValidCB", "flag"],
    ["showFullTreeCC", "ShowFullTreeCC", "flag"],
    ["showPopupPause", "ShowPopupPause", "flag"],
    ["startUrl", "StartURL", "value"],
    ["timeWarning", "TimeWarning", "flag"],
    ["timeForDialOut", "TimeForDialOut", "value"],
    ["addNrInClipboard", "AddNrInClipboard", "flag"],
    ["clericalReminder", "ClericalReminder", "value"],
    ["resetVoiceChannel", "ResetVoiceChannel", "flag"],
    ["ringFileId", "RingFileID", "value"],
];
type AutoKey = keyof NonNullable<ClientAppSettings["autoAnswer"]>;
const AUTO: [AutoKey, string, "flag" | "value"][] = [
    ["predictive", "Predictive", "flag"],
    ["other", "Other", "flag"],
    ["inbound", "Inbound", "flag"],
    ["manual", "Manual", "flag"],
    ["time", "Time", "value"],
];

const toApi = (v: unknown, kind: "flag" | "value") => (kind === "flag" ? (v ? 1 : 0) : v);
const fromApi = (v: unknown, kind: "flag" | "value") => (v === undefined ? undefined : kind === "flag" ? v === 1 || v === true : v);

/** The API's ClientApp: `base` (the template's or the live one) with the managed settings laid over it, whole. */
export function mergeClientApp(base: MediatelClientApp | undefined, managed: ClientAppSettings | undefined): MediatelClientApp {
    const out: MediatelClientApp = structuredClone(base ?? {});
    if (!managed) return out;
    for (const [k, api, kind] of APP) if (managed[k] !== undefined) out[api] = toApi(managed[k], kind);
    if (managed.autoAnswer) {
        const auto = { ...(out.AutoAnswer ?? {}) };
        for (const [k, api, kind] of AUTO) if (managed.autoAnswer[k] !== undefined) auto[api] = toApi(managed.autoAnswer[k], kind);
        out.AutoAnswer = auto;
    }
    return out;
}

/** The live values of exactly the settings `managed` names (what read reports). */
export function projectClientApp(live: MediatelClientApp | undefined, managed: ClientAppSettings): ClientAppSettings {
    const out: Record<string, unknown> = {};
    for (const [k, api, kind] of APP) if (managed[k] !== undefined) out[k] = fromApi(live?.[api], kind);
    if (managed.autoAnswer) {
        const auto: Record<string, unknown> = {};
        for (const [k, api, kind] of AUTO) if (managed.autoAnswer[k] !== undefined) auto[k] = fromApi(live?.AutoAnswer?.[api], kind);
        out.autoAnswer = auto;
    }
    return out as ClientAppSettings;
}

/** Top-level API fields for the managed scalar inputs (left-out inputs are not touched). */
function managedFields(i: AgentInputs): AgentChanges {
    const out: AgentChanges = { Login: i.login, Details: i.email, State: i.active ? 1 : 0 };
    for (const [k, api] of SCALARS) if (i[k] !== undefined) out[api] = structuredClone(i[k]);
    return out;
}

/** Outputs from what the API shows: managed inputs only (those present in `props`), plus computed ones. */
function outputsOf(live: MediatelAgent, props: AgentInputs & { password: string }): AgentOutputs {
    const out: AgentOutputs = {
        login: live.Login,
        email: live.Details,
        template: props.template,
        ...(props.adopt !== undefined ? { adopt: props.adopt } : {}),
        password: props.password,
        active: live.State === 1,
        deletion: props.deletion ?? "hard",
        agentId: live.ID,
        passwordInSync: props.password !== undefined && live.Password === passwordHash(props.password),
    };
    const record = out as unknown as Record<string, unknown>;
    for (const [k, api] of SCALARS) if (props[k] !== undefined) record[k] = structuredClone(live[api]);
    if (props.clientApp !== undefined) out.clientApp = projectClientApp(live.ClientApp, props.clientApp);
    return out;
}

/** A password for a new agent: 20 characters from an alphabet without look-alikes, every class present. */
export function generatePassword(length = 20): string {
    const lower = "abcdefghijkmnpqrstuvwxyz";
    const upper = "ABCDEFGHJKLMNPQRSTUVWXYZ";
    const digits = "23456789";
    const all = lower + upper + digits;
    for (;;) {
        let p = "";
        for (let i = 0; i < length; i++) p += all[randomInt(all.length)];
        if (/[a-z]/.test(p) && /[A-Z]/.test(p) && /[0-9]/.test(p)) return p;
    }
}

/** Never let a password reach an error message (a server may echo the request). */
function scrub(e: unknown, password: string | undefined): unknown {
    if (!password || !(e instanceof Error)) return e;
    const clean = (s: string) => s.split(password).join("[secret]");
    e.message = clean(e.message);
    const detail = (e as { detail?: unknown }).detail;
    if (typeof detail === "string") Object.defineProperty(e, "detail", { value: clean(detail) });
    return e;
}

const sameLogin = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

async function resolveTemplate(ref: string | number, api: MediatelApi): Promise<MediatelAgent> {
    const agents = await api.listAgents({ cached: true });
    if (typeof ref === "number" || /^\d+$/.test(ref)) {
        const byId = agents.find((a) => a.ID === Number(ref));
        if (byId) return byId;
    }
    const byLogin = agents.find((a) => a.Login === ref) ?? agents.find((a) => sameLogin(a.Login, String(ref)));
    if (byLogin) return byLogin;
    throw unknownName("template", "agent", String(ref), agents.map((a) => a.Login));
}

/** Template settings copied for a new agent: everything but identity, password, details and state. */
function copyOf(template: MediatelAgent): AgentChanges {
    const { ID: _id, Login: _login, Password: _password, Details: _details, State: _state, ...settings } = structuredClone(template);
    return settings;
}

// ---------------------------------------------------------------- hooks

const DIFF: DiffSpec = {
    // the template is read once and adopt matters once, at create: later changes are ignored
    keys: keysOf(schema).filter((k) => k !== "template" && k !== "adopt"),
    equal: { login: (a, b) => typeof a === "string" && typeof b === "string" && sameLogin(a, b) },
};

export const agentDefinition: ResourceDefinition<AgentInputs, AgentOutputs, MediatelApi> = {
    kind: "mediatel:Agent",
    schema,
    inputKeys: keysOf(schema),
    connect: mediatel,
    diff(olds, news) {
        const result = diffInputs(olds as unknown as Record<string, unknown>, news as Record<string, unknown>, DIFF);
        // the password was changed outside Pulumi (refresh saw it): an update sets it back
        if (olds.passwordInSync === false && !result.changes) return { ...result, changes: true };
        return result;
    },

    async create(inputs, api) {
        const password = inputs.password ?? generatePassword();
        try {
            const template = await resolveTemplate(inputs.template, api);
            const body: AgentChanges & { Login: string } = {
                ...copyOf(template),
                ...managedFields(inputs),
                Login: inputs.login,
                Password: password,
                ClientApp: mergeClientApp(template.ClientApp, inputs.clientApp),
            };
            let agent: MediatelAgent;
            try {
                agent = await api.createAgent(body);
            } catch (e) {
                if (!isNameInUse(e) && !isAmbiguous(e)) throw e;
                agent = await recoverByLogin(inputs, body, api, e);
            }
            const props = { ...inputs, password };
            return { id: String(agent.ID), outs: outputsOf(agent, props) };
        } catch (e) {
            throw scrub(e, password);
        }
    },

    async read(id, props, api) {
        const live = await api.getAgent(Number(id));
        // IDs are reused: another login at this ID means ours is gone
        if (!live || !sameLogin(live.Login, props.login)) return undefined;
        return outputsOf(live, props);
    },

    async update(id, olds, news, api) {
        const password = news.password ?? olds.password ?? generatePassword();
        try {
            const live = await api.getAgent(Number(id));
            if (!live || !sameLogin(live.Login, olds.login)) {
                throw new TelephonyError(
                    `mediatel.Agent "${olds.login}" (ID ${id}) no longer exists in Mediatel (or its ID now belongs to another login); run \`pulumi refresh\` and Pulumi will create it again`,
                );
            }
            // converge on what is really there, not on what the state said
            const desired: AgentChanges = { ...managedFields(news), ClientApp: mergeClientApp(live.ClientApp, news.clientApp) };
            const changes: AgentChanges = {};
            for (const [k, v] of Object.entries(desired)) if (!isDeepStrictEqual(live[k], v)) changes[k] = v;
            if (live.Password !== passwordHash(password)) changes.Password = password;
            const result = Object.keys(changes).length ? await api.updateAgent(Number(id), changes) : live;
            return outputsOf(result, { ...news, template: olds.template, adopt: olds.adopt, password });
        } catch (e) {
            throw scrub(e, password);
        }
    },

    async delete(id, props, api) {
        const live = await api.getAgent(Number(id));
        if (!live || !sameLogin(live.Login, props.login)) return; // already gone (and never someone else's)
        if (live.State !== 0) await api.updateAgent(Number(id), { State: 0 }); // logical delete first
        if (props.deletion !== "soft") await api.deleteAgent(Number(id));
    },
};

/**
 * The POST failed with 102 "name in use", or its answer was lost. Look the login up (fresh list):
 * - nobody holds it: the lost POST never arrived, send it once more (a 102 without a listed holder is explained);
 * - a soft-deleted agent holds it: reactivate it (same ID) with the new settings;
 * - the answer was lost and the holder carries our e-mail: it is the agent this call created;
 * - an active agent with our e-mail holds it (a create whose answer was lost in an earlier run, a stack rebuilt):
 *   the same person, adopted;
 * - another active agent holds it: adopted with `adopt: true`, otherwise a clear error naming the login.
 */
async function recoverByLogin(inputs: AgentInputs, body: AgentChanges & { Login: string }, api: MediatelApi, cause: unknown): Promise<MediatelAgent> {
    const holder = (await api.listAgents()).find((a) => sameLogin(a.Login, inputs.login));
    if (!holder) {
        if (isAmbiguous(cause)) return api.createAgent(body);
        throw new InputError(
            "login",
            `Mediatel says "${inputs.login}" is in use (102), but lists no agent with it: an agent hidden from this token, or a soft-deleted one this API does not list, holds it; ` +
                "delete that agent permanently in the supervisor UI, or choose another login",
        );
    }
    const samePerson = holder.Details === inputs.email;
    if (holder.State !== 0 && isAmbiguous(cause) && samePerson) return holder;
    if (holder.State !== 0 && !inputs.adopt && !samePerson) {
        throw new InputError(
            "login",
            `"${inputs.login}" is already used by active Mediatel agent ID ${holder.ID} ("${holder.Details}"), which this stack does not manage; ` +
                "set `adopt: true` on this mediatel.Agent to manage that agent (it gets the template's settings and this password), or choose another login",
        );
    }
    log.warn(
        holder.State === 0
            ? `mediatel.Agent "${inputs.login}": reactivating the soft-deleted agent ID ${holder.ID} that holds this login`
            : `mediatel.Agent "${inputs.login}": adopting the active agent ID ${holder.ID} that holds this login${samePerson ? " and this e-mail" : ""}`,
    );
    const { Login: _login, ...changes } = body;
    return api.updateAgent(holder.ID, changes);
}

// ---------------------------------------------------------------- resource class

export type AgentArgs = ArgsOf<z.input<typeof schema>>;

/**
 * A Mediatel agent copied from a template agent. `password` is always a secret output (generated when left out).
 *
 *   new telephony.mediatel.Agent("ivan", { login: "ivan.ivanov", email: "ivan.ivanov@example.ua", template: "AGENT_TEMPLATE_CK_01" });
 */
export class Agent extends pulumi.dynamic.Resource {
    declare readonly login: pulumi.Output<string>;
    declare readonly email: pulumi.Output<string>;
    declare readonly template: pulumi.Output<string | number>;
    declare readonly password: pulumi.Output<string>;
    declare readonly rightId: pulumi.Output<number | undefined>;
    declare readonly supervisorId: pulumi.Output<number | undefined>;
    declare readonly supervisorRightId: pulumi.Output<number | undefined>;
    declare readonly domain: pulumi.Output<string | undefined>;
    declare readonly defaultSkill: pulumi.Output<number | undefined>;
    declare readonly persNumbers: pulumi.Output<string[] | undefined>;
    declare readonly clientApp: pulumi.Output<ClientAppSettings | undefined>;
    declare readonly active: pulumi.Output<boolean>;
    declare readonly deletion: pulumi.Output<"hard" | "soft">;
    declare readonly adopt: pulumi.Output<boolean | undefined>;
    declare readonly agentId: pulumi.Output<number>;
    declare readonly passwordInSync: pulumi.Output<boolean>;

    constructor(name: string, args: AgentArgs, opts?: pulumi.CustomResourceOptions) {
        // a given password is secret from the start: in the inputs stored in state, not only in the outputs
        const password = args.password === undefined ? undefined : pulumi.secret(args.password);
        super(
            providerShim("mediatel:Agent"),
            name,
            { agentId: undefined, passwordInSync: undefined, ...args, password },
            pulumi.mergeOptions(opts, { additionalSecretOutputs: ["password"] }),
            "mediatel",
            "Agent",
        );
    }
}

/**
 * Roster loading: one file (YAML or CSV) lists the people a contact centre employs; `loadRoster` validates it and
 * returns normalised `Person` records, or throws a `RosterError` that lists every problem in the file at once as
 * `<file>:<line>: <field>: <reason>`. Pure parsing: no Pulumi, no network.
 *
 * YAML (`.yaml`/`.yml`): the top level is either a list of people or a mapping `{ people: [...] }`; each person has
 * the shape of `Person` (`name`, `email`, `genesys: {...}`, `mediatel: {...}`). Anchors, aliases and `<<` merge keys
 * work. Plain numbers are read as written where text is expected (`extension: 0101` stays "0101"). Syntax errors are
 * reported one per line, and then alone: the people are checked once the file parses.
 *
 * CSV (`.csv`): a header row is required and names the columns, in any order (case-insensitive):
 *
 *   name,email,title,department,roles,groups,site,template,login,extension     (the contract's columns)
 *   phone,defaultSkill                                                         (optional extra columns)
 *
 * Only `name` and `email` must be present. An empty cell means the field is left out. `roles` and `groups` hold
 * lists separated by `;` (`Communicate;Agent`). `title,department,roles,groups,site,phone` make the person's `genesys`
 * block (when any of them is filled); `template,login,extension,defaultSkill` make the `mediatel` block (when
 * `template` is set; filling the others without `template` is reported). `phone` takes `true/false`, `yes/no` or
 * `1/0` (it turns the WebRTC phone off for a person who has a `site`); `defaultSkill` a whole number from 1 to 10.
 * Lines starting with `#` are comments; empty lines and rows of empty cells are skipped. A quote inside an unquoted
 * cell is text (`Ivan "Vanya" Ivanov`); a quoted cell that never closes is reported on its first line and ends the
 * parse (the rest of the file cannot be read reliably).
 *
 * Normalisation (both formats): strings are trimmed, emails lowercased, `genesys.phone` defaults to true when
 * `genesys.site` is set, and `mediatel.login` defaults to the email's local part.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseCsv } from "csv-parse/sync";
import { distance } from "fastest-levenshtein";
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from "yaml";
import { z } from "zod";
import { TelephonyError } from "../core/errors";

// ---------------------------------------------------------------------------------------------------------------
// Problems

/** One problem in a roster file. `line` is 1-based; `field` is the person's field (YAML path or CSV column). */
export interface RosterProblem {
    file: string;
    line: number;
    field: string;
    reason: string;
}

/** `<file>:<line>: <field>: <reason>` */
export function formatProblem(p: RosterProblem): string {
    return `${p.file}:${p.line}: ${p.field}: ${p.reason}`;
}

/** A roster that cannot be used. The message lists every problem, one per line, in file order. */
export class RosterError extends TelephonyError {
    readonly problems: readonly RosterProblem[];

    constructor(problems: readonly RosterProblem[]) {
        super(problems.map(formatProblem).join("\n"));
        this.problems = problems;
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Schema

/** A Mediatel login: `name.surname`, lowercase latin letters and hyphens, dot-separated, optional trailing digits. */
export const MEDIATEL_LOGIN = /^[a-z]+(?:-[a-z]+)*(?:\.[a-z]+(?:-[a-z]+)*)+[0-9]*$/;
const LOGIN_RULE = "name.surname in lowercase latin letters and hyphens, dot-separated, optionally ending in digits";

/** How a value reads in a message. */
function show(v: unknown): string {
    if (v === undefined || v === null) return "nothing";
    if (typeof v === "string") return JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v);
    if (Array.isArray(v)) return "a list";
    if (typeof v === "object") return "a mapping";
    return String(v);
}

const EXPECTED: Record<string, string> = {
    string: "text",
    array: "a list",
    object: "a mapping of fields",
    number: "a number",
    boolean: "true or false",
};

/** Reasons for the generic issues (schema-specific messages are set where the schema is defined). */
function defaultReason(issue: z.core.$ZodRawIssue): string | undefined {
    if (issue.code !== "invalid_type") return undefined;
    if (issue.input === undefined) return "required";
    if (issue.input === null || (typeof issue.input === "string" && issue.input.trim() === "")) return "must not be empty";
    return `expected ${EXPECTED[issue.expected] ?? issue.expected}, got ${show(issue.input)}`;
}

const text = () => z.string().trim().min(1, { error: "must not be empty", abort: true });

const list = (what: string) =>
    z.array(text()).superRefine((items, ctx) => {
        const seen = new Set<string>();
        items.forEach((item, i) => {
            const k = item.toLowerCase();
            if (seen.has(k)) ctx.addIssue({ code: "custom", path: [i], message: `${what} "${item}" is listed twice` });
            seen.add(k);
        });
    });

const BOOLEANS: Record<string, boolean> = { true: true, yes: true, "1": true, false: false, no: false, "0": false };
function toBoolean(v: unknown): unknown {
    return typeof v === "string" ? (BOOLEANS[v.trim().toLowerCase()] ?? v) : v;
}
function toNumber(v: unknown): unknown {
    return typeof v === "string" && /^\s*[+-]?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : v;
}

const phone = z.preprocess(toBoolean, z.boolean({ error: (i) => `must be true or false, got ${show(i.input)}` }));

const skillReason = (i: { input?: unknown }) => `must be a whole number from 1 to 10, got ${show(i.input)}`;
const defaultSkill = z.preprocess(
    toNumber,
    z.number({ error: skillReason }).refine((n) => Number.isInteger(n) && n >= 1 && n <= 10, { error: skillReason }),
);

const email = z
    .string()
    .trim()
    .toLowerCase()
    .min(1, { error: "must not be empty", abort: true })
    .pipe(z.email({ error: (i) => `${show(i.input)} is not a valid email address` }));

const login = text().regex(MEDIATEL_LOGIN, {
    error: (i) => `${show(i.input)} is not a valid Mediatel login: expected ${LOGIN_RULE} (e.g. ivan.ivanov2)`,
});

const template = z
    .string({
        error: (i) =>
            i.input === undefined ? "required: the login or ID of the Mediatel agent whose settings are copied" : undefined,
    })
    .trim()
    .min(1, { error: "must not be empty", abort: true });

export const genesysBlockSchema = z
    .strictObject({
        title: text().optional(),
        department: text().optional(),
        roles: list("role").optional(),
        groups: list("group").optional(),
        site: text().optional(),
        /** A WebRTC phone and default station are made when `site` is set, unless this is false. */
        phone: phone.optional(),
    })
    .transform((g) => (g.site !== undefined && g.phone === undefined ? { ...g, phone: true } : g));

export const mediatelBlockSchema = z.strictObject({
    template,
    /** Defaults to the email's local part. */
    login: login.optional(),
    extension: text().optional(),
    defaultSkill: defaultSkill.optional(),
});

/** The fields of each block, for "did you mean" hints. */
const FIELDS: Record<string, readonly string[]> = {
    "": ["name", "email", "genesys", "mediatel"],
    genesys: ["title", "department", "roles", "groups", "site", "phone"],
    mediatel: ["template", "login", "extension", "defaultSkill"],
};

function localPart(email: string): string {
    return email.trim().toLowerCase().split("@")[0] ?? "";
}

function isRecord(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

interface RuleIssue {
    path: (string | number)[];
    reason: string;
}

/** Rules across fields. Works on raw input as well as parsed people, so it runs even when the schema aborts. */
function personRules(p: unknown): RuleIssue[] {
    if (!isRecord(p)) return [];
    const out: RuleIssue[] = [];
    const g = p.genesys;
    if (isRecord(g) && toBoolean(g.phone) === true && g.site === undefined) {
        out.push({ path: ["genesys", "phone"], reason: "a WebRTC phone needs a site: set site, or leave phone out" });
    }
    const m = p.mediatel;
    if (isRecord(m) && m.login === undefined && typeof p.email === "string" && p.email.includes("@")) {
        const dflt = localPart(p.email);
        if (dflt && !MEDIATEL_LOGIN.test(dflt)) {
            out.push({
                path: ["mediatel", "login"],
                reason: `not set, and the email's local part ${show(dflt)} is not a valid Mediatel login (${LOGIN_RULE}): set login`,
            });
        }
    }
    return out;
}

/** One person in the roster. */
export const personSchema = z
    .strictObject({
        name: text(),
        email,
        genesys: genesysBlockSchema.optional(),
        mediatel: mediatelBlockSchema.optional(),
    })
    .superRefine((p, ctx) => {
        for (const r of personRules(p)) ctx.addIssue({ code: "custom", path: r.path, message: r.reason });
    })
    .transform((p) =>
        p.mediatel && p.mediatel.login === undefined ? { ...p, mediatel: { ...p.mediatel, login: localPart(p.email) } } : p,
    );

/**
 * One person: `name`, `email` (lowercased), `genesys?` `{ title?, department?, roles?, groups?, site?, phone? }`,
 * `mediatel?` `{ template, login? (filled in by the loader), extension?, defaultSkill? }`.
 */
export type Person = z.output<typeof personSchema>;

export interface Roster {
    people: Person[];
}

export type RosterFormat = "yaml" | "csv";

// ---------------------------------------------------------------------------------------------------------------
// Entry points

/** Reads and validates a roster file (`.yaml`, `.yml` or `.csv`). Throws a RosterError listing every problem. */
export function loadRoster(file: string): Roster {
    const format = formatOf(file);
    if (typeof format !== "string") throw new RosterError([format]);
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (e) {
        const err = e as NodeJS.ErrnoException;
        const reason = err.code === "ENOENT" ? "no such file" : err.code === "EISDIR" ? "is a directory" : err.message;
        throw new RosterError([{ file, line: 1, field: "(file)", reason: `cannot read the roster: ${reason}` }]);
    }
    return parseRoster(text, file, format);
}

/**
 * Validates roster text without touching the disk. `fileName` is used in messages and, unless `format` is given,
 * picks the format by its extension.
 */
export function parseRoster(text: string, fileName: string, format?: RosterFormat): Roster {
    const fmt = format ?? formatOf(fileName);
    if (typeof fmt !== "string") throw new RosterError([fmt]);
    const source = fmt === "csv" ? readCsv(text, fileName) : readYaml(text, fileName);
    const problems = [...source.problems];
    const people: Person[] = [];
    for (const entry of source.entries) {
        const checked = checkEntry(entry, fileName);
        problems.push(...checked.problems);
        if (checked.person) people.push(checked.person);
    }
    problems.push(...duplicates(source.entries, fileName));
    if (problems.length) throw new RosterError(sortByLine(problems));
    return { people };
}

function formatOf(file: string): RosterFormat | RosterProblem {
    const ext = path.extname(file).toLowerCase();
    if (ext === ".yaml" || ext === ".yml") return "yaml";
    if (ext === ".csv") return "csv";
    return {
        file,
        line: 1,
        field: "(file)",
        reason: `unknown roster format ${ext ? `"${ext}"` : "(no extension)"}: use .yaml, .yml or .csv`,
    };
}

function sortByLine(problems: RosterProblem[]): RosterProblem[] {
    return problems.map((p, i) => ({ p, i })).sort((a, b) => a.p.line - b.p.line || a.i - b.i).map((x) => x.p);
}

// ---------------------------------------------------------------------------------------------------------------
// Validation shared by both formats

type Path = (string | number)[];

/** One person as read from the file, before validation. */
interface Entry {
    value: unknown;
    /** Line of the field at `path` (relative to the person), or of its nearest present parent. */
    lineOf(path: readonly PropertyKey[]): number;
    /** How the field at `path` is named in messages. */
    field(path: readonly PropertyKey[]): string;
    /** Whether unknown-field hints may point into another block ("genesys.title"). */
    nested: boolean;
}

interface Source {
    entries: Entry[];
    problems: RosterProblem[];
}

function suggest(key: string, candidates: readonly string[]): string | undefined {
    const needle = key.toLowerCase();
    const limit = Math.max(2, Math.floor(needle.length / 3));
    const best = candidates
        .map((c) => ({ c, d: distance(needle, c.toLowerCase()) }))
        .filter((x) => x.d <= limit)
        .sort((a, b) => a.d - b.d)[0];
    return best?.c;
}

function unknownFieldReason(block: string, key: string, nested: boolean): string {
    const near = suggest(key, FIELDS[block] ?? []);
    if (near) return `unknown field "${key}"; did you mean "${near}"?`;
    if (nested) {
        for (const [other, fields] of Object.entries(FIELDS)) {
            const hit = other !== block ? fields.find((f) => f.toLowerCase() === key.toLowerCase()) : undefined;
            if (hit) return `unknown field "${key}"; did you mean "${other ? `${other}.` : ""}${hit}"?`;
        }
    }
    return `unknown field "${key}"`;
}

function checkEntry(entry: Entry, file: string): { person?: Person; problems: RosterProblem[] } {
    const problems: RosterProblem[] = [];
    const seen = new Set<string>();
    const add = (p: readonly PropertyKey[], reason: string) => {
        const field = entry.field(p);
        const line = entry.lineOf(p);
        const k = `${line}\u0000${field}\u0000${reason}`;
        if (seen.has(k)) return;
        seen.add(k);
        problems.push({ file, line, field, reason });
    };
    const result = personSchema.safeParse(entry.value, { error: defaultReason });
    if (!result.success) {
        for (const issue of result.error.issues) {
            if (issue.code === "unrecognized_keys") {
                const block = issue.path.length ? String(issue.path[issue.path.length - 1]) : "";
                for (const key of issue.keys) add([...issue.path, key], unknownFieldReason(block, key, entry.nested));
            } else {
                add(issue.path, issue.message);
            }
        }
    }
    for (const r of personRules(entry.value)) add(r.path, r.reason);
    return problems.length || !result.success ? { problems } : { person: result.data, problems };
}

/** Duplicate emails (case-insensitive) and Mediatel logins (explicit or defaulted from the email) across people. */
function duplicates(entries: readonly Entry[], file: string): RosterProblem[] {
    const problems: RosterProblem[] = [];
    const emails = new Map<string, number>();
    const logins = new Map<string, number>();
    for (const entry of entries) {
        const p = entry.value;
        if (!isRecord(p)) continue;
        const mail = typeof p.email === "string" ? p.email.trim().toLowerCase() : "";
        if (mail) {
            const line = entry.lineOf(["email"]);
            const first = emails.get(mail);
            if (first === undefined) emails.set(mail, line);
            else problems.push({ file, line, field: entry.field(["email"]), reason: `duplicate email ${show(mail)}; first used at line ${first}` });
        }
        const m = p.mediatel;
        if (!isRecord(m)) continue;
        const explicit = typeof m.login === "string" ? m.login.trim().toLowerCase() : undefined;
        const login = explicit ?? (m.login === undefined && mail.includes("@") ? localPart(mail) : "");
        if (!login) continue;
        const line = entry.lineOf(["mediatel", "login"]);
        const first = logins.get(login);
        if (first === undefined) logins.set(login, line);
        else
            problems.push({
                file,
                line,
                field: entry.field(["mediatel", "login"]),
                reason: `duplicate Mediatel login ${show(login)}${explicit === undefined ? " (taken from the email)" : ""}; first used at line ${first}`,
            });
    }
    return problems;
}

// ---------------------------------------------------------------------------------------------------------------
// YAML

function yamlPath(p: readonly PropertyKey[]): string {
    if (!p.length) return "person";
    return p.reduce<string>((acc, k) => (typeof k === "number" ? `${acc}[${k}]` : acc ? `${acc}.${String(k)}` : String(k)), "");
}

class YamlTooLarge extends Error {}

function readYaml(input: string, file: string): Source {
    const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input; // the parser chokes on a byte-order mark
    const counter = new LineCounter();
    const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, merge: true, uniqueKeys: true });
    const lineAt = (offset: number) => Math.max(1, counter.linePos(offset).line);
    if (doc.errors.length) {
        // one error per line: the parser's follow-on errors on the same line only repeat the first one
        const byLine = new Map<number, string>();
        const sourceLines = text.split(/\r\n|\r|\n/);
        for (const e of doc.errors) {
            const line = lineAt(e.pos[0]);
            if (byLine.has(line)) continue;
            const tabbed = /^[ ]*\t/.test(sourceLines[line - 1] ?? "");
            byLine.set(line, tabbed ? "a tab in the indentation: YAML indents with spaces only" : e.message);
        }
        return { entries: [], problems: [...byLine].map(([line, reason]) => ({ file, line, field: "(yaml)", reason })) };
    }

    const lines = new Map<string, number>();
    const key = (p: readonly PropertyKey[]) => JSON.stringify(p);
    const lineOf = (p: readonly PropertyKey[]): number => {
        for (let n = p.length; n > 0; n--) {
            const l = lines.get(key(p.slice(0, n)));
            if (l !== undefined) return l;
        }
        return lines.get(key([])) ?? 1;
    };
    let budget = 100_000; // nodes, counting alias expansions: a roster never comes near; alias bombs do

    const toJs = (node: unknown, p: Path, into: Map<string, number>, depth: number): unknown => {
        if (--budget < 0 || depth > 64) throw new YamlTooLarge();
        if (isAlias(node)) return toJs(node.resolve(doc as Document), p, into, depth + 1);
        if (isScalar(node)) {
            const v = node.value;
            // numbers as written: "0101", "1e3" and "+380..." stay text; the schema converts where it wants a number
            if ((typeof v === "number" || typeof v === "bigint") && typeof node.source === "string") return node.source;
            return v;
        }
        if (isSeq(node)) {
            return node.items.map((item, i) => {
                const r = (item as { range?: [number, number, number] } | null)?.range;
                if (r) into.set(key([...p, i]), lineAt(r[0]));
                return toJs(item, [...p, i], into, depth + 1);
            });
        }
        if (isMap(node)) {
            const out: Record<string, unknown> = {};
            for (const pair of node.items) {
                const k = pair.key as unknown;
                const kr = (k as { range?: [number, number, number] } | null)?.range;
                const kLine = kr ? lineAt(kr[0]) : undefined;
                const isMerge = isScalar(k) && (typeof k.value === "symbol" || (k.value === "<<" && k.type === "PLAIN"));
                if (isMerge) {
                    // keys already set win; merged keys point at the `<<` line, their insides at where they are defined
                    const sources = isSeq(pair.value) ? pair.value.items : [pair.value];
                    for (const src of sources) {
                        const tmp = new Map<string, number>();
                        const merged = toJs(src, p, tmp, depth + 1);
                        if (!isRecord(merged)) continue;
                        for (const [mk, mv] of Object.entries(merged)) {
                            if (mk in out) continue;
                            out[mk] = mv;
                            const prefix = key([...p, mk]).slice(0, -1);
                            for (const [tk, tl] of tmp) if (tk.startsWith(prefix) && (tk.length === prefix.length + 1 || tk[prefix.length] === ",")) into.set(tk, tl);
                            if (kLine !== undefined) into.set(key([...p, mk]), kLine);
                        }
                    }
                    continue;
                }
                const name = isScalar(k) ? String(k.value) : String(k);
                if (kLine !== undefined) into.set(key([...p, name]), kLine);
                out[name] = pair.value === null || pair.value === undefined ? null : toJs(pair.value, [...p, name], into, depth + 1);
            }
            return out;
        }
        return node ?? null;
    };

    const root = doc.contents as unknown;
    const rootRange = (root as { range?: [number, number, number] } | null)?.range;
    if (rootRange) lines.set(key([]), lineAt(rootRange[0]));
    let value: unknown;
    try {
        value = toJs(root, [], lines, 0);
    } catch (e) {
        if (!(e instanceof YamlTooLarge)) throw e;
        return { entries: [], problems: [{ file, line: 1, field: "(yaml)", reason: "too deeply nested or too many alias expansions" }] };
    }

    const problems: RosterProblem[] = [];
    let people: unknown[];
    let base: Path;
    const expectList = `expected a list of people, or "people:" followed by one`;
    if (Array.isArray(value)) {
        people = value;
        base = [];
    } else if (isRecord(value)) {
        for (const k of Object.keys(value)) {
            if (k === "people") continue;
            const near = suggest(k, ["people"]);
            problems.push({ file, line: lineOf([k]), field: k, reason: `unknown field "${k}"${near ? `; did you mean "${near}"?` : ""}` });
        }
        if (!("people" in value)) {
            problems.push({ file, line: lineOf([]), field: "people", reason: "required: the list of people" });
            people = [];
        } else if (!Array.isArray(value.people)) {
            problems.push({ file, line: lineOf(["people"]), field: "people", reason: `expected a list of people, got ${show(value.people)}` });
            people = [];
        } else {
            people = value.people;
        }
        base = ["people"];
    } else if (value === null || value === undefined) {
        return { entries: [], problems: [{ file, line: 1, field: "(file)", reason: `the roster is empty: ${expectList}` }] };
    } else {
        return { entries: [], problems: [{ file, line: lineOf([]), field: "(file)", reason: `${expectList}, got ${show(value)}` }] };
    }

    const entries = people.map<Entry>((v, i) => ({
        value: v,
        lineOf: (p) => lineOf([...base, i, ...p]),
        field: yamlPath,
        nested: true,
    }));
    return { entries, problems };
}

// ---------------------------------------------------------------------------------------------------------------
// CSV

/** CSV column -> where its value goes in a Person. */
const COLUMNS: Record<string, { block?: "genesys" | "mediatel"; key: string; list?: boolean }> = {
    name: { key: "name" },
    email: { key: "email" },
    title: { block: "genesys", key: "title" },
    department: { block: "genesys", key: "department" },
    roles: { block: "genesys", key: "roles", list: true },
    groups: { block: "genesys", key: "groups", list: true },
    site: { block: "genesys", key: "site" },
    phone: { block: "genesys", key: "phone" },
    template: { block: "mediatel", key: "template" },
    login: { block: "mediatel", key: "login" },
    extension: { block: "mediatel", key: "extension" },
    defaultSkill: { block: "mediatel", key: "defaultSkill" },
};
const COLUMN_NAMES = Object.keys(COLUMNS);
const BY_LOWER = new Map(COLUMN_NAMES.map((c) => [c.toLowerCase(), c]));

/** A problem path -> the CSV column that holds it. */
function csvField(p: readonly PropertyKey[]): string {
    if (!p.length) return "(row)";
    const [first, second] = p;
    if ((first === "genesys" || first === "mediatel") && typeof second === "string") return second;
    return String(first);
}

interface CsvRecord {
    record: string[];
    info: { lines: number };
}

function readCsv(text: string, file: string): Source {
    // csv-parse miscounts lines for CRLF inside quoted cells; one line ending makes line numbers exact
    const normalised = text.replace(/\r\n?/g, "\n");
    const problems: RosterProblem[] = [];
    let records: CsvRecord[];
    try {
        records = parseCsv(normalised, {
            bom: true,
            info: true,
            relax_column_count: true,
            skip_empty_lines: true,
            comment: "#",
            comment_no_infix: true,
            relax_quotes: true, // a quote inside an unquoted cell is text: Ivan "Vanya" Ivanov
        }) as unknown as CsvRecord[];
    } catch (e) {
        // a broken quote leaves the rest of the file unreadable: the first one is the only problem worth reporting
        const err = e as Error & { lines?: number; code?: string };
        const open = err.code === "CSV_QUOTE_NOT_CLOSED" ? unclosedQuoteLine(normalised) : undefined;
        const problem =
            open !== undefined
                ? { file, line: open, field: "(csv)", reason: "a quoted cell opens here and is never closed" }
                : { file, line: Math.max(1, err.lines ?? 1), field: "(csv)", reason: err.message };
        return { entries: [], problems: [problem] };
    }
    // a record's info.lines is the line it ends on; cells with line breaks push its start up
    const rows = records
        .map((r) => ({ cells: r.record, line: r.info.lines - r.record.reduce((n, c) => n + (c.match(/\n/g)?.length ?? 0), 0) }))
        .filter((r) => r.cells.some((c) => c.trim() !== ""));

    const header = rows.shift();
    if (!header) {
        problems.push({ file, line: 1, field: "(file)", reason: `the roster is empty: the first row must name the columns (${COLUMN_NAMES.join(",")})` });
        return { entries: [], problems };
    }
    const names = header.cells.map((c) => c.trim());
    if (names.length === 1 && names[0]!.includes(";")) {
        problems.push({ file, line: header.line, field: "(header)", reason: `columns must be separated by commas (";" separates the items of a list cell)` });
        return { entries: [], problems };
    }
    if (names.some((n) => n.includes("@"))) {
        problems.push({
            file,
            line: header.line,
            field: "(header)",
            reason: `the first row must name the columns (${COLUMN_NAMES.join(",")}), got ${show(header.cells.join(","))}`,
        });
        return { entries: [], problems };
    }
    const columns: (string | undefined)[] = [];
    const seen = new Set<string>();
    for (const raw of names) {
        const col = BY_LOWER.get(raw.toLowerCase());
        if (!raw) {
            columns.push(undefined);
        } else if (!col) {
            const near = suggest(raw, COLUMN_NAMES);
            problems.push({ file, line: header.line, field: raw, reason: `unknown column "${raw}"${near ? `; did you mean "${near}"?` : ""}` });
            columns.push(undefined);
        } else if (seen.has(col)) {
            problems.push({ file, line: header.line, field: col, reason: "the column appears twice" });
            columns.push(undefined);
        } else {
            seen.add(col);
            columns.push(col);
        }
    }
    const missing = ["name", "email"].filter((c) => !seen.has(c));
    for (const c of missing) problems.push({ file, line: header.line, field: c, reason: "missing column: the header row must name at least name and email" });
    if (missing.length) return { entries: [], problems };

    const entries: Entry[] = [];
    for (const row of rows) {
        const person: Record<string, unknown> = {};
        const blocks: Record<string, Record<string, unknown>> = {};
        row.cells.forEach((cell, i) => {
            const value = cell.trim();
            if (!value) return;
            const col = columns[i];
            if (!col) {
                // a value under a column that the header reports as unknown is covered by that report
                if (!names[i]) problems.push({ file, line: row.line, field: "(row)", reason: `value ${show(value)} in column ${i + 1}, which the header does not name` });
                return;
            }
            const spec = COLUMNS[col]!;
            let v: unknown = value;
            if (spec.list) {
                const items = value.split(";").map((s) => s.trim()).filter(Boolean);
                if (!items.length) return;
                v = items;
            }
            if (spec.block) (blocks[spec.block] ??= {})[spec.key] = v;
            else person[spec.key] = v;
        });
        Object.assign(person, blocks);
        entries.push({ value: person, lineOf: () => row.line, field: csvField, nested: false });
    }
    return { entries, problems };
}

/** The line of the quote that opens a cell and is never closed (csv-parse reports the end of the file instead). */
function unclosedQuoteLine(text: string): number | undefined {
    let line = 1;
    let fieldStart = true;
    let lineStart = true;
    let open: number | undefined;
    for (let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; i < text.length; i++) {
        const ch = text[i];
        if (open !== undefined) {
            if (ch === '"') {
                if (text[i + 1] === '"') i++;
                else open = undefined;
            } else if (ch === "\n") line++;
            continue;
        }
        if (lineStart && ch === "#") {
            while (i + 1 < text.length && text[i + 1] !== "\n") i++;
            continue;
        }
        if (ch === '"' && fieldStart) open = line;
        fieldStart = ch === "," || ch === "\n";
        lineStart = ch === "\n";
        if (ch === "\n") line++;
    }
    return open;
}

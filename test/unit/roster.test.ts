import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadRoster, MEDIATEL_LOGIN, parseRoster, type Person, RosterError } from "../../provider/staffing/roster";
import * as staffing from "../../provider/staffing";

/** Lines of a file: line N of the file is argument N, so expected line numbers can be read off the fixture. */
const lines = (...l: string[]) => `${l.join("\n")}\n`;

/** The RosterError's message for a bad roster, split into its problem lines. */
function problems(text: string, file: string): string[] {
    let error: unknown;
    try {
        parseRoster(text, file);
    } catch (e) {
        error = e;
    }
    expect(error, "expected a RosterError").toBeInstanceOf(RosterError);
    return (error as RosterError).message.split("\n");
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "roster-test-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
function write(name: string, text: string): string {
    const file = path.join(tmp, name);
    fs.writeFileSync(file, text);
    return file;
}

// ---------------------------------------------------------------------------------------------------------------
// One roster, written four ways

const PEOPLE: Person[] = [
    {
        name: "Ivan Ivanov",
        email: "ivan.ivanov@example.com",
        genesys: {
            title: "Sales Agent",
            department: "Sales",
            roles: ["Communicate", "Agent"],
            groups: ["Sales Team"],
            site: "Kyiv",
            phone: true,
        },
        mediatel: { template: "AGENT_TEMPLATE_CK_01", login: "ivan.ivanov", extension: "1001", defaultSkill: 5 },
    },
    {
        name: "Olena Kovalenko",
        email: "olena.kovalenko@example.com",
        genesys: { roles: ["Communicate", "Supervisor"], groups: ["Support Team", "Night Shift"], site: "Kyiv", phone: true },
        mediatel: { template: "AGENT_TEMPLATE_CK_01", login: "olena.kovalenko2", extension: "0102" },
    },
    {
        name: "James Smith",
        email: "james.smith@example.com",
        genesys: { title: "Quality Analyst", roles: ["Employee"], site: "London", phone: false },
    },
    {
        name: "Taras Shevchenko",
        email: "t.shevchenko@example.com",
        mediatel: { template: "17", login: "taras.shevchenko" },
    },
    { name: "Emily Clarke", email: "emily.clarke@example.com" },
];

const YAML_LIST = lines(
    "- name: Ivan Ivanov",
    "  email: Ivan.Ivanov@Example.COM",
    "  genesys:",
    "    title: Sales Agent",
    "    department: Sales",
    "    roles: [Communicate, Agent]",
    "    groups:",
    "      - Sales Team",
    "    site: Kyiv",
    "  mediatel:",
    "    template: AGENT_TEMPLATE_CK_01",
    "    extension: 1001",
    "    defaultSkill: 5",
    "- name: '  Olena Kovalenko '",
    "  email: olena.kovalenko@example.com",
    "  genesys: {roles: [Communicate, Supervisor], groups: [Support Team, Night Shift], site: Kyiv, phone: true}",
    "  mediatel: {template: AGENT_TEMPLATE_CK_01, login: olena.kovalenko2, extension: 0102}",
    "- name: James Smith",
    "  email: james.smith@example.com",
    "  genesys:",
    "    title: Quality Analyst",
    "    roles: [Employee]",
    "    site: London",
    "    phone: false",
    "- name: Taras Shevchenko",
    "  email: t.shevchenko@example.com",
    "  mediatel:",
    "    template: 17",
    "    login: taras.shevchenko",
    "- name: Emily Clarke",
    "  email: emily.clarke@example.com",
);

const YAML_PEOPLE = `# staff\npeople:\n${YAML_LIST.replace(/^/gm, "  ").replace(/ +$/, "")}`;

const CSV = lines(
    "name,email,title,department,roles,groups,site,template,login,extension,phone,defaultSkill",
    "Ivan Ivanov,Ivan.Ivanov@Example.COM,Sales Agent,Sales,Communicate;Agent,Sales Team,Kyiv,AGENT_TEMPLATE_CK_01,,1001,,5",
    "  Olena Kovalenko ,olena.kovalenko@example.com,,,Communicate; Supervisor,Support Team;Night Shift;,Kyiv,AGENT_TEMPLATE_CK_01,olena.kovalenko2,0102,yes,",
    "James Smith,james.smith@example.com,Quality Analyst,,Employee,,London,,,,false,",
    "Taras Shevchenko,t.shevchenko@example.com,,,,,,17,taras.shevchenko,,,",
    "Emily Clarke,emily.clarke@example.com,,,,,,,,,,",
);

// same people, columns reordered and capitalised, with comments, blank lines, CRLF, a BOM and quoted cells
const CSV_MESSY =
    "\uFEFF" +
    [
        "# exported from the HR sheet",
        "Email,Name,DefaultSkill,Extension,Login,Template,Site,Groups,Roles,Department,Title,Phone",
        "",
        'Ivan.Ivanov@Example.COM,"Ivan Ivanov",5,1001,,AGENT_TEMPLATE_CK_01,Kyiv,"Sales Team","Communicate;Agent",Sales,Sales Agent,',
        'olena.kovalenko@example.com,Olena Kovalenko,,0102,olena.kovalenko2,AGENT_TEMPLATE_CK_01,Kyiv,Support Team;Night Shift,Communicate;Supervisor,,,TRUE',
        ",,,,,,,,,,,",
        "james.smith@example.com,James Smith,,,,,London,,Employee,,Quality Analyst,no",
        "t.shevchenko@example.com,Taras Shevchenko,,,taras.shevchenko,17,,,,,,",
        "emily.clarke@example.com,Emily Clarke",
    ].join("\r\n");

describe("good rosters", () => {
    it.each([
        ["YAML list", "roster.yaml", YAML_LIST],
        ["YAML people:", "roster.yml", YAML_PEOPLE],
        ["CSV", "roster.csv", CSV],
        ["CSV, messy", "roster.CSV", CSV_MESSY],
    ])("%s gives the same people", (_, file, text) => {
        expect(parseRoster(text, file)).toEqual({ people: PEOPLE });
    });

    it("keeps the file's order and reads every format through loadRoster", () => {
        const fromFiles = [
            loadRoster(write("a.yaml", YAML_LIST)),
            loadRoster(write("b.yml", YAML_PEOPLE)),
            loadRoster(write("c.csv", CSV)),
        ];
        for (const r of fromFiles) expect(r.people.map((p) => p.email)).toEqual(PEOPLE.map((p) => p.email));
        expect(fromFiles[0]).toEqual(fromFiles[1]);
        expect(fromFiles[0]).toEqual(fromFiles[2]);
    });

    it.each([
        ["empty YAML list", "r.yaml", "[]\n"],
        ["empty people:", "r.yaml", "people: []\n"],
        ["CSV header only", "r.csv", "name,email\n"],
    ])("%s is a roster of nobody", (_, file, text) => {
        expect(parseRoster(text, file)).toEqual({ people: [] });
    });

    it.each<[string, string, string, Person]>([
        [
            "login defaults to the email's local part, phone to true with a site",
            "r.yaml",
            lines("- name: A B", "  email: Anna-Maria.Bondarenko@EXAMPLE.com", "  genesys: {site: Kyiv}", "  mediatel: {template: T}"),
            {
                name: "A B",
                email: "anna-maria.bondarenko@example.com",
                genesys: { site: "Kyiv", phone: true },
                mediatel: { template: "T", login: "anna-maria.bondarenko" },
            },
        ],
        [
            "no site: phone stays unset",
            "r.yaml",
            lines("- name: A B", "  email: a.b@example.com", "  genesys: {title: Agent}"),
            { name: "A B", email: "a.b@example.com", genesys: { title: "Agent" } },
        ],
        [
            "empty genesys block is kept (a plain Genesys user)",
            "r.yaml",
            lines("- name: A B", "  email: a.b@example.com", "  genesys: {}"),
            { name: "A B", email: "a.b@example.com", genesys: {} },
        ],
        [
            "roles: [] is kept (no direct grants)",
            "r.yaml",
            lines("- name: A B", "  email: a.b@example.com", "  genesys: {roles: []}"),
            { name: "A B", email: "a.b@example.com", genesys: { roles: [] } },
        ],
        [
            "numbers are read as written where text is expected; quoted numbers count for defaultSkill",
            "r.yaml",
            lines("- name: 007", "  email: bond@example.com", "  mediatel: {template: 0042, login: james.bond007, extension: +44100, defaultSkill: '10'}"),
            { name: "007", email: "bond@example.com", mediatel: { template: "0042", login: "james.bond007", extension: "+44100", defaultSkill: 10 } },
        ],
        [
            "CSV: quoted cells with commas and line breaks",
            "r.csv",
            lines("name,email,title,site,phone", '"Smith, James",james.smith@example.com,"Agent,', 'Night",London,0'),
            { name: "Smith, James", email: "james.smith@example.com", genesys: { title: "Agent,\nNight", site: "London", phone: false } },
        ],
        [
            "CSV: quotes inside an unquoted cell are text",
            "r.csv",
            lines("name,email", 'Ivan "Vanya" Ivanov,ivan.ivanov@example.com'),
            { name: 'Ivan "Vanya" Ivanov', email: "ivan.ivanov@example.com" },
        ],
        [
            "CSV: a lone ; is no list; login without genesys columns",
            "r.csv",
            lines("name,email,roles,template,login", "A B,a.b@example.com,;,T,a.b"),
            { name: "A B", email: "a.b@example.com", mediatel: { template: "T", login: "a.b" } },
        ],
    ])("%s", (_, file, text, person) => {
        expect(parseRoster(text, file).people).toEqual([person]);
    });

    it("anchors, aliases and merge keys work; problems in merged fields point at the merge", () => {
        const text = lines(
            "- name: Olena Kovalenko",
            "  email: olena.kovalenko@example.com",
            "  genesys: &kyiv",
            "    site: Kyiv",
            "    groups: [Support Team]",
            "  mediatel: &agent",
            "    template: AGENT_TEMPLATE_CK_01",
            "    defaultSkill: 3",
            "- name: Oksana Melnyk",
            "  email: oksana.melnyk@example.com",
            "  genesys: *kyiv",
            "  mediatel:",
            "    <<: *agent",
            "    defaultSkill: 7",
        );
        expect(parseRoster(text, "r.yaml").people.slice(1)).toEqual([
            {
                name: "Oksana Melnyk",
                email: "oksana.melnyk@example.com",
                genesys: { site: "Kyiv", groups: ["Support Team"], phone: true },
                mediatel: { template: "AGENT_TEMPLATE_CK_01", defaultSkill: 7, login: "oksana.melnyk" },
            },
        ]);
        const bad = text.replace("    template: AGENT_TEMPLATE_CK_01", "    tempate: AGENT_TEMPLATE_CK_01");
        expect(problems(bad, "r.yaml")).toEqual([
            'r.yaml:7: mediatel.tempate: unknown field "tempate"; did you mean "template"?',
            `r.yaml:6: mediatel.template: ${TEMPLATE_REASON}`,
            'r.yaml:13: mediatel.tempate: unknown field "tempate"; did you mean "template"?',
            `r.yaml:12: mediatel.template: ${TEMPLATE_REASON}`,
        ].sort(byLine));
    });

    it("a byte-order mark and CRLF line endings change no line number", () => {
        const text = "\uFEFF- name: A B\r\n  email: a.b@\r\n\r\n- name: C D\r\n  emai: c.d@example.com\r\n";
        expect(problems(text, "r.yaml")).toEqual([
            'r.yaml:2: email: "a.b@" is not a valid email address',
            "r.yaml:4: email: required",
            'r.yaml:5: emai: unknown field "emai"; did you mean "email"?',
        ]);
    });

    it("a top-level field other than people: is a problem", () => {
        expect(problems(lines("defaults: {}", "people: []"), "r.yaml")).toEqual(['r.yaml:1: defaults: unknown field "defaults"']);
        expect(problems(lines("peple: []"), "r.yaml")).toEqual([
            'r.yaml:1: peple: unknown field "peple"; did you mean "people"?',
            "r.yaml:1: people: required: the list of people",
        ]);
    });

    it("the example roster's YAML and CSV twins are the same people", () => {
        const dir = path.resolve(__dirname, "../../examples/staffing");
        const yaml = loadRoster(path.join(dir, "roster.yaml"));
        const csv = loadRoster(path.join(dir, "roster.csv"));
        expect(csv).toEqual(yaml);
        expect(yaml.people.length).toBeGreaterThanOrEqual(5);
        // the shapes the example promises: both systems, Genesys only, Mediatel block only, a person without a phone
        expect(yaml.people.some((p) => p.genesys && p.mediatel)).toBe(true);
        expect(yaml.people.some((p) => p.genesys && !p.mediatel)).toBe(true);
        expect(yaml.people.some((p) => !p.genesys && p.mediatel)).toBe(true);
        expect(yaml.people.some((p) => p.genesys?.site && p.genesys.phone === false)).toBe(true);
    });

    it("is exported from the staffing namespace", () => {
        expect(staffing.loadRoster).toBe(loadRoster);
        expect(staffing.RosterError).toBe(RosterError);
    });
});

// ---------------------------------------------------------------------------------------------------------------
// Bad rosters: every message, in full

const LOGIN_REASON = (login: string) =>
    `"${login}" is not a valid Mediatel login: expected name.surname in lowercase latin letters and hyphens, dot-separated, optionally ending in digits (e.g. ivan.ivanov2)`;
const TEMPLATE_REASON = "required: the login or ID of the Mediatel agent whose settings are copied";
const SKILL_REASON = (got: string) => `must be a whole number from 1 to 10, got ${got}`;

describe("bad YAML rosters", () => {
    it.each<[string, string, string[]]>([
        ["misspelt field", lines("- name: A B", "  email: a.b@example.com", "  genesys:", "    rols: [Agent]"), [
            'r.yaml:4: genesys.rols: unknown field "rols"; did you mean "roles"?',
        ]],
        ["misspelt top-level field", lines("- name: A B", "  emial: a.b@example.com"), [
            "r.yaml:1: email: required",
            'r.yaml:2: emial: unknown field "emial"; did you mean "email"?',
        ]],
        ["field in the wrong block", lines("- name: A B", "  email: a.b@example.com", "  title: Agent", "  genesys:", "    login: a.b"), [
            'r.yaml:3: title: unknown field "title"; did you mean "genesys.title"?',
            'r.yaml:5: genesys.login: unknown field "login"; did you mean "mediatel.login"?',
        ]],
        ["unknown field with no near match", lines("- name: A B", "  email: a.b@example.com", "  shoeSize: 44"), [
            'r.yaml:3: shoeSize: unknown field "shoeSize"',
        ]],
        ["missing name and email", lines("- genesys: {site: Kyiv}"), [
            "r.yaml:1: name: required",
            "r.yaml:1: email: required",
        ]],
        ["empty required fields", lines("- name: '   '", "  email:"), [
            "r.yaml:1: name: must not be empty",
            "r.yaml:2: email: must not be empty",
        ]],
        ["empty optional fields and list items", lines("- name: A B", "  email: a.b@example.com", "  genesys:", "    title: ''", "    site:", "    roles: [Agent, '', ' ']"), [
            "r.yaml:4: genesys.title: must not be empty",
            "r.yaml:5: genesys.site: must not be empty",
            "r.yaml:6: genesys.roles[1]: must not be empty",
            "r.yaml:6: genesys.roles[2]: must not be empty",
        ]],
        ["invalid email", lines("- name: A B", "  email: a.b@", "- name: C D", "  email: c d@example.com"), [
            'r.yaml:2: email: "a.b@" is not a valid email address',
            'r.yaml:4: email: "c d@example.com" is not a valid email address',
        ]],
        ["wrong types", lines("- name: [A, B]", "  email: a.b@example.com", "  genesys:", "    roles: Agent", "    groups: {a: 1}", "    phone: maybe", "  mediatel: true"), [
            "r.yaml:1: name: expected text, got a list",
            'r.yaml:4: genesys.roles: expected a list, got "Agent"',
            "r.yaml:5: genesys.groups: expected a list, got a mapping",
            'r.yaml:6: genesys.phone: must be true or false, got "maybe"',
            "r.yaml:7: mediatel: expected a mapping of fields, got true",
        ]],
        ["a person that is not a mapping", lines("- Ivan Ivanov", "-"), [
            'r.yaml:1: person: expected a mapping of fields, got "Ivan Ivanov"',
            "r.yaml:2: person: must not be empty",
        ]],
        ["mediatel block without template", lines("- name: A B", "  email: a.b@example.com", "  mediatel:", "    extension: 1001"), [
            `r.yaml:3: mediatel.template: ${TEMPLATE_REASON}`,
        ]],
        ["empty blocks", lines("- name: A B", "  email: a.b@example.com", "  genesys:", "  mediatel:"), [
            "r.yaml:3: genesys: must not be empty",
            "r.yaml:4: mediatel: must not be empty",
        ]],
        ["defaultSkill outside 1-10", lines(
            "- {name: A, email: a@example.com, mediatel: {template: T, login: a.a, defaultSkill: 0}}",
            "- {name: B, email: b@example.com, mediatel: {template: T, login: b.b, defaultSkill: 11}}",
            "- {name: C, email: c@example.com, mediatel: {template: T, login: c.c, defaultSkill: 2.5}}",
            "- {name: D, email: d@example.com, mediatel: {template: T, login: d.d, defaultSkill: high}}",
            "- {name: E, email: e@example.com, mediatel: {template: T, login: e.e, defaultSkill: true}}",
        ), [
            `r.yaml:1: mediatel.defaultSkill: ${SKILL_REASON("0")}`,
            `r.yaml:2: mediatel.defaultSkill: ${SKILL_REASON("11")}`,
            `r.yaml:3: mediatel.defaultSkill: ${SKILL_REASON("2.5")}`,
            `r.yaml:4: mediatel.defaultSkill: ${SKILL_REASON('"high"')}`,
            `r.yaml:5: mediatel.defaultSkill: ${SKILL_REASON("true")}`,
        ]],
        ["bad Mediatel logins", lines(
            "- {name: A, email: a@example.com, mediatel: {template: T, login: Ivan.Ivanov}}",
            "- {name: B, email: b@example.com, mediatel: {template: T, login: ivanov}}",
            "- {name: C, email: c@example.com, mediatel: {template: T, login: ivan_ivanov}}",
            "- {name: D, email: d@example.com, mediatel: {template: T, login: ivan.2ivanov}}",
            "- {name: E, email: e@example.com, mediatel: {template: T, login: іван.іванов}}",
        ), [
            `r.yaml:1: mediatel.login: ${LOGIN_REASON("Ivan.Ivanov")}`,
            `r.yaml:2: mediatel.login: ${LOGIN_REASON("ivanov")}`,
            `r.yaml:3: mediatel.login: ${LOGIN_REASON("ivan_ivanov")}`,
            `r.yaml:4: mediatel.login: ${LOGIN_REASON("ivan.2ivanov")}`,
            `r.yaml:5: mediatel.login: ${LOGIN_REASON("іван.іванов")}`,
        ]],
        ["default login that is not name.surname", lines("- name: Ivan", "  email: ivan_ivanov@example.com", "  mediatel:", "    template: T"), [
            `r.yaml:3: mediatel.login: not set, and the email's local part "ivan_ivanov" is not a valid Mediatel login (name.surname in lowercase latin letters and hyphens, dot-separated, optionally ending in digits): set login`,
        ]],
        ["phone without a site", lines("- name: A B", "  email: a.b@example.com", "  genesys:", "    phone: true"), [
            "r.yaml:4: genesys.phone: a WebRTC phone needs a site: set site, or leave phone out",
        ]],
        ["the same role twice", lines("- name: A B", "  email: a.b@example.com", "  genesys:", "    groups:", "      - Sales Team", "      - sales team"), [
            'r.yaml:6: genesys.groups[1]: group "sales team" is listed twice',
        ]],
        ["people: that is not a list", lines("people:", "  name: A B"), [
            "r.yaml:1: people: expected a list of people, got a mapping",
        ]],
        ["a mapping without people:", lines("staff:", "  - name: A B"), [
            'r.yaml:1: staff: unknown field "staff"',
            "r.yaml:1: people: required: the list of people",
        ]],
        ["a scalar", lines("", "just text"), [
            `r.yaml:2: (file): expected a list of people, or "people:" followed by one, got "just text"`,
        ]],
        ["an empty file", "# nobody yet\n", [
            `r.yaml:1: (file): the roster is empty: expected a list of people, or "people:" followed by one`,
        ]],
        ["a syntax error", lines("- name: A B", "  email: a.b@example.com", "  genesys:", "    roles: [Agent, Communicate", "- name: C D"), [
            "r.yaml:5: (yaml): Flow sequence in block collection must be sufficiently indented and end with a ]",
        ]],
        ["a duplicate key", lines("- name: A B", "  email: a.b@example.com", "  name: C D"), [
            "r.yaml:3: (yaml): Map keys must be unique",
        ]],
        ["an alias bomb", lines(
            "a: &a [x, x, x, x, x, x, x, x, x, x]",
            "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]",
            "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]",
            "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]",
            "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]",
            "people: *e",
        ), [
            "r.yaml:1: (yaml): too deeply nested or too many alias expansions",
        ]],
        ["a tab for indentation", lines("- name: A B", "\temail: a.b@example.com"), [
            "r.yaml:2: (yaml): a tab in the indentation: YAML indents with spaces only",
        ]],
    ])("%s", (_, text, expected) => {
        expect(problems(text, "r.yaml")).toEqual(expected);
    });
});

function byLine(a: string, b: string): number {
    const line = (s: string) => Number(s.split(":")[1]);
    return line(a) - line(b);
}

const HEADER = "name,email,title,department,roles,groups,site,template,login,extension";

describe("bad CSV rosters", () => {
    it.each<[string, string, string[]]>([
        ["misspelt column", lines("name,email,rols", "A B,a.b@example.com,Agent"), [
            'r.csv:1: rols: unknown column "rols"; did you mean "roles"?',
        ]],
        ["unknown and repeated columns", lines("name,email,shoe size,email", "A B,a.b@example.com,44,a.b@example.com"), [
            'r.csv:1: shoe size: unknown column "shoe size"',
            "r.csv:1: email: the column appears twice",
        ]],
        ["missing required columns", lines("title,roles", "Agent,Agent"), [
            "r.csv:1: name: missing column: the header row must name at least name and email",
            "r.csv:1: email: missing column: the header row must name at least name and email",
        ]],
        ["no header row", lines("Ivan Ivanov,ivan.ivanov@example.com"), [
            `r.csv:1: (header): the first row must name the columns (name,email,title,department,roles,groups,site,phone,template,login,extension,defaultSkill), got "Ivan Ivanov,ivan.ivanov@example.com"`,
        ]],
        ["semicolons between columns", lines("name;email", "A B;a.b@example.com"), [
            `r.csv:1: (header): columns must be separated by commas (";" separates the items of a list cell)`,
        ]],
        ["an empty file", "\n\n", [
            "r.csv:1: (file): the roster is empty: the first row must name the columns (name,email,title,department,roles,groups,site,phone,template,login,extension,defaultSkill)",
        ]],
        ["empty required cells", lines(HEADER, ",a.b@example.com,,,,,,,,", "C D,  ,,,,,,,,"), [
            "r.csv:2: name: required",
            "r.csv:3: email: required",
        ]],
        ["invalid email", lines(HEADER, "A B,a.b(at)example.com,,,,,,,,"), [
            'r.csv:2: email: "a.b(at)example.com" is not a valid email address',
        ]],
        ["login or extension without template", lines(HEADER, "A B,a.b@example.com,,,,,,,a.b,1001", "C D,c.d@example.com,,,,,,,,1002"), [
            `r.csv:2: template: ${TEMPLATE_REASON}`,
            `r.csv:3: template: ${TEMPLATE_REASON}`,
        ]],
        ["bad login and defaultSkill", lines(`${HEADER},defaultSkill`, "A B,a.b@example.com,,,,,,T,A.B,,12", "C D,c.d@example.com,,,,,,T,,,five"), [
            `r.csv:2: login: ${LOGIN_REASON("A.B")}`,
            `r.csv:2: defaultSkill: ${SKILL_REASON("12")}`,
            `r.csv:3: defaultSkill: ${SKILL_REASON('"five"')}`,
        ]],
        ["bad phone, phone without a site", lines("name,email,site,phone", "A B,a.b@example.com,Kyiv,perhaps", "C D,c.d@example.com,,yes"), [
            'r.csv:2: phone: must be true or false, got "perhaps"',
            "r.csv:3: phone: a WebRTC phone needs a site: set site, or leave phone out",
        ]],
        ["the same role twice", lines("name,email,roles", "A B,a.b@example.com,Agent;Communicate;agent"), [
            'r.csv:2: roles: role "agent" is listed twice',
        ]],
        ["values beyond the named columns", lines("name,email,,title", "A B,a.b@example.com,x,Agent,y"), [
            'r.csv:2: (row): value "x" in column 3, which the header does not name',
            'r.csv:2: (row): value "y" in column 5, which the header does not name',
        ]],
        ["a row after a multi-line cell keeps its physical line", lines("name,email,title", 'A B,a.b@example.com,"Sales', 'Agent"', "C D,c.d@,x"), [
            'r.csv:4: email: "c.d@" is not a valid email address',
        ]],
        ["a quote that never closes", lines("name,email", 'A B,"a.b@example.com', "C D,c.d@example.com"), [
            "r.csv:2: (csv): a quoted cell opens here and is never closed",
        ]],
        ["text after a closing quote keeps the cell as written", lines("name,email", 'C D,"c.d@example.com"x', "E F,e@"), [
            'r.csv:2: email: "\\"c.d@example.com\\"x" is not a valid email address',
            'r.csv:3: email: "e@" is not a valid email address',
        ]],
    ])("%s", (_, text, expected) => {
        expect(problems(text, "r.csv")).toEqual(expected);
    });
});

describe("every problem in a file at once", () => {
    it("YAML: schema issues of every person, unknown fields and duplicates, in line order", () => {
        const text = lines(
            "people:",
            "  - name: Ivan Ivanov",
            "    email: ivan.ivanov@example.com",
            "    genesys:",
            "      rols: [Agent]",
            "      site: Kyiv",
            "    mediatel:",
            "      extension: 1001",
            "  - name: ''",
            "    email: IVAN.IVANOV@example.com",
            "    mediatel:",
            "      template: T",
            "      defaultSkill: 42",
            "  - email: olena@",
        );
        expect(problems(text, "staff/roster.yaml")).toEqual([
            'staff/roster.yaml:5: genesys.rols: unknown field "rols"; did you mean "roles"?',
            `staff/roster.yaml:7: mediatel.template: ${TEMPLATE_REASON}`,
            "staff/roster.yaml:9: name: must not be empty",
            'staff/roster.yaml:10: email: duplicate email "ivan.ivanov@example.com"; first used at line 3',
            'staff/roster.yaml:11: mediatel.login: duplicate Mediatel login "ivan.ivanov" (taken from the email); first used at line 7',
            `staff/roster.yaml:13: mediatel.defaultSkill: ${SKILL_REASON("42")}`,
            "staff/roster.yaml:14: name: required",
            'staff/roster.yaml:14: email: "olena@" is not a valid email address',
        ]);
    });

    it("CSV: header and row problems together, each on the row's line", () => {
        const text = lines(
            "name,email,rols,site,template,login,extension,defaultSkill",
            "Ivan Ivanov,ivan.ivanov@example.com,Agent,Kyiv,,,1001,",
            ",IVAN.IVANOV@example.com,,,T,,,42",
            "Olena,olena@,,,,,,",
        );
        const error = (() => {
            try {
                parseRoster(text, "roster.csv");
            } catch (e) {
                return e as RosterError;
            }
            throw new Error("expected a RosterError");
        })();
        expect(error.message).toBe(
            [
                'roster.csv:1: rols: unknown column "rols"; did you mean "roles"?',
                `roster.csv:2: template: ${TEMPLATE_REASON}`,
                "roster.csv:3: name: required",
                `roster.csv:3: defaultSkill: ${SKILL_REASON("42")}`,
                'roster.csv:3: email: duplicate email "ivan.ivanov@example.com"; first used at line 2',
                'roster.csv:3: login: duplicate Mediatel login "ivan.ivanov" (taken from the email); first used at line 2',
                'roster.csv:4: email: "olena@" is not a valid email address',
            ].join("\n"),
        );
        expect(error.problems[0]).toEqual({ file: "roster.csv", line: 1, field: "rols", reason: 'unknown column "rols"; did you mean "roles"?' });
        expect(error.problems).toHaveLength(7);
        expect(error.problems.map((p) => `${p.file}:${p.line}: ${p.field}: ${p.reason}`).join("\n")).toBe(error.message);
    });

    it("YAML: every syntax error, with its line", () => {
        const text = lines("- name: A", "  email: a@example.com", "  email: b@example.com", "- name: B", "\temail: c@example.com");
        expect(problems(text, "r.yaml")).toEqual([
            "r.yaml:3: (yaml): Map keys must be unique",
            "r.yaml:5: (yaml): a tab in the indentation: YAML indents with spaces only",
        ]);
    });
});

describe("duplicates, in both formats", () => {
    const cases: [string, string, string, string[]][] = [
        ["emails differing only in case", "r.yaml", lines(
            "- {name: A, email: a.b@example.com}",
            "- {name: B, email: ' A.B@Example.com '}",
            "- {name: C, email: a.b@EXAMPLE.COM}",
        ), [
            'r.yaml:2: email: duplicate email "a.b@example.com"; first used at line 1',
            'r.yaml:3: email: duplicate email "a.b@example.com"; first used at line 1',
        ]],
        ["emails differing only in case", "r.csv", lines("name,email", "A,a.b@example.com", "B, A.B@Example.com ", "C,a.b@EXAMPLE.COM"), [
            'r.csv:3: email: duplicate email "a.b@example.com"; first used at line 2',
            'r.csv:4: email: duplicate email "a.b@example.com"; first used at line 2',
        ]],
        ["explicit logins", "r.yaml", lines(
            "- {name: A, email: a@example.com, mediatel: {template: T, login: ivan.ivanov}}",
            "- {name: B, email: b@example.com, mediatel: {template: T, login: ivan.ivanov}}",
        ), [
            'r.yaml:2: mediatel.login: duplicate Mediatel login "ivan.ivanov"; first used at line 1',
        ]],
        ["explicit logins", "r.csv", lines("name,email,template,login", "A,a@example.com,T,ivan.ivanov", "B,b@example.com,T,ivan.ivanov"), [
            'r.csv:3: login: duplicate Mediatel login "ivan.ivanov"; first used at line 2',
        ]],
        ["an explicit login equal to another person's default", "r.yaml", lines(
            "- name: Ivan Ivanov",
            "  email: ivan.ivanov@example.com",
            "  mediatel:",
            "    template: T",
            "- name: Ivan Ivanov (second)",
            "  email: ivan.ivanov@example.org",
            "  mediatel:",
            "    template: T",
            "- name: Ivan Ivanov (third)",
            "  email: i.ivanov@example.com",
            "  mediatel:",
            "    template: T",
            "    login: ivan.ivanov",
        ), [
            'r.yaml:7: mediatel.login: duplicate Mediatel login "ivan.ivanov" (taken from the email); first used at line 3',
            'r.yaml:13: mediatel.login: duplicate Mediatel login "ivan.ivanov"; first used at line 3',
        ]],
        ["an explicit login equal to another person's default", "r.csv", lines(
            "name,email,template,login",
            "Ivan Ivanov,ivan.ivanov@example.com,T,",
            "Ivan Ivanov (second),ivan.ivanov@example.org,T,",
            "Ivan Ivanov (third),i.ivanov@example.com,T,ivan.ivanov",
        ), [
            'r.csv:3: login: duplicate Mediatel login "ivan.ivanov" (taken from the email); first used at line 2',
            'r.csv:4: login: duplicate Mediatel login "ivan.ivanov"; first used at line 2',
        ]],
    ];
    it.each(cases)("%s (%s)", (_, file, text, expected) => {
        expect(problems(text, file)).toEqual(expected);
    });

    it("people without a mediatel block never clash on logins", () => {
        const text = lines("name,email,template", "A,ivan.ivanov@example.com,T", "B,ivan.ivanov@example.org,");
        expect(parseRoster(text, "r.csv").people).toHaveLength(2);
    });
});

describe("loadRoster", () => {
    it.each([
        ["roster.txt", 'unknown roster format ".txt": use .yaml, .yml or .csv'],
        ["roster", "unknown roster format (no extension): use .yaml, .yml or .csv"],
    ])("refuses %s", (name, reason) => {
        const file = write(name, "name,email\n");
        expect(() => loadRoster(file)).toThrow(new RosterError([{ file, line: 1, field: "(file)", reason }]));
        expect(() => loadRoster(file)).toThrow(`${file}:1: (file): ${reason}`);
    });

    it("reports a missing file as a roster problem", () => {
        const file = path.join(tmp, "absent.yaml");
        expect(() => loadRoster(file)).toThrow(`${file}:1: (file): cannot read the roster: no such file`);
    });

    it("names the file as it was given in every message", () => {
        const file = write("bad.yml", lines("- name: A", "  email: a@"));
        const rel = path.relative(process.cwd(), file);
        expect(() => loadRoster(rel)).toThrow(`${rel}:2: email: "a@" is not a valid email address`);
    });

    it("parseRoster takes the format from an argument when the name has none", () => {
        expect(parseRoster("name,email\nA,a@example.com\n", "<stdin>", "csv").people).toEqual([{ name: "A", email: "a@example.com" }]);
        expect(() => parseRoster("[]", "<stdin>")).toThrow('<stdin>:1: (file): unknown roster format (no extension): use .yaml, .yml or .csv');
    });
});

describe("RosterError", () => {
    it("is an Error with a name, the message and the structured problems", () => {
        const problems = [
            { file: "r.yaml", line: 2, field: "email", reason: "required" },
            { file: "r.yaml", line: 5, field: "genesys.rols", reason: 'unknown field "rols"; did you mean "roles"?' },
        ];
        const e = new RosterError(problems);
        expect(e).toBeInstanceOf(Error);
        expect(e.name).toBe("RosterError");
        expect(e.message).toBe('r.yaml:2: email: required\nr.yaml:5: genesys.rols: unknown field "rols"; did you mean "roles"?');
        expect(e.problems).toEqual(problems);
    });
});

describe("MEDIATEL_LOGIN", () => {
    it.each(["ivan.ivanov", "ivan.ivanov2", "anna-maria.bondarenko", "o.petrenko-kovalenko12", "a.b.c"])("accepts %s", (l) => {
        expect(MEDIATEL_LOGIN.test(l)).toBe(true);
    });
    it.each(["ivan", "Ivan.Ivanov", "ivan_ivanov", "ivan..ivanov", ".ivanov", "ivan.", "ivan-.ivanov", "ivan.ivanov-2", "2ivan.ivanov", "ivan.ivanov 2"])(
        "rejects %s",
        (l) => {
            expect(MEDIATEL_LOGIN.test(l)).toBe(false);
        },
    );
});

/**
 * The data a fresh Mediatel emulator starts with: the agents and extensions of the REST document (seeds/003: `root`,
 * `A1`, the `MSI` and `SIP` extensions), the template agents of the user workflow (AGENT_TEMPLATE_CK_01 ... that
 * supervisors copy with "Копировать Агента"), extension 3444 of the integration workflow, and one soft-deleted agent
 * (State 0) whose login is still taken.
 *
 * IDs follow the document: agents 1 and 3 exist, so the first new agent gets 2 (gap reuse); extensions 9, 13, 14
 * exist, so the first new extension gets 15 and the next 16 (max + 1).
 */
export interface MediatelAutoAnswer {
    Predictive: number;
    Other: number;
    Time: number;
    Inbound: number;
    Manual: number;
}

export interface MediatelClientApp {
    ShowTreeCC: number;
    ShowValidCB: number;
    ShowFullTreeCC: number;
    AutoAnswer: MediatelAutoAnswer;
    ShowPopupPause: number;
    StartURL: string;
    TimeWarning: number;
    TimeForDialOut: number;
    AddNrInClipboard: number;
    ClericalReminder: number;
    ResetVoiceChannel: number;
    RingFileID: number;
}

export interface MediatelAgentRecord {
    ID: number;
    Login: string;
    /** What the API shows: the first 16 hex digits of MD5(plain password), or a 16-hex value stored verbatim. */
    Password: string;
    Details: string;
    RightID: number;
    Domain: string;
    SupervisorID: number;
    SupervisorRightID: number;
    State: number;
    DefaultSkill: number;
    PersNumbers: string[];
    ClientApp: MediatelClientApp;
}

export interface MediatelExtensionRecord {
    E_ID: number;
    E_Extension: string;
    Protocol: string;
    E_Type: number;
    E_Description: string;
    E_DialOutIdentities: string;
    ContactDisplay: string;
    DestAddress: string;
    Destination: string;
    Codecs: string[];
    ConnectionType: string;
    DTMFSupport: string[];
    FromDisplay: string;
    Payload: string;
}

export interface MediatelSeed {
    agents: MediatelAgentRecord[];
    extensions: MediatelExtensionRecord[];
}

/** MD5("1")[0:16], the password every agent of the REST document shows. */
export const HASH_OF_1 = "c4ca4238a0b92382";

const templateClientApp = (over: Partial<MediatelClientApp> = {}): MediatelClientApp => ({
    ShowTreeCC: 1,
    ShowValidCB: 0,
    ShowFullTreeCC: 0,
    AutoAnswer: { Predictive: 1, Other: 0, Time: 2200, Inbound: 1, Manual: 0 },
    ShowPopupPause: 1,
    StartURL: "https://crm.creditkasa.ua/",
    TimeWarning: 1,
    TimeForDialOut: 20,
    AddNrInClipboard: 1,
    ClericalReminder: 15,
    ResetVoiceChannel: 1,
    RingFileID: -1,
    ...over,
});

const template = (ID: number, Login: string, over: Partial<MediatelAgentRecord> = {}): MediatelAgentRecord => ({
    ID,
    Login,
    Password: HASH_OF_1,
    Details: `template ${Login}`,
    RightID: 0,
    Domain: "CK_06",
    SupervisorID: 1,
    SupervisorRightID: 0,
    State: 1,
    DefaultSkill: 5,
    PersNumbers: [],
    ClientApp: templateClientApp(),
    ...over,
});

/** An extension with every field at the server's default ("" and []), as POST /extensions fills them. */
export const blankExtension = (E_ID: number, E_Extension: string, E_Type: number): MediatelExtensionRecord => ({
    E_ID,
    E_Extension,
    Protocol: "",
    E_Type,
    E_Description: "",
    E_DialOutIdentities: "",
    ContactDisplay: "",
    DestAddress: "",
    Destination: "",
    Codecs: [],
    ConnectionType: "",
    DTMFSupport: [],
    FromDisplay: "",
    Payload: "",
});

export const SEED: MediatelSeed = {
    agents: [
        {
            ID: 1,
            Login: "root",
            Password: HASH_OF_1,
            Details: "root name",
            RightID: 4,
            Domain: "CALL",
            SupervisorID: -1,
            SupervisorRightID: 4,
            State: 1,
            DefaultSkill: 7,
            PersNumbers: [],
            ClientApp: {
                ShowTreeCC: 1,
                ShowValidCB: 1,
                ShowFullTreeCC: 1,
                AutoAnswer: { Predictive: 1, Other: 1, Time: 0, Inbound: 1, Manual: 1 },
                ShowPopupPause: 1,
                StartURL: "https://www.google.com/",
                TimeWarning: 1,
                TimeForDialOut: 15,
                AddNrInClipboard: 1,
                ClericalReminder: 20,
                ResetVoiceChannel: 1,
                RingFileID: 4,
            },
        },
        {
            ID: 3,
            Login: "A1",
            Password: HASH_OF_1,
            Details: "agent A1 de la etajul 1",
            RightID: 4,
            Domain: "1",
            SupervisorID: 1,
            SupervisorRightID: 0,
            State: 1,
            DefaultSkill: 4,
            PersNumbers: ["945"],
            ClientApp: {
                ShowTreeCC: 1,
                ShowValidCB: 1,
                ShowFullTreeCC: 1,
                AutoAnswer: { Predictive: 1, Other: 1, Time: 2200, Inbound: 0, Manual: 1 },
                ShowPopupPause: 0,
                StartURL: "http://localhost",
                TimeWarning: 1,
                TimeForDialOut: 10,
                AddNrInClipboard: 1,
                ClericalReminder: 5,
                ResetVoiceChannel: 1,
                RingFileID: 5,
            },
        },
        template(10, "AGENT_TEMPLATE_CK_01", { PersNumbers: ["700"] }),
        template(11, "AGENT_TEMPLATE_CK_02", { DefaultSkill: 6 }),
        template(12, "AGENT_TEMPLATE_CKH_01", { Domain: "CKH", ClientApp: templateClientApp({ TimeForDialOut: 30 }) }),
        template(13, "AGENT_TEMPLATE_HARD_01", { DefaultSkill: 8, RightID: 4 }),
        template(14, "AGENT_TEMPLATE_Skip_01", { ClientApp: templateClientApp({ ShowPopupPause: 0, ClericalReminder: 0 }) }),
        {
            ...template(20, "olena.kovalenko"),
            Details: "olena.kovalenko@creditkasa.ua",
            Password: "5f4dcc3b5aa765d6", // md5("password")[0:16]
            State: 0,
        },
    ],
    extensions: [
        { ...blankExtension(9, "MSI", 0), E_Description: "MSI1", Destination: "~" },
        {
            E_ID: 13,
            E_Extension: "SIP",
            Protocol: "SIP",
            E_Type: 5,
            E_Description: "SIP Extension",
            E_DialOutIdentities: "555",
            ContactDisplay: "<sip:123@192.168.0.12:5062>",
            DestAddress: "192.168.0.12:5062",
            Destination: "07xxxxxx",
            Codecs: ["g7231_6", "g7231_5", "g726_40"],
            ConnectionType: "3",
            DTMFSupport: ["inband", "rfc2833"],
            FromDisplay: "<sip:123@192.168.0.12:5062>",
            Payload: "127",
        },
        {
            ...blankExtension(14, "3444", 3),
            Protocol: "SIP",
            E_Description: "GlobalCall",
            E_DialOutIdentities: "1111",
            DestAddress: "webrtc-hes.creditkasa.ua",
            Destination: "3444",
            Codecs: ["g711a", "g711u"],
        },
    ],
};

/** The token the sandbox accepts as `VouchCookie` (tests pass their own). */
export const SANDBOX_TOKEN = "sandbox-mediatel-vouch-token";

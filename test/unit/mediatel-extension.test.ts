import { mock } from "jest-mock-extended";
import { describe, expect, it } from "vitest";
import { validate } from "../../provider/core/check";
import { diffInputs, DiffSpec } from "../../provider/core/diff";
import { InputError } from "../../provider/core/errors";
import { UNKNOWN } from "../../provider/core/unknown";
import { MediatelApi, MediatelError, MediatelExtension } from "../../provider/mediatel/client";
import { extensionDefinition as def, ExtensionInputs, ExtensionOutputs } from "../../provider/mediatel/extension";

const ext = (over: Partial<MediatelExtension> = {}): MediatelExtension => ({
    E_ID: 15,
    E_Extension: "3445",
    Protocol: "SIP",
    E_Type: 3,
    E_Description: "",
    E_DialOutIdentities: "",
    ContactDisplay: "",
    DestAddress: "webrtc-hes.creditkasa.ua",
    Destination: "3445",
    Codecs: ["g711a", "g711u"],
    ConnectionType: "",
    DTMFSupport: [],
    FromDisplay: "",
    Payload: "",
    ...over,
});

const inputs = (over: Partial<ExtensionInputs> = {}): ExtensionInputs => ({
    extension: "3445",
    type: 3,
    protocol: "SIP",
    destAddress: "webrtc-hes.creditkasa.ua",
    destination: "3445",
    codecs: ["g711a", "g711u"],
    ...over,
});
const outs = (over: Partial<ExtensionOutputs> = {}): ExtensionOutputs => ({ ...inputs(), extensionId: 15, ...over });

function api() {
    const m = mock<MediatelApi>();
    m.createExtension.mockImplementation(async (x) => ext({ ...x }));
    m.updateExtension.mockImplementation(async (id, c) => ext({ E_ID: id, ...c }));
    m.listExtensions.mockResolvedValue([]);
    return m;
}
const nameInUse = () => new MediatelError({ system: "Mediatel", method: "POST", path: "/v1/extensions", status: 409, code: "102", detailCode: 102 });
const dropped = () => new MediatelError({ system: "Mediatel", method: "PATCH", path: "/v1/extensions", network: "ECONNRESET", ambiguous: true });

describe("mediatel.Extension check", () => {
    it.each([
        [{ extension: "3444", type: 3 }],
        [{ extension: "SIP2", type: 2, codecs: [], dtmfSupport: ["inband", "rfc2833"], connectionType: "3", payload: "127" }],
        [{ extension: "MSI", type: 0, destination: "~" }],
    ])("%j is fine", (raw) => {
        expect(validate(def.schema, raw).failures).toEqual([]);
    });

    it.each([
        [{ type: 3 }, "extension"],
        [{ extension: "", type: 3 }, "extension"],
        [{ extension: "34 44", type: 3 }, "extension"],
        [{ extension: "3444" }, "type"],
        [{ extension: "3444", type: "3" }, "type"],
        [{ extension: "3444", type: 1.5 }, "type"],
        [{ extension: "3444", type: 3, connectionType: 3 }, "connectionType"], // a string in the API, never coerced
        [{ extension: "3444", type: 3, payload: 127 }, "payload"],
        [{ extension: "3444", type: 3, codecs: "g711a" }, "codecs"],
        [{ extension: "3444", type: 3, E_Typet: 6 }, "E_Typet"],
    ])("%j fails on %s", (raw, property) => {
        expect(validate(def.schema, raw).failures.map((f) => f.property)).toContain(property);
    });
});

describe("mediatel.Extension diff", () => {
    const spec = def.diff as DiffSpec;
    it.each([
        ["nothing changed", {}, {}, false, []],
        ["the name: replaced, deleting the old one first (names are unique)", {}, { extension: "3446" }, true, ["extension"]],
        ["the type: in place", {}, { type: 5 }, true, []],
        ["codec order (a preference list)", {}, { codecs: ["g711u", "g711a"] }, true, []],
        ["a field left out: not managed", {}, { destination: undefined }, false, []],
        ["adopt (create only)", {}, { adopt: true }, false, []],
        ["unknown during preview", {}, { description: UNKNOWN }, true, []],
    ])("%s", (_what, olds, news, changes, replaces) => {
        const r = diffInputs({ ...outs(olds) }, { ...inputs(news) }, spec);
        expect(r.changes).toBe(changes);
        expect(r.replaces).toEqual(replaces);
        expect(r.deleteBeforeReplace).toBe(replaces.length > 0);
    });
});

describe("mediatel.Extension create", () => {
    it("sends only the managed fields", async () => {
        const m = api();
        const { id, outs: o } = await def.create(inputs({ description: "agent pool" }), m);
        expect(id).toBe("15");
        expect(m.createExtension).toHaveBeenCalledWith({
            E_Extension: "3445",
            E_Type: 3,
            Protocol: "SIP",
            DestAddress: "webrtc-hes.creditkasa.ua",
            Destination: "3445",
            Codecs: ["g711a", "g711u"],
            E_Description: "agent pool",
        });
        expect(o).toEqual({ ...inputs({ description: "agent pool" }), extensionId: 15 });
    });

    it("refuses an existing extension of the name unless adopt: true, naming the property", async () => {
        const m = api();
        m.createExtension.mockRejectedValue(nameInUse());
        m.listExtensions.mockResolvedValue([ext({ E_ID: 14, E_Extension: "3445" })]);
        const err = await def.create(inputs(), m).catch((e) => e);
        expect(err).toBeInstanceOf(InputError);
        expect(err.property).toBe("extension");
        expect(err.message).toMatch(/already exists \(E_ID 14\).*adopt: true/);
        expect(m.updateExtension).not.toHaveBeenCalled();
    });

    it("adopt: true takes the existing one and sets the managed fields that differ", async () => {
        const m = api();
        m.createExtension.mockRejectedValue(nameInUse());
        m.listExtensions.mockResolvedValue([ext({ E_ID: 14, Destination: "9999", E_Description: "by hand" })]);
        const { id } = await def.create(inputs({ adopt: true }), m);
        expect(id).toBe("14");
        expect(m.updateExtension).toHaveBeenCalledWith(14, { Destination: "3445" });
    });

    it("answer lost and the extension is there: it is ours, no second create", async () => {
        const m = api();
        m.createExtension.mockRejectedValueOnce(dropped());
        m.listExtensions.mockResolvedValue([ext({ E_ID: 16 })]);
        const { id } = await def.create(inputs(), m);
        expect(id).toBe("16");
        expect(m.createExtension).toHaveBeenCalledTimes(1);
        expect(m.updateExtension).not.toHaveBeenCalled();
    });

    it("answer lost and nothing there: sent once more", async () => {
        const m = api();
        m.createExtension.mockRejectedValueOnce(dropped());
        const { id } = await def.create(inputs(), m);
        expect(id).toBe("15");
        expect(m.createExtension).toHaveBeenCalledTimes(2);
    });

    it("a 102 with nobody listed under the name is explained, naming the property", async () => {
        const m = api();
        m.createExtension.mockRejectedValue(nameInUse());
        await expect(def.create(inputs(), m)).rejects.toMatchObject({ property: "extension", message: expect.stringMatching(/in use \(102\), but does not list it/) });
    });
});

describe("mediatel.Extension read / update / delete", () => {
    it("read reports the live values of the managed fields", async () => {
        const m = api();
        m.getExtension.mockResolvedValue(ext({ Destination: "0000", E_Description: "unmanaged" }));
        expect(await def.read("15", outs(), m)).toEqual(outs({ destination: "0000" }));
    });

    it.each([
        ["gone", undefined],
        ["E_ID reused by another extension", ext({ E_Extension: "3999" })],
    ])("read: %s", async (_what, found) => {
        const m = api();
        m.getExtension.mockResolvedValue(found);
        expect(await def.read("15", outs(), m)).toBeUndefined();
    });

    it("update PUTs only the fields that differ from the live extension", async () => {
        const m = api();
        m.getExtension.mockResolvedValue(ext({ Destination: "changed-by-hand" }));
        const o = await def.update("15", outs(), inputs({ type: 5 }), m);
        expect(m.updateExtension).toHaveBeenCalledWith(15, { E_Type: 5, Destination: "3445" });
        expect(o).toEqual(outs({ type: 5 }));
    });

    it("update refuses an E_ID that now holds another extension", async () => {
        const m = api();
        m.getExtension.mockResolvedValue(ext({ E_Extension: "3999" }));
        await expect(def.update("15", outs(), inputs({ type: 5 }), m)).rejects.toThrow(/pulumi refresh/);
        expect(m.updateExtension).not.toHaveBeenCalled();
    });

    it.each([
        ["there", ext(), true],
        ["gone", undefined, false],
        ["E_ID reused by another extension", ext({ E_Extension: "3999" }), false],
    ])("delete when %s: DELETE sent %s", async (_what, found, sent) => {
        const m = api();
        m.getExtension.mockResolvedValue(found);
        await def.delete("15", outs(), m);
        expect(m.deleteExtension.mock.calls).toEqual(sent ? [[15]] : []);
    });
});

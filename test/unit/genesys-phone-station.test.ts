import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError, InputError } from "../../provider/core/errors";
import { diffInputs } from "../../provider/core/diff";
import { webRtcPhoneDefinition as phone } from "../../provider/genesys/webrtc-phone";
import { defaultStationDefinition as station } from "../../provider/genesys/default-station";
import { mockOrg, user } from "./genesys-fixtures";

const aPhone = { id: "ph-1", name: "Ivan Ivanov (ivan.ivanov@example.com) WebRTC", siteId: "site-london", phoneBaseSettingsId: "pb-webrtc", webRtcUserId: "u-1", lineIds: ["line-1"] };

describe("genesys.WebRtcPhone", () => {
    it("creates the user's phone on the WebRTC base with a name derived from the user", async () => {
        const api = mockOrg();
        api.getUser.mockResolvedValue(user());
        api.webRtcPhoneOf.mockResolvedValue(undefined);
        api.createPhone.mockResolvedValue(aPhone);
        const { id, outs } = await phone.create({ userId: "u-1", site: "London" }, api);
        expect(id).toBe("ph-1");
        expect(api.createPhone).toHaveBeenCalledWith(expect.objectContaining({ name: aPhone.name, siteId: "site-london", webRtcUserId: "u-1" }));
        expect(outs).toEqual({ userId: "u-1", site: "London", name: aPhone.name, siteId: "site-london", phoneBaseSettingsId: "pb-webrtc" });
    });

    it("adopts the user's existing WebRTC phone, moving it to the declared site", async () => {
        const api = mockOrg();
        api.getUser.mockResolvedValue(user());
        api.webRtcPhoneOf.mockResolvedValue({ ...aPhone, siteId: "site-kyiv" });
        api.updatePhone.mockResolvedValue(aPhone);
        const { id } = await phone.create({ userId: "u-1", site: "London" }, api);
        expect(id).toBe("ph-1");
        expect(api.createPhone).not.toHaveBeenCalled();
        expect(api.updatePhone).toHaveBeenCalledWith("ph-1", expect.objectContaining({ siteId: "site-london" }));
    });

    it("after a lost answer to the POST, finds the phone instead of creating a second", async () => {
        const api = mockOrg();
        api.getUser.mockResolvedValue(user());
        api.webRtcPhoneOf.mockResolvedValueOnce(undefined).mockResolvedValueOnce(aPhone);
        api.createPhone.mockRejectedValue(new ApiError({ system: "Genesys Cloud", method: "POST", path: "/x", network: "ECONNRESET", ambiguous: true }));
        expect((await phone.create({ userId: "u-1", site: "London" }, api)).id).toBe("ph-1");
        expect(api.createPhone).toHaveBeenCalledTimes(1);
    });

    it.each([
        [{ userId: "u-1", site: "Londn" }, "site", /did you mean "London"/],
        [{ userId: "u-1", site: "London", phoneBase: "Polycom VVX 400" }, "phoneBase", /not a WebRTC phone base/],
    ])("validation of %j fails on %s", async (inputs, property, message) => {
        const err = await phone.validate!(inputs, mockOrg()).catch((e) => e);
        expect(err).toBeInstanceOf(InputError);
        expect(err.property).toBe(property);
        expect(err.message).toMatch(message);
    });

    it("reads a site changed by hand as drift in `site` and `siteId`", async () => {
        const api = mockOrg();
        api.getPhone.mockResolvedValue({ ...aPhone, siteId: "site-kyiv" });
        const live = await phone.read("ph-1", { userId: "u-1", site: "London", name: aPhone.name, siteId: "site-london", phoneBaseSettingsId: "pb-webrtc" }, api);
        expect(live).toMatchObject({ site: "Kyiv", siteId: "site-kyiv" });
    });

    it("a new user replaces the phone, deleting the old one first", () => {
        const d = diffInputs({ userId: "u-1", site: "London" }, { userId: "u-2", site: "London" }, phone.diff as never);
        expect(d).toMatchObject({ changes: true, replaces: ["userId"], deleteBeforeReplace: true });
    });
});

describe("genesys.DefaultStation", () => {
    afterEach(() => vi.useRealTimers());
    const inputs = { userId: "u-1", phoneId: "ph-1" };

    it("waits for the station to be indexed, polling from a short first interval, then makes it the default", async () => {
        const api = mockOrg();
        api.getPhone.mockResolvedValue(aPhone);
        const polls: number[] = [];
        const start = Date.now();
        api.webRtcStationOf.mockImplementation(async () => {
            polls.push(Date.now() - start);
            return polls.length < 4 ? undefined : { id: "st-1", webRtcUserId: "u-1", lineAppearanceId: "line-1" };
        });
        const { outs } = await station.create(inputs, api);
        expect(api.webRtcStationOf).toHaveBeenCalledWith("u-1", "line-1");
        expect(polls[1]).toBeLessThan(400); // not fixed 1 s steps
        expect(api.setDefaultStation).toHaveBeenCalledWith("u-1", "st-1");
        expect(outs).toEqual({ ...inputs, stationId: "st-1", defaultStationId: "st-1" });
    });

    it("gives up after the configured time with a message that says what to do", async () => {
        vi.stubEnv("GENESYSCLOUD_STATION_TIMEOUT_SECONDS", "1");
        const api = mockOrg();
        api.getPhone.mockResolvedValue(aPhone);
        api.webRtcStationOf.mockResolvedValue(undefined);
        await expect(station.create(inputs, api)).rejects.toThrow(/did not appear .* within 1 s.*pulumi up/);
        expect(api.setDefaultStation).not.toHaveBeenCalled();
        vi.unstubAllEnvs();
    });

    it("explains the missing call permission instead of a bare 400", async () => {
        const api = mockOrg();
        api.getPhone.mockResolvedValue(aPhone);
        api.webRtcStationOf.mockResolvedValue({ id: "st-1" });
        const refused = new ApiError({ system: "Genesys Cloud", method: "PUT", path: "/x", status: 400, code: "bad.request", detail: "requires conversation:call:add" });
        api.setDefaultStation.mockRejectedValue(refused);
        vi.useFakeTimers({ toFake: ["Date", "setTimeout", "performance"] });
        const result = station.create(inputs, api).catch((e) => e);
        await vi.advanceTimersByTimeAsync(60_000);
        const err = await result;
        expect(err).toBeInstanceOf(InputError);
        expect(err.message).toMatch(/Conversation > Call > Add.*genesys.UserRoles/);
    });

    it("waits out a role granted moments ago: refused for a few seconds, then assigned", async () => {
        const api = mockOrg();
        api.getPhone.mockResolvedValue(aPhone);
        api.webRtcStationOf.mockResolvedValue({ id: "st-1" });
        const refused = new ApiError({ system: "Genesys Cloud", method: "PUT", path: "/x", status: 400, code: "bad.request", detail: "requires conversation:call:add" });
        vi.useFakeTimers({ toFake: ["Date", "setTimeout", "performance"] });
        const grantedAt = Date.now() + 5_000;
        api.setDefaultStation.mockImplementation(async () => {
            if (Date.now() < grantedAt) throw refused;
        });
        const result = station.create(inputs, api);
        await vi.advanceTimersByTimeAsync(10_000);
        expect((await result).outs.stationId).toBe("st-1");
        expect(api.setDefaultStation.mock.calls.length).toBeGreaterThan(2);
    });

    it("refuses a phone that belongs to another user, naming phoneId", async () => {
        const api = mockOrg();
        api.getPhone.mockResolvedValue({ ...aPhone, webRtcUserId: "u-2" });
        await expect(station.create(inputs, api)).rejects.toMatchObject({ property: "phoneId" });
    });

    it.each([
        ["st-1", "st-1", false],
        ["st-other", "st-1", true],
        ["", "st-1", true],
    ])("live default %s vs ours %s: drift=%s", (live, ours, drift) => {
        const d = (station.diff as (o: object, n: object) => { changes?: boolean })({ ...inputs, stationId: ours, defaultStationId: live }, inputs);
        expect(d.changes).toBe(drift);
    });

    it.each([
        ["st-1", true],
        ["st-other", false],
        [null, false],
    ])("delete clears the default only while it is still ours (current %s -> cleared %s)", async (current, cleared) => {
        const api = mockOrg();
        api.defaultStationOf.mockResolvedValue(current);
        await station.delete("u-1", { ...inputs, stationId: "st-1", defaultStationId: "st-1" }, api);
        expect(api.clearDefaultStation.mock.calls.length > 0).toBe(cleared);
    });
});

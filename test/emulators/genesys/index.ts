export { GenesysEmulator, type GenesysEmulatorOptions } from "./emulator";
export { SEED, SEED_NAMES } from "./seed";
export { ApiError, CALL_PERMISSION, WEBRTC_META_BASE, type AdminUserPatch, type GenesysSettings, type Grant, type UserDoc, type GroupView, type PhoneView, type StationView } from "./model";

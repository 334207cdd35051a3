/**
 * Mediatel Contact Center: agents (copied from template agents) and server extensions.
 *
 *   import * as telephony from "pulumi-telephony";
 *   new telephony.mediatel.Agent("ivan", { login: "ivan.ivanov", email: "ivan.ivanov@example.ua", template: "AGENT_TEMPLATE_CK_01" });
 *   new telephony.mediatel.Extension("ext-3444", { extension: "3444", type: 3 });
 *
 * Settings: telephony:mediatelUrl (MEDIATEL_URL), the base URL including /v1, and telephony:mediatelToken
 * (MEDIATEL_TOKEN, secret), sent as the cookie VouchCookie.
 */
export { Agent } from "./agent";
export type { AgentArgs, ClientAppSettings } from "./agent";
export { Extension } from "./extension";
export type { ExtensionArgs } from "./extension";

/**
 * pulumi-telephony: contact-centre telephony as code.
 *
 *   import * as telephony from "pulumi-telephony";
 *   new telephony.genesys.User("ivan", { name: "Ivan Ivanov", email: "ivan.ivanov@example.com" });
 */
export * as genesys from "./genesys";
export * as mediatel from "./mediatel";
export * as staffing from "./staffing";

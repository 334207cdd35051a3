export { User, type UserArgs } from "./user";
export { UserRoles, UserRolesArgs } from "./user-roles";
export { GroupMembership, GroupMembershipArgs } from "./group-membership";
export { WebRtcPhone, WebRtcPhoneArgs } from "./webrtc-phone";
export { DefaultStation, DefaultStationArgs } from "./default-station";

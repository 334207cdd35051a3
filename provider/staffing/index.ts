export * from "./roster";
export { StaffMember, provisionRoster, type StaffMemberOptions } from "./staff-member";

export * from "./roster";

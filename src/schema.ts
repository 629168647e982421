/** Every table, for drizzle-kit. Modules import each other's tables only through services. */
export * from "./modules/workspaces/schema";
export * from "./modules/desks/schema";
export * from "./modules/identity/schema";
export * from "./modules/contacts/schema";
export * from "./modules/tickets/schema";
export * from "./modules/activity/schema";
export * from "./modules/kb/schema";
export * from "./modules/portal/schema";
export * from "./modules/intake/schema";

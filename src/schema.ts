/** Every table, for drizzle-kit. Modules import each other's tables only through services. */
export * from "./modules/workspaces/schema";
export * from "./modules/desks/schema";
export * from "./modules/identity/schema";
export * from "./modules/contacts/schema";
export * from "./modules/tickets/schema";
export * from "./modules/activity/schema";
export * from "./modules/kb/schema";
export * from "./modules/portal/schema";
export * from "./modules/commerce/schema";
export * from "./modules/views/schema";
export * from "./modules/canned/schema";
export * from "./modules/sla/schema";
export * from "./modules/priority/schema";
export * from "./modules/rules/schema";
export * from "./modules/routing/schema";
export * from "./modules/intake/schema";
export * from "./modules/feedback/schema";

import { type Session, can } from "../api";
import type { MessageKey } from "../i18n";

/** The admin screens, in the order an admin sets a desk up (kept apart from the screens so the nav does not load them). */
export const ADMIN_SECTIONS = ["calendars", "sla", "priority", "triggers", "automations", "macros", "routing"] as const;
export type AdminSection = (typeof ADMIN_SECTIONS)[number];
export const sectionKey = (s: AdminSection) => `admin.${s}` as MessageKey;

/** Who sees the admin area: whoever may manage automation (supervisors and admins). The API checks again. */
export const canAdminister = (session: Session) => can(session, "automation.manage");

/** What the admin API (/api/v1/sla, /priority, /rules, /routing) sends and takes. */

export interface Condition {
  field: string;
  op: string;
  value?: unknown;
}
export interface ConditionGroup {
  all?: Array<Condition | ConditionGroup>;
  any?: Array<Condition | ConditionGroup>;
}
export interface OpeningHours {
  day: number;
  start: string;
  end: string;
}
export interface Calendar {
  id: string;
  name: string;
  timeZone: string;
  alwaysOpen: boolean;
  hours: OpeningHours[];
  holidays: string[];
  isDefault: boolean;
}
export const SLA_METRICS = ["first_reply", "next_reply", "resolution", "acknowledgement"] as const;
export interface SlaPolicy {
  id: string;
  name: string;
  position: number;
  active: boolean;
  conditions: ConditionGroup;
  targets: { metric: (typeof SLA_METRICS)[number]; minutes: number }[];
  calendarId: string | null;
  businessTime: boolean;
  warnPercent: number;
}
export const PRIORITY_SIGNALS = ["after_hours", "follow_up", "asks_status_of_tier2", "east_coast_afternoon", "new_topic_existing_case", "about_tier2_item"] as const;
export interface PriorityFactor {
  id: string;
  key: string;
  label: string;
  points: number;
  conditions: ConditionGroup;
  signal: string | null;
  action: string | null;
  position: number;
  active: boolean;
}
export interface PrioritySettings {
  bands: { urgent: number; high: number; normal: number };
  endOfDayLeadMinutes: number;
}
export type RuleKind = "trigger" | "automation" | "macro";
export const TRIGGER_EVENTS = ["created", "updated", "message"] as const;
export type RuleAction =
  | { type: "set"; field: string; value: string | number | null }
  | { type: "add_tags" | "remove_tags"; tags: string[] }
  | { type: "set_custom_field"; key: string; value: string | number | boolean | null }
  | { type: "assign"; to: string }
  | { type: "notify"; to: string; text: string }
  | { type: "reply"; text: Record<string, string> }
  | { type: "link_incident"; incidentTicketId: string }
  | { type: "webhook"; url: string; secret: string };
export interface Rule {
  id: string;
  kind: RuleKind;
  name: string;
  description: string | null;
  position: number;
  active: boolean;
  events: string[];
  changed: string[];
  conditions: ConditionGroup;
  actions: RuleAction[];
  deskId: string | null;
}
export interface RuleRun {
  id: string;
  ticketId: string;
  ticket: { number: number; subject: string } | null;
  changes: Record<string, [unknown, unknown]>;
  effects: string[];
  actorId: string | null;
  createdAt: string;
}
export interface DryRun {
  matches: boolean | null;
  changes: Record<string, [unknown, unknown]>;
  effects: { type: string; text?: string; to?: string; url?: string }[];
  matchingTickets?: number;
  sample?: { id: string; number: number; subject: string }[];
}
export const ROUTING_STRATEGIES = ["round_robin", "least_loaded"] as const;
export interface RoutingConfig {
  id: string;
  deskId: string | null;
  strategy: (typeof ROUTING_STRATEGIES)[number];
  useSkills: boolean;
  active: boolean;
}
export interface Availability {
  status: "online" | "away" | "offline";
  skills: { languages: string[]; categories: string[]; desks: string[]; tiers: number[] };
  capacity: Record<string, number>;
  shifts: OpeningHours[];
  timeZone: string;
  onShift: boolean;
}

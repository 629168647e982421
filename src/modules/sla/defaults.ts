import { type Ctx, systemActor } from "../../platform/context";
import { SUPPORTED_LOCALES, t } from "../../platform/i18n";
import { newId } from "../../platform/ids";
import { listDesks } from "../desks/service";
import { listTeams } from "../identity/service";
import { priorityFactors, prioritySettings } from "../priority/schema";
import { DEFAULT_BANDS } from "../priority/score";
import type { RuleAction } from "../rules/actions";
import { type RuleKind, type TriggerEvent, rules } from "../rules/schema";
import type { ConditionGroup } from "../tickets/conditions";
import { getWorkspace } from "../workspaces/service";
import { type PolicyTarget, slaCalendars, slaPolicies } from "./schema";
import { registerDefaults } from "./settings";

/**
 * The figures of the seeds, installed into a workspace the first time it
 * needs SLA, priority or rules (its first ticket, or an admin opening the
 * settings) — so new workspaces work out of the box and operators edit from
 * there. Sources: seeds/003 (Go Tickets: chat 2 minutes, e-mail 24 hours,
 * outage acknowledgement 15 minutes, refunds in 5 business days, claims over
 * $1,000 or incidents affecting 5%+ of attendees to Level 3 within 1 hour)
 * and seeds/004 (voice mail within 1 hour, e-mail within 4 hours at the box
 * office, the priority table, the end-of-day turn-over).
 */
export async function installDefaults(ctx: Ctx): Promise<void> {
  const system: Ctx = { ...ctx, actor: systemActor("defaults") };
  const workspace = await getWorkspace(ctx.db, ctx.workspaceId);
  const locale = workspace.defaultLocale;
  const tr = (key: string, params: Record<string, unknown> = {}) => t(locale, `automation:${key}`, params);
  const now = ctx.clock.now();
  const stamp = { workspaceId: ctx.workspaceId, createdAt: now, updatedAt: now };

  // Calendars: the office (08:00–17:00 on weekdays, seeds/004) and event hours (09:00–23:00 daily, seeds/003).
  const business = newId();
  const weekdays = [1, 2, 3, 4, 5].map((day) => ({ day, start: "08:00", end: "17:00" }));
  await ctx.db.insert(slaCalendars).values([
    { ...stamp, id: business, name: tr("calendar.business"), timeZone: workspace.timezone, alwaysOpen: false, hours: weekdays, holidays: [], isDefault: true },
    {
      ...stamp,
      id: newId(),
      name: tr("calendar.events"),
      timeZone: workspace.timezone,
      alwaysOpen: false,
      hours: [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, start: "09:00", end: "23:00" })),
      holidays: [],
      isDefault: false,
    },
  ]);

  const desks = await listDesks(system).catch(() => []);
  const boxOffice = desks.find((d) => /box[-_ ]?office/i.test(d.key) || /box office/i.test(d.name));
  const policy = (name: string, conditions: ConditionGroup, targets: PolicyTarget[], calendarId: string | null = null) => ({ name, conditions, targets, calendarId });
  const policies = [
    policy(tr("policy.tier3"), { all: [{ field: "tier", op: "gte", value: 3 }] }, [{ metric: "acknowledgement", minutes: 60 }, { metric: "first_reply", minutes: 60 }]),
    policy(tr("policy.outage"), { any: [{ field: "tags", op: "contains", value: "outage" }, { field: "tags", op: "contains", value: "incident" }] }, [
      { metric: "acknowledgement", minutes: 15 },
      { metric: "first_reply", minutes: 60 },
      { metric: "next_reply", minutes: 60 },
    ]),
    policy(tr("policy.eventSoon"), { all: [{ field: "event.starts_at", op: "within_next_hours", value: 24 }] }, [
      { metric: "first_reply", minutes: 60 },
      { metric: "next_reply", minutes: 60 },
    ]),
    policy(tr("policy.chat"), { all: [{ field: "channel", op: "in", value: ["chat", "in_app"] }] }, [
      { metric: "first_reply", minutes: 2 },
      { metric: "next_reply", minutes: 2 },
    ]),
    policy(tr("policy.voice"), { all: [{ field: "channel", op: "in", value: ["voice", "phone"] }] }, [{ metric: "first_reply", minutes: 60 }], business),
    policy(tr("policy.refunds"), { any: [{ field: "tags", op: "contains", value: "refund" }] }, [
      { metric: "first_reply", minutes: 24 * 60 },
      // 5 business days of the 9-hour office day
      { metric: "resolution", minutes: 5 * 9 * 60 },
    ], business),
    ...(boxOffice
      ? [
          policy(tr("policy.boxOfficeEmail"), { all: [{ field: "desk", op: "is", value: boxOffice.id }, { field: "channel", op: "in", value: ["email", "portal"] }] }, [
            { metric: "first_reply", minutes: 4 * 60 },
            { metric: "next_reply", minutes: 4 * 60 },
          ], business),
        ]
      : []),
    policy(tr("policy.default"), {}, [
      { metric: "first_reply", minutes: 24 * 60 },
      { metric: "next_reply", minutes: 24 * 60 },
    ]),
  ];
  await ctx.db.insert(slaPolicies).values(policies.map((p, i) => ({ ...stamp, id: newId(), position: (i + 1) * 10, active: true, warnPercent: 20, ...p })));

  // The priority table of seeds/004.
  const factor = (key: string, label: string, points: number, conditions: ConditionGroup, signal: (typeof priorityFactors.$inferInsert)["signal"] = null, action: (typeof priorityFactors.$inferInsert)["action"] = null) => ({
    key,
    label,
    points,
    conditions,
    signal,
    action,
  });
  const subject = (...words: string[]) => words.map((w) => ({ field: "subject", op: "contains" as const, value: w }));
  const factors = [
    factor("cannot_sell", tr("factor.cannotSell"), 10, { any: [{ field: "tags", op: "contains", value: "cannot-sell" }, ...subject("cannot sell", "can't sell", "unable to sell", "не можемо продати")] }),
    factor("data_not_stored", tr("factor.dataNotStored"), 8, { any: [{ field: "tags", op: "contains", value: "data-issue" }, ...subject("not being saved", "not saved", "not stored", "data missing")] }),
    factor("after_hours_voicemail", tr("factor.afterHoursVoicemail"), 5, { all: [{ field: "channel", op: "is", value: "voice" }] }, "after_hours"),
    factor("phoned_in", tr("factor.phonedIn"), 3, { all: [{ field: "channel", op: "in", value: ["voice", "phone"] }] }),
    factor("email_after_close", tr("factor.emailAfterClose"), 2, { all: [{ field: "channel", op: "is", value: "email" }] }, "after_hours"),
    factor("follow_up", tr("factor.followUp"), 1, {}, "follow_up"),
    factor("status_of_tier2", tr("factor.statusOfTier2"), 1, {}, "asks_status_of_tier2"),
    factor("east_coast_afternoon", tr("factor.eastCoastAfternoon"), 1, {}, "east_coast_afternoon"),
    factor("new_topic_existing_case", tr("factor.newTopicExistingCase"), 0, {}, "new_topic_existing_case"),
    factor("tier2_item", tr("factor.tier2Item"), -1, { all: [{ field: "tier", op: "lt", value: 2 }] }, "about_tier2_item", "attach_to_tier2_case"),
    factor("workaround_insists", tr("factor.workaroundInsists"), -5, { all: [{ field: "tags", op: "contains", value: "workaround-given" }] }, "follow_up"),
  ];
  await ctx.db.insert(priorityFactors).values(factors.map((f, i) => ({ ...stamp, id: newId(), position: (i + 1) * 10, active: true, ...f })));
  await ctx.db.insert(prioritySettings).values({ workspaceId: ctx.workspaceId, bands: DEFAULT_BANDS, endOfDayLeadMinutes: 30, updatedAt: now }).onConflictDoNothing();

  // Rules: the Level 3 escalation of seeds/003, and the pending reminder of seeds/004's "do not let cases go stale".
  const teams = await listTeams(system).catch(() => []);
  const tier3 = teams.find((team) => /tier[-_ ]?3|level[-_ ]?3/i.test(`${team.key} ${team.name}`));
  const tier2 = teams.find((team) => /tier[-_ ]?2|level[-_ ]?2/i.test(`${team.key} ${team.name}`));
  const placeholders = { name: "{{requester.name}}", number: "{{ticket.number}}", subject: "{{ticket.subject}}" };
  // Reply templates in every language the catalogues speak; the requester's locale picks one.
  const both = (key: string) => Object.fromEntries(SUPPORTED_LOCALES.map((lang) => [lang, t(lang, `automation:${key}`, placeholders)]));
  const rule = (kind: RuleKind, name: string, conditions: ConditionGroup, actions: RuleAction[], events: TriggerEvent[] = []) => ({ kind, name, conditions, actions, events });
  const list = [
    rule(
      "trigger",
      tr("rule.escalateTier3"),
      { all: [{ field: "tier", op: "lt", value: 3 }], any: [{ field: "custom.claim_amount", op: "gt", value: 1000 }, { field: "custom.affected_share", op: "gte", value: 5 }] },
      [
        { type: "set", field: "tier", value: 3 },
        ...(tier3 ? [{ type: "set" as const, field: "team" as const, value: tier3.id }] : []),
        { type: "set", field: "assignee", value: null },
        { type: "add_tags", tags: ["tier3-escalation"] },
        { type: "assign", to: "route" },
      ],
      ["created", "updated"],
    ),
    rule("trigger", tr("rule.clearReminder"), { all: [{ field: "tags", op: "contains", value: "pending-reminded" }] }, [{ type: "remove_tags", tags: ["pending-reminded"] }], ["message"]),
    rule(
      "automation",
      tr("rule.pendingRemind"),
      { all: [{ field: "status", op: "is", value: "pending" }, { field: "updated_at", op: "older_than_hours", value: 72 }, { field: "tags", op: "not_contains", value: "pending-reminded" }] },
      [{ type: "reply", text: both("rule.remindText") }, { type: "add_tags", tags: ["pending-reminded"] }],
    ),
    rule(
      "automation",
      tr("rule.pendingSolve"),
      { all: [{ field: "status", op: "is", value: "pending" }, { field: "updated_at", op: "older_than_hours", value: 72 }, { field: "tags", op: "contains", value: "pending-reminded" }] },
      [{ type: "set", field: "status", value: "solved" }],
    ),
    rule("macro", tr("rule.macroAskOrder"), {}, [{ type: "reply", text: both("rule.askOrderText") }, { type: "set", field: "status", value: "pending" }]),
    rule("macro", tr("rule.macroTier2"), {}, [
      { type: "set", field: "tier", value: 2 },
      ...(tier2 ? [{ type: "set" as const, field: "team" as const, value: tier2.id }] : []),
      { type: "add_tags", tags: ["tier2"] },
    ]),
  ];
  await ctx.db.insert(rules).values(list.map((r, i) => ({ ...stamp, id: newId(), position: (i + 1) * 10, active: true, changed: [], deskId: null, description: null, ...r })));
}

registerDefaults(installDefaults);

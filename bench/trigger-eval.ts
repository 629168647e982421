/**
 * Trigger evaluation in process (issue #5): how many ticket updates a second
 * one process can run through a workspace's compiled triggers — the pure part
 * of the rules reactor (which trigger wakes on this change, whose conditions
 * hold on the ticket as it is now), without the database.
 *
 *   npm run bench:trigger-eval -- [--rules 50] [--updates 200000]
 *
 * Target: ≥ 10,000 ticket updates/s.
 */
import { randomUUID } from "node:crypto";
import { compileRule, eventOf } from "../src/modules/rules/compile";
import type { RuleRow } from "../src/modules/rules/schema";
import type { TicketRow } from "../src/modules/tickets/schema";
import { arg, report } from "./lib";

const ruleCount = Number(arg("rules", "50"));
const updates = Number(arg("updates", "200000"));

const desks = Array.from({ length: 4 }, () => randomUUID());
const categories = Array.from({ length: 20 }, () => randomUUID());
const channels = ["email", "chat", "voice", "portal", "sms"] as const;
const statuses = ["new", "open", "pending", "on_hold"] as const;
const priorities = ["low", "normal", "high", "urgent"] as const;
const tagPool = ["refund", "outage", "vip", "cannot-sell", "seating", "stream", "ads", "transfer", "invoice", "press"];

// A realistic mix: desk and channel filters, tags, priorities, categories, custom fields, text, nested any/all.
const rules: RuleRow[] = Array.from({ length: ruleCount }, (_, i) => ({
  id: randomUUID(),
  workspaceId: randomUUID(),
  kind: "trigger",
  name: `Rule ${i}`,
  description: null,
  position: i,
  active: true,
  events: i % 3 === 0 ? ["created"] : ["created", "updated"],
  changed: i % 4 === 0 ? ["status"] : [],
  conditions: {
    all: [
      { field: "desk", op: "is", value: desks[i % desks.length] },
      { field: "channel", op: "in", value: [channels[i % 5], channels[(i + 1) % 5]] },
      { field: "status", op: "is_not", value: "pending" },
      ...(i % 2 === 0 ? [{ field: "tags", op: "contains" as const, value: tagPool[i % tagPool.length] }] : []),
      ...(i % 5 === 0 ? [{ field: "custom.claim_amount", op: "gt" as const, value: 1000 }] : []),
      ...(i % 7 === 0 ? [{ field: "subject", op: "contains" as const, value: "refund" }] : []),
    ],
    any: [
      { field: "priority", op: "gte", value: "high" },
      { field: "category", op: "in", value: [categories[i % 20], categories[(i + 3) % 20]] },
      { all: [{ field: "tier", op: "gte", value: 2 }, { field: "language", op: "is", value: "uk" }] },
    ],
  },
  actions: [{ type: "add_tags", tags: ["x"] }],
  deskId: null,
  createdAt: new Date(),
  updatedAt: new Date(),
}));

const now = new Date();
const tickets: TicketRow[] = Array.from({ length: 10_000 }, (_, i) => ({
  id: randomUUID(),
  workspaceId: randomUUID(),
  number: i + 1,
  deskId: desks[i % 4]!,
  subject: i % 9 === 0 ? "Refund for the cancelled show" : "My ticket won't scan at the door",
  status: statuses[i % 4]!,
  priority: priorities[(i * 7) % 4]!,
  priorityScore: 0,
  priorityReasons: [],
  categoryId: categories[(i * 3) % 20]!,
  tags: [tagPool[i % 10]!, tagPool[(i * 3) % 10]!],
  customFields: i % 11 === 0 ? { claim_amount: 1500 } : {},
  channel: channels[i % 5]!,
  language: i % 3 === 0 ? "uk" : "en",
  sentiment: null,
  requesterId: randomUUID(),
  organisationId: null,
  assigneeId: null,
  teamId: null,
  tier: 1 + (i % 3),
  parentId: null,
  mergedIntoId: null,
  eventId: null,
  eventStartsAt: null,
  dueAt: null,
  firstResponseAt: null,
  lastMessageAt: now,
  solvedAt: null,
  closedAt: null,
  createdAt: now,
  updatedAt: now,
  version: 1,
}));

const compileStarted = performance.now();
const compiled = rules.map(compileRule);
const compileMs = performance.now() - compileStarted;
const changesOf = [{ status: ["new", "open"] }, { tags: [[], ["refund"]] }, { priority: ["normal", "high"] }];

let fired = 0;
const run = (n: number) => {
  for (let u = 0; u < n; u++) {
    const ticket = tickets[u % tickets.length]!;
    const event = eventOf(u % 4 === 0 ? "ticket.created" : "ticket.updated")!;
    const changes = changesOf[u % 3]!;
    const env = { now };
    for (const rule of compiled) {
      if (!rule.events.has(event) || (event === "updated" && !rule.wakesOn(changes))) continue;
      if (rule.test(ticket, env)) fired++;
    }
  }
};
run(Math.min(20_000, updates)); // warm up the JIT
fired = 0;
const started = performance.now();
run(updates);
const seconds = (performance.now() - started) / 1000;
const perSecond = updates / seconds;
report(`Trigger evaluation: ${ruleCount} triggers × ${updates.toLocaleString("en")} ticket updates`, [
  { what: "ticket updates evaluated/s", value: perSecond, unit: "updates/s", target: "≥ 10000", ok: perSecond >= 10_000 },
  { what: "trigger evaluations/s", value: (perSecond * ruleCount), unit: "evals/s" },
  { what: "triggers fired per update", value: fired / updates, unit: "" },
  { what: "compiling the triggers", value: compileMs, unit: "ms" },
]);
console.log(`updates/s ${Math.round(perSecond)}`);

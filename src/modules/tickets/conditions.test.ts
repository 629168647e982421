import { and, eq } from "drizzle-orm";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { type TestWorkspace, makeWorkspace } from "../../../test/factories";
import { useTestApp } from "../../../test/helpers";
import { ControlledClock } from "../../platform/clock";
import { createContact } from "../contacts/service";
import { createCategory } from "../desks/service";
import { type Condition, type ConditionGroup, compileConditions, evaluateConditions, validateConditions } from "./conditions";
import { type ImportedTicket, importTickets } from "./import";
import { type TicketRow, tickets } from "./schema";

/**
 * Lists run conditions as SQL; triggers and SLA policies run the same
 * conditions in memory. The two must never disagree: generated conditions
 * are run both ways over the same tickets.
 */
const clock = new ControlledClock("2026-07-01T12:00:00Z");
const app = useTestApp({ clock });

let ws: TestWorkspace;
let rows: TicketRow[];
let categoryIds: string[];

beforeAll(async () => {
  ws = await makeWorkspace(app());
  categoryIds = [
    (await createCategory(ws.admin.ctx, ws.desk.id, { key: "refunds", name: "Refunds" })).id,
    (await createCategory(ws.admin.ctx, ws.desk.id, { key: "entry", name: "Entry" })).id,
  ];
  const contact = await createContact(ws.admin.ctx, { name: "Fan", tier: "vip", identities: [{ kind: "email", value: "fan@example.com" }] });
  const rnd = fc.sample(
    fc.record({
      status: fc.constantFrom("new", "open", "pending", "on_hold", "solved", "closed"),
      priority: fc.constantFrom("low", "normal", "high", "urgent"),
      channel: fc.constantFrom("email", "chat", "voice", "sms"),
      tags: fc.subarray(["refund", "vip", "door", "stream"]),
      category: fc.option(fc.constantFrom(...categoryIds), { nil: null }),
      assigned: fc.boolean(),
      tier: fc.integer({ min: 1, max: 3 }),
      ageHours: fc.integer({ min: 0, max: 200 }),
      dueHours: fc.option(fc.integer({ min: -48, max: 48 }), { nil: null }),
      eventHours: fc.option(fc.integer({ min: -24, max: 96 }), { nil: null }),
      seats: fc.option(fc.integer({ min: 1, max: 8 }), { nil: null }),
      language: fc.option(fc.constantFrom("en", "uk", "es"), { nil: null }),
    }),
    { numRuns: 60, seed: 7 },
  );
  const hours = (h: number) => new Date(clock.now().getTime() + h * 3_600_000);
  const items: ImportedTicket[] = rnd.map((r) => ({
    deskId: ws.desk.id,
    subject: `Ticket about ${r.tags.join(" ") || "nothing"}`,
    channel: r.channel,
    requesterId: contact.id,
    status: r.status,
    priority: r.priority,
    categoryId: r.category,
    tags: r.tags,
    customFields: r.seats === null ? {} : { seats: r.seats },
    language: r.language,
    assigneeId: r.assigned ? ws.admin.agent.id : null,
    tier: r.tier,
    dueAt: r.dueHours === null ? null : hours(r.dueHours),
    createdAt: hours(-r.ageHours),
    messages: [{ kind: "inbound", text: "hello", createdAt: hours(-r.ageHours) }],
  }));
  const imported = await importTickets(ws.system, items);
  // Event start times are set by the commerce module; here directly.
  for (const [i, r] of rnd.entries()) {
    if (r.eventHours !== null) {
      await app()
        .database.db.update(tickets)
        .set({ eventStartsAt: hours(r.eventHours) })
        .where(eq(tickets.id, imported[i]!.id));
    }
  }
  rows = await app().database.db.select().from(tickets).where(eq(tickets.workspaceId, ws.workspace.id));
});

const condition: fc.Arbitrary<Condition> = fc.oneof(
  fc.record({ field: fc.constant("status"), op: fc.constantFrom("is", "is_not"), value: fc.constantFrom("new", "open", "solved") }),
  fc.record({ field: fc.constant("status"), op: fc.constantFrom("in", "not_in"), value: fc.subarray(["new", "open", "pending", "on_hold"], { minLength: 1 }) }),
  fc.record({ field: fc.constant("priority"), op: fc.constantFrom("is", "gt", "gte", "lt", "lte"), value: fc.constantFrom("low", "normal", "high", "urgent") }),
  fc.record({ field: fc.constant("channel"), op: fc.constantFrom("is", "is_not", "in"), value: fc.constantFrom("email", "voice") }).map((c) =>
    c.op === "in" ? { ...c, value: [c.value] } : c,
  ),
  fc.record({ field: fc.constant("tags"), op: fc.constantFrom("contains", "not_contains"), value: fc.constantFrom("refund", "vip", "door", "none") }),
  fc.record({ field: fc.constant("tags"), op: fc.constantFrom("is_set", "is_not_set") }),
  fc.record({ field: fc.constantFrom("assignee", "category", "due_at", "language", "event.starts_at"), op: fc.constantFrom("is_set", "is_not_set") }),
  fc.record({ field: fc.constant("category"), op: fc.constantFrom("is", "is_not"), value: fc.constantFrom(null, "c0", "c1") }).map((c) => ({
    ...c,
    value: c.value === null ? null : categoryIds[c.value === "c0" ? 0 : 1],
  })),
  fc.record({ field: fc.constant("tier"), op: fc.constantFrom("is", "gt", "lte"), value: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ field: fc.constant("language"), op: fc.constantFrom("is", "is_not"), value: fc.constantFrom("en", "uk") }),
  fc.record({ field: fc.constant("subject"), op: fc.constantFrom("contains", "not_contains"), value: fc.constantFrom("refund", "DOOR", "nothing") }),
  fc.record({ field: fc.constantFrom("due_at", "event.starts_at"), op: fc.constant("within_next_hours"), value: fc.integer({ min: 0, max: 72 }) }),
  fc.record({ field: fc.constantFrom("created_at", "due_at"), op: fc.constant("older_than_hours"), value: fc.integer({ min: 0, max: 150 }) }),
  fc.record({ field: fc.constant("custom.seats"), op: fc.constantFrom("is", "gt", "lte", "is_set", "is_not_set"), value: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ field: fc.constant("requester.tier"), op: fc.constantFrom("is", "is_not"), value: fc.constantFrom("vip", "standard") }),
  fc.record({ field: fc.constant("assignee"), op: fc.constantFrom("is", "is_not"), value: fc.constantFrom("me", null) }),
);

const group: fc.Arbitrary<ConditionGroup> = fc.record(
  { all: fc.array(condition, { maxLength: 3 }), any: fc.array(condition, { maxLength: 3 }) },
  { requiredKeys: [] },
);

describe("the condition language", () => {
  it("gives the same tickets compiled to SQL as evaluated in memory", async () => {
    await fc.assert(
      fc.asyncProperty(group, async (conditions) => {
        validateConditions(conditions);
        const env = { now: clock.now(), agentId: ws.admin.agent.id, requester: { tier: "vip" } };
        const where = compileConditions(conditions, env);
        const fromSql = await app()
          .database.db.select({ id: tickets.id })
          .from(tickets)
          .where(and(eq(tickets.workspaceId, ws.workspace.id), where));
        const inMemory = rows.filter((t) => evaluateConditions(conditions, t, env)).map((t) => t.id);
        expect(fromSql.map((r) => r.id).sort()).toEqual(inMemory.sort());
      }),
      { numRuns: 150, seed: 42 },
    );
  });

  it("rejects unknown fields and values of the wrong kind, with paths", () => {
    expect(() => validateConditions({ all: [{ field: "colour", op: "is", value: "red" }] })).toThrow(/not valid/);
    try {
      validateConditions({ any: [{ field: "priority", op: "is", value: "asap" }, { field: "due_at", op: "within_next_hours", value: "soon" }] });
    } catch (e) {
      expect((e as { errors: { path: string }[] }).errors.map((p) => p.path)).toEqual(["conditions.any.0.value", "conditions.any.1.value"]);
    }
  });
});

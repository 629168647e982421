import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { makeAgent, makeTicket, makeWorkspace, uid } from "../../../test/factories";
import { pendingJobs, settle, useTestApp } from "../../../test/helpers";
import { ControlledClock } from "../../platform/clock";
import { inTransaction } from "../../platform/context";
import { DomainError } from "../../platform/errors";
import { runReactor } from "../activity/reactors";
import { listTicketActivities } from "../activity/service";
import { createCategory, createCustomField } from "../desks/service";
import { mergeTickets, relatedTickets, splitTicket } from "./merge";
import { addMessage, listMessages, receiveMessage } from "./messages";
import { bulkUpdateTickets, claimTicket, getTicket, listTickets, loadTicketForUpdate, setDerivedFields, setDueTimes, updateTicket } from "./service";
import { tagCatalogue } from "./reactors";
import { tickets } from "./schema";
import { listTags } from "./tags";

const clock = new ControlledClock("2026-06-12T18:00:00Z");
const app = useTestApp({ clock });

const readTicketRow = async (id: string) => (await app().database.db.select().from(tickets).where(eq(tickets.id, id)))[0]!;

async function expectError(promise: Promise<unknown>, code: string) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `expected ${code}`).toBeInstanceOf(DomainError);
  expect((error as DomainError).code).toBe(code);
  return error as DomainError;
}

describe("ticket lifecycle", () => {
  it("a fan's e-mail becomes ticket #1 with its first message, requester and a ticket.created activity", async () => {
    const { admin, desk } = await makeWorkspace(app());
    const ticket = await makeTicket(admin.ctx, desk.id, {
      requester: { identities: [{ kind: "email", value: "Dana.Fan@Example.com" }], name: "Dana Fan" },
    });
    expect(ticket.number).toBe(1);
    expect(ticket.status).toBe("new");
    expect(ticket.lastMessageAt).toEqual(clock.now());

    const messages = await listMessages(admin.ctx, ticket.id);
    expect(messages.items).toHaveLength(1);
    expect(messages.items[0]).toMatchObject({ kind: "inbound", authorKind: "contact", authorContactId: ticket.requesterId });

    const history = await listTicketActivities(admin.ctx, ticket.id);
    expect(history.items.map((a) => a.type)).toEqual(["ticket.created", "message.received"]);
    expect(history.items[0]).toMatchObject({ actorKind: "agent", actorId: admin.agent.id });

    const second = await makeTicket(admin.ctx, desk.id, {
      requester: { identities: [{ kind: "email", value: "dana.fan@example.com" }] },
    });
    expect(second.number).toBe(2);
    expect(second.requesterId).toBe(ticket.requesterId); // same person, found by normalised e-mail
  });

  it("moves new → open → pending → solved → closed, stamping times and recording every change", async () => {
    const { admin, desk } = await makeWorkspace(app());
    const ticket = await makeTicket(admin.ctx, desk.id);
    const assigned = await updateTicket(admin.ctx, ticket.id, { assigneeId: admin.agent.id });
    expect(assigned.status).toBe("open"); // assigning a new ticket opens it
    expect(assigned.version).toBe(ticket.version + 1);

    clock.advanceMinutes(5);
    const { ticket: replied } = await addMessage(admin.ctx, ticket.id, {
      kind: "outbound",
      text: "We've reissued your ticket.",
      status: "pending",
    });
    expect(replied.status).toBe("pending");
    expect(replied.firstResponseAt).toEqual(clock.now());

    const solved = await updateTicket(admin.ctx, ticket.id, { status: "solved" });
    expect(solved.solvedAt).toEqual(clock.now());
    const closed = await updateTicket(admin.ctx, ticket.id, { status: "closed" });
    expect(closed.closedAt).toEqual(clock.now());

    const history = await listTicketActivities(admin.ctx, ticket.id);
    const statusChanges = history.items.filter((a) => a.changes.status).map((a) => a.changes.status);
    expect(statusChanges).toEqual([
      ["new", "open"],
      ["open", "pending"],
      ["pending", "solved"],
      ["solved", "closed"],
    ]);
    expect(history.items.find((a) => a.changes.assigneeId)?.changes.assigneeId).toEqual([null, admin.agent.id]);
  });

  it("refuses invalid transitions and leaves the ticket untouched", async () => {
    const { admin, desk } = await makeWorkspace(app());
    const ticket = await makeTicket(admin.ctx, desk.id);
    await expectError(updateTicket(admin.ctx, ticket.id, { status: "closed" }), "ticket.invalid_transition");
    await updateTicket(admin.ctx, ticket.id, { status: "solved" });
    await updateTicket(admin.ctx, ticket.id, { status: "closed" });
    await expectError(updateTicket(admin.ctx, ticket.id, { status: "open" }), "ticket.invalid_transition");
    await expectError(addMessage(admin.ctx, ticket.id, { kind: "outbound", text: "hello?" }), "ticket.invalid_transition");
    const after = await getTicket(admin.ctx, ticket.id);
    expect(after.status).toBe("closed");
    const messages = await listMessages(admin.ctx, ticket.id);
    expect(messages.items).toHaveLength(1);
  });

  it("the fan writing again reopens a pending or solved ticket; a replayed message is stored once", async () => {
    const { admin, desk, system } = await makeWorkspace(app());
    const ticket = await makeTicket(admin.ctx, desk.id);
    await updateTicket(admin.ctx, ticket.id, { status: "pending" });
    const first = await receiveMessage(system, ticket.id, { text: "Still not working at gate B", externalId: "<abc@mail.example>" });
    expect(first.ticket.status).toBe("open");
    expect(first.duplicate).toBe(false);
    const again = await receiveMessage(system, ticket.id, { text: "Still not working at gate B", externalId: "<abc@mail.example>" });
    expect(again.duplicate).toBe(true);
    expect(again.message.id).toBe(first.message.id);
    expect((await listMessages(admin.ctx, ticket.id)).items).toHaveLength(2);
  });

  it("a message joining a ticket it read without a lock is refused, and nothing written, if the ticket changed meanwhile", async () => {
    const { admin, desk, system } = await makeWorkspace(app());
    const ticket = await makeTicket(admin.ctx, desk.id);
    const seen = await readTicketRow(ticket.id);
    // As read: claimed, not locked; the ticket's one UPDATE carries the version check, with the message in its statement.
    const joined = await receiveMessage(system, ticket.id, { text: "Gate B again", externalId: `SM${uid()}` }, { seen, duplicatesRefused: true });
    expect(joined.ticket.version).toBe(seen.version + 1);
    expect((await readTicketRow(ticket.id)).version).toBe(seen.version + 1);

    // An agent changes the ticket after the row was read: the same row is now out of date.
    const stale = await readTicketRow(ticket.id);
    await updateTicket(admin.ctx, ticket.id, { priority: "high" });
    await expectError(receiveMessage(system, ticket.id, { text: "Hello??", externalId: `SM${uid()}` }, { seen: stale, duplicatesRefused: true }), "conflict.concurrent");
    expect((await listMessages(admin.ctx, ticket.id)).items.map((m) => m.text)).not.toContain("Hello??");
    const after = await readTicketRow(ticket.id);
    expect(after).toMatchObject({ priority: "high", version: stale.version + 1 });

    // A claimed row locked later in its transaction is checked there too; a current one is then held.
    await expectError(
      inTransaction(system, async (tx) => {
        await claimTicket(tx, stale);
        return loadTicketForUpdate(tx, ticket.id);
      }),
      "conflict.concurrent",
    );
    const locked = await inTransaction(system, async (tx) => {
      await claimTicket(tx, after);
      return loadTicketForUpdate(tx, ticket.id);
    });
    expect(locked.version).toBe(after.version);
  });

  it("refuses a reply written over an outdated view (expectedVersion)", async () => {
    const { admin, desk } = await makeWorkspace(app());
    const ticket = await makeTicket(admin.ctx, desk.id);
    await updateTicket(admin.ctx, ticket.id, { priority: "high" });
    const error = await expectError(
      addMessage(admin.ctx, ticket.id, { kind: "outbound", text: "As I said…", expectedVersion: ticket.version }),
      "conflict.version",
    );
    expect(error.details).toMatchObject({ expectedVersion: 1, currentVersion: 2 });
    await expectError(updateTicket(admin.ctx, ticket.id, { priority: "low" }, { expectedVersion: 1 }), "conflict.version");
    expect((await getTicket(admin.ctx, ticket.id)).priority).toBe("high");
  });

  it("validates categories, custom fields and references against the ticket's desk", async () => {
    const { admin, desk, otherDesk } = await makeWorkspace(app());
    const foreignCategory = await createCategory(admin.ctx, otherDesk.id, { key: "invoicing", name: "Invoicing" });
    await createCustomField(admin.ctx, desk.id, {
      key: "order_number",
      label: "Order number",
      type: "text",
      required: true,
      validation: { pattern: "^LL-\\d{6}$" },
    });
    await createCustomField(admin.ctx, desk.id, { key: "seats", label: "Seats", type: "integer", validation: { min: 1, max: 10 } });

    const badCategory = await expectError(makeTicket(admin.ctx, desk.id, { categoryId: foreignCategory.id }), "ticket.invalid_reference");
    expect(badCategory.errors[0]?.path).toBe("categoryId");

    const badFields = await expectError(
      makeTicket(admin.ctx, desk.id, { customFields: { order_number: "12345", seats: 2.5, colour: "red" } }),
      "ticket.custom_field_invalid",
    );
    expect(badFields.errors.map((e) => e.path).sort()).toEqual(["customFields.colour", "customFields.order_number", "customFields.seats"]);

    const ticket = await makeTicket(admin.ctx, desk.id, { customFields: { seats: 2 } });
    // A required field must be filled before the ticket can be solved.
    const unsolved = await expectError(updateTicket(admin.ctx, ticket.id, { status: "solved" }), "ticket.custom_field_invalid");
    expect(unsolved.errors[0]?.path).toBe("customFields.order_number");
    const solved = await updateTicket(admin.ctx, ticket.id, { status: "solved", customFields: { order_number: "LL-123456" } });
    expect(solved.customFields).toEqual({ seats: 2, order_number: "LL-123456" });
  });

  it("redacts card numbers from the subject and every message before storing them", async () => {
    const { admin, desk } = await makeWorkspace(app());
    const ticket = await makeTicket(admin.ctx, desk.id, {
      subject: "Refund to card 4111 1111 1111 1111 please",
      message: { text: "My card is 5500-0000-0000-0004, expiry 12/29.", html: "<p>Card: <b>4111111111111111</b></p>" },
    });
    expect(ticket.subject).toBe("Refund to card [card number removed ••••1111] please");
    const [message] = (await listMessages(admin.ctx, ticket.id)).items;
    expect(message!.text).not.toMatch(/5500-0000-0000-0004/);
    expect(message!.text).toContain("••••0004");
    expect(message!.html).not.toContain("4111111111111111");
    const history = await listTicketActivities(admin.ctx, ticket.id);
    expect(history.items.find((a) => a.type === "message.received")?.data.cardNumbersRedacted).toBe(2);
  });

  it("sanitises HTML: no script, no event handlers, no javascript: links", async () => {
    const { admin, desk } = await makeWorkspace(app());
    const ticket = await makeTicket(admin.ctx, desk.id, {
      message: {
        html: `<p onclick="steal()">Hi <script>alert(document.cookie)</script><a href="javascript:alert(1)">link</a><img src=x onerror=alert(1)><iframe src="https://evil.example"></iframe></p>`,
      },
    });
    const [message] = (await listMessages(admin.ctx, ticket.id)).items;
    expect(message!.html).not.toMatch(/script|onclick|onerror|javascript:|iframe/i);
    expect(message!.text).toBe("Hi link");
  });
});

describe("listing", () => {
  it("sorts the queue by priority then due time and pages with a cursor, without gaps or repeats", async () => {
    const { admin, desk } = await makeWorkspace(app());
    const created = [];
    for (const [priority, dueHours] of [
      ["normal", 5],
      ["urgent", 2],
      ["urgent", null],
      ["low", 1],
      ["high", 3],
      ["urgent", 1],
      ["normal", null],
    ] as const) {
      const t = await makeTicket(admin.ctx, desk.id, { priority });
      if (dueHours !== null) {
        // The SLA engine sets due times; here they are set directly to test the ordering alone.
        await app()
          .database.db.update(tickets)
          .set({ dueAt: new Date(clock.now().getTime() + dueHours * 3_600_000) })
          .where(eq(tickets.id, t.id));
      }
      created.push({ id: t.id, priority, dueHours });
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listTickets(admin.ctx, {
        sort: "priority",
        limit: 3,
        cursor,
        conditions: { all: [{ field: "desk", op: "is", value: desk.id }] },
      });
      seen.push(...page.items.map((t) => t.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const rank = { urgent: 0, high: 1, normal: 2, low: 3 };
    const expected = [...created]
      .sort((a, b) => rank[a.priority] - rank[b.priority] || (a.dueHours ?? Infinity) - (b.dueHours ?? Infinity) || (a.id < b.id ? -1 : 1))
      .map((t) => t.id);
    expect(seen).toEqual(expected);
  });

  it("filters by status, assignee 'me', tags and free text; merged tickets are hidden", async () => {
    const { admin, desk } = await makeWorkspace(app());
    const mine = await makeTicket(admin.ctx, desk.id, { subject: "Refund for Hamlet", tags: ["refund"], assigneeId: admin.agent.id });
    await makeTicket(admin.ctx, desk.id, { subject: "Lost PDF", tags: ["pdf"] });
    const byMe = await listTickets(admin.ctx, { conditions: { all: [{ field: "assignee", op: "is", value: "me" }] } });
    expect(byMe.items.map((t) => t.id)).toEqual([mine.id]);
    const tagged = await listTickets(admin.ctx, { conditions: { all: [{ field: "tags", op: "contains", value: "refund" }] } });
    expect(tagged.items.map((t) => t.id)).toEqual([mine.id]);
    expect((await listTickets(admin.ctx, { q: "hamlet" })).items.map((t) => t.id)).toEqual([mine.id]);
    expect((await listTickets(admin.ctx, { q: `#${mine.number}` })).items.map((t) => t.id)).toEqual([mine.id]);
  });
});

describe("merge, split and bulk", () => {
  it("merges a duplicate into the original: messages move, the duplicate closes pointing at the target", async () => {
    const { admin, desk } = await makeWorkspace(app());
    const email = `dup-${uid()}@example.com`;
    const original = await makeTicket(admin.ctx, desk.id, {
      requester: { identities: [{ kind: "email", value: email }] },
      tags: ["refund"],
    });
    const duplicate = await makeTicket(admin.ctx, desk.id, {
      requester: { identities: [{ kind: "email", value: email }] },
      tags: ["urgent-fan"],
    });
    const merged = await mergeTickets(admin.ctx, original.id, [duplicate.id]);
    expect(merged.tags).toEqual(["refund", "urgent-fan"]);
    const source = await getTicket(admin.ctx, duplicate.id);
    expect(source).toMatchObject({ status: "closed", mergedIntoId: original.id });
    const conversation = (await listMessages(admin.ctx, original.id)).items;
    expect(conversation.filter((m) => m.kind === "inbound")).toHaveLength(2);
    expect(conversation.some((m) => m.kind === "note" && m.text.includes(`#${duplicate.number}`))).toBe(true);
    await expectError(updateTicket(admin.ctx, duplicate.id, { priority: "high" }), "ticket.merged");
    await expectError(mergeTickets(admin.ctx, original.id, [original.id]), "ticket.merge_invalid");
    await expectError(mergeTickets(admin.ctx, original.id, [duplicate.id]), "ticket.merge_invalid");
  });

  it("splits a second problem into a new linked ticket", async () => {
    const { admin, desk, system } = await makeWorkspace(app());
    const ticket = await makeTicket(admin.ctx, desk.id);
    const second = await receiveMessage(system, ticket.id, { text: "Also, my streaming renewal was charged twice." });
    const split = await splitTicket(admin.ctx, ticket.id, { messageIds: [second.message.id], subject: "Renewal charged twice" });
    expect(split.subject).toBe("Renewal charged twice");
    expect(split.requesterId).toBe(ticket.requesterId);
    expect((await listMessages(admin.ctx, split.id)).items.map((m) => m.id)).toEqual([second.message.id]);
    expect((await relatedTickets(admin.ctx, ticket.id)).linked.map((t) => t.id)).toEqual([split.id]);
    const first = (await listMessages(admin.ctx, ticket.id)).items[0]!;
    await expectError(splitTicket(admin.ctx, ticket.id, { messageIds: [first.id] }), "ticket.split_invalid");
  });

  it("bulk-updates each ticket on its own and reports failures per ticket", async () => {
    const { admin, desk } = await makeWorkspace(app());
    const a = await makeTicket(admin.ctx, desk.id);
    const b = await makeTicket(admin.ctx, desk.id);
    await updateTicket(admin.ctx, b.id, { status: "solved" });
    await updateTicket(admin.ctx, b.id, { status: "closed" });
    const results = await bulkUpdateTickets(admin.ctx, [a.id, b.id], { priority: "urgent", addTags: ["show-cancelled"] });
    expect(results.find((r) => r.id === a.id)).toMatchObject({ ok: true, ticket: { priority: "urgent", tags: ["show-cancelled"] } });
    expect(results.find((r) => r.id === b.id)).toMatchObject({ ok: false, error: { code: "ticket.invalid_transition" } });
    expect((await getTicket(admin.ctx, b.id)).priority).toBe("normal");
  });
});

describe("reactors", () => {
  it("keeps the tag catalogue counting tickets, once per activity even when a job runs twice", async () => {
    const { admin, desk } = await makeWorkspace(app());
    const t1 = await makeTicket(admin.ctx, desk.id, { tags: ["refund", "vip"] });
    await makeTicket(admin.ctx, desk.id, { tags: ["refund"] });
    await updateTicket(admin.ctx, t1.id, { removeTags: ["vip"] });
    await settle(app(), admin.ctx.workspaceId);
    const counts = async () => (await listTags(admin.ctx)).map((t) => [t.name, t.ticketCount]);
    expect(await counts()).toEqual([
      ["refund", 2],
      ["vip", 0],
    ]);
    // pg-boss delivers at least once: a redelivered job must not count twice.
    const [created] = (await listTicketActivities(admin.ctx, t1.id)).items;
    const base = { db: app().database.db, clock: app().clock, outbox: app().outbox };
    expect(await runReactor(base, tagCatalogue, { workspaceId: admin.ctx.workspaceId, activityId: created!.id })).toBe(false);
    expect(await counts()).toEqual([
      ["refund", 2],
      ["vip", 0],
    ]);
    // Only changes that touch tags cost a job.
    const updates = (await listTicketActivities(admin.ctx, t1.id)).items.filter((a) => a.type === "ticket.updated");
    expect(app().outbox.reactorsFor("ticket.updated", { ...updates[0]!, changes: { status: ["new", "open"] } })).not.toContain(tagCatalogue.name);
    expect(app().outbox.reactorsFor("ticket.updated", updates[0]!)).toContain(tagCatalogue.name);
    expect(app().outbox.reactorsFor("ticket.created", { ...created!, data: { tags: [] } })).not.toContain(tagCatalogue.name);
  });

  it("a change that rolls back leaves neither its activity nor its jobs", async () => {
    const { admin, desk } = await makeWorkspace(app());
    const ticket = await makeTicket(admin.ctx, desk.id, { tags: ["refund"] });
    await settle(app(), admin.ctx.workspaceId);
    await expectError(updateTicket(admin.ctx, ticket.id, { tags: ["ok"], customFields: { nope: 1 } }), "ticket.custom_field_invalid");
    expect(await pendingJobs(app(), admin.ctx.workspaceId)).toBe(0);
    expect((await listTicketActivities(admin.ctx, ticket.id)).items.map((a) => a.type)).toEqual(["ticket.created", "message.received"]);
  });
});

describe("light agents", () => {
  it("may read and write internal notes, but not reply publicly or change the ticket", async () => {
    const { admin, desk, workspace } = await makeWorkspace(app());
    const light = await makeAgent(app(), workspace.id, { role: "light_agent", deskIds: [desk.id] });
    const ticket = await makeTicket(admin.ctx, desk.id);
    const { message } = await addMessage(light.ctx, ticket.id, { kind: "note", text: "PR: the artist's team will call the fan." });
    expect(message.kind).toBe("note");
    await expectError(addMessage(light.ctx, ticket.id, { kind: "outbound", text: "Hi!" }), "auth.forbidden");
    await expectError(updateTicket(light.ctx, ticket.id, { priority: "urgent" }), "auth.forbidden");
    await expectError(updateTicket(admin.ctx, ticket.id, { assigneeId: light.agent.id }), "ticket.invalid_reference");
  });
});

describe("a transaction's own tickets", () => {
  it("read back exactly as the database holds them, through updates, replies, derived fields, raw re-timing and a merge", async () => {
    const { admin, desk } = await makeWorkspace(app());
    const other = await makeTicket(admin.ctx, desk.id);
    await inTransaction(admin.ctx, async (tx) => {
      // What the database holds once every staged write has gone out, read past any kept copy.
      const stored = async (id: string) => {
        await tx.batch!.flush(tx.db);
        const [row] = await tx.db.select().from(tickets).where(eq(tickets.id, id));
        return row;
      };
      const expectFresh = async (id: string) => expect(await getTicket(tx, id)).toEqual(await stored(id));

      const ticket = await makeTicket(tx, desk.id, { message: { text: "My barcode is rejected at gate B" } });
      expect(ticket).toEqual(await stored(ticket.id));
      await updateTicket(tx, ticket.id, { tags: ["door"], priority: "high" });
      await expectFresh(ticket.id);
      await addMessage(tx, ticket.id, { kind: "outbound", text: "Let me look at your order." });
      await expectFresh(ticket.id);
      // A derived write staged, then an update whose RETURNING cannot see it yet.
      await setDerivedFields(tx, ticket.id, { dueAt: new Date("2026-06-13T09:00:00Z"), priorityScore: 42 });
      await updateTicket(tx, ticket.id, { subject: "Barcode rejected at gate B" });
      await expectFresh(ticket.id);
      await setDueTimes(tx, [ticket.id], [new Date("2026-06-14T09:00:00Z")]);
      await expectFresh(ticket.id);
      await mergeTickets(tx, ticket.id, [other.id]);
      await expectFresh(ticket.id);
      await expectFresh(other.id);
    });
  });
});

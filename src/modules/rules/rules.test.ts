import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { makeAgent, makeTicket, makeWorkspace } from "../../../test/factories";
import { settle, useTestApp } from "../../../test/helpers";
import { ControlledClock } from "../../platform/clock";
import { listTicketActivities } from "../activity/service";
import { createCustomField } from "../desks/service";
import { createTeam } from "../identity/service";
import { createIncident, listIncidentTickets } from "../incidents/service";
import { getTicketSla } from "../sla/service";
import { listMessages, receiveMessage, addMessage } from "../tickets/messages";
import { getTicket, updateTicket } from "../tickets/service";
import { applyMacro, createRule, dryRun, listRuleRuns, listRules, runAutomations } from "./service";
import { ruleWebhooks, signature } from "./webhook";

const clock = new ControlledClock("2026-01-13T10:00:00Z");
const app = useTestApp({ clock });
const H = 3_600_000;

describe("triggers", { timeout: 30_000 }, () => {
  it("run in order on creation; each fires at most once per change; changes carry the rule id", async () => {
    clock.set("2026-01-13T10:00:00Z");
    const { admin, desk } = await makeWorkspace(app());
    const first = await createRule(admin.ctx, {
      kind: "trigger",
      name: "Refund requests are tagged",
      events: ["created"],
      conditions: { all: [{ field: "subject", op: "contains", value: "refund" }] },
      actions: [{ type: "add_tags", tags: ["refund"] }],
    });
    // Sees the first one's tag (evaluated in order against the ticket as it was left).
    const second = await createRule(admin.ctx, {
      kind: "trigger",
      name: "Refunds go to Tier 2",
      events: ["created", "updated"],
      conditions: { all: [{ field: "tags", op: "contains", value: "refund" }] },
      actions: [{ type: "set", field: "tier", value: 2 }, { type: "add_tags", tags: ["bounced"] }],
    });
    const ticket = await makeTicket(admin.ctx, desk.id, { subject: "Refund for the cancelled show" });
    expect(ticket.tags).toEqual(["bounced", "refund"]);
    expect(ticket.tier).toBe(2);
    // The refund tag brings the ticket under the refunds SLA policy, applied in the same transaction.
    expect((await getTicketSla(admin.ctx, ticket.id)).policy?.name).toMatch(/^Refunds/);

    const history = (await listTicketActivities(admin.ctx, ticket.id)).items.filter((a) => a.type === "ticket.updated");
    expect(history.map((a) => a.data.rule)).toEqual([first.id, second.id]);
    // An agent's later change wakes "updated" triggers again, once.
    await updateTicket(admin.ctx, ticket.id, { subject: "Refund please" });
    const secondRuns = (await listRuleRuns(admin.ctx, second.id)).items;
    expect(secondRuns.map((r) => r.changes)).toEqual([{}, { tier: [1, 2], tags: [["refund"], ["bounced", "refund"]] }]); // newest first: nothing left to change
    const runs = await listRuleRuns(admin.ctx, first.id);
    expect(runs.items).toEqual([expect.objectContaining({ ticketId: ticket.id, changes: { tags: [[], ["refund"]] } })]);
  });

  it("a rule that undoes another does not loop: each fires once", async () => {
    const { admin, desk } = await makeWorkspace(app());
    await createRule(admin.ctx, { kind: "trigger", name: "ping", events: ["created", "updated"], conditions: { all: [{ field: "tags", op: "not_contains", value: "ping" }] }, actions: [{ type: "add_tags", tags: ["ping"] }, { type: "remove_tags", tags: ["pong"] }] });
    await createRule(admin.ctx, { kind: "trigger", name: "pong", events: ["created", "updated"], conditions: { all: [{ field: "tags", op: "contains", value: "ping" }] }, actions: [{ type: "remove_tags", tags: ["ping"] }, { type: "add_tags", tags: ["pong"] }] });
    const ticket = await makeTicket(admin.ctx, desk.id);
    expect(ticket.tags).toEqual(["pong"]);
    const updates = (await listTicketActivities(admin.ctx, ticket.id)).items.filter((a) => a.type === "ticket.updated" && a.data.rule);
    expect(updates).toHaveLength(2);
  });

  it("a claim over $1,000 goes to Tier 3, and must be acknowledged within 1 hour", async () => {
    clock.set("2026-01-13T10:00:00Z");
    const { admin, desk, workspace } = await makeWorkspace(app());
    await createTeam(admin.ctx, { key: "tier-3", name: "Tier 3" });
    await createCustomField(admin.ctx, desk.id, { key: "claim_amount", label: "Claim (USD)", type: "number" });
    await createCustomField(admin.ctx, desk.id, { key: "affected_share", label: "Attendees affected (%)", type: "number" });
    const small = await makeTicket(admin.ctx, desk.id, { customFields: { claim_amount: 120 } });
    expect(small.tier).toBe(1);
    const agent = await makeAgent(app(), workspace.id, { deskIds: [desk.id] });
    const big = await makeTicket(admin.ctx, desk.id, { customFields: { claim_amount: 1500 }, assigneeId: agent.agent.id });
    expect(big.tier).toBe(3);
    expect(big.tags).toContain("tier3-escalation");
    expect(big.assigneeId).toBeNull();
    const sla = await getTicketSla(admin.ctx, big.id);
    expect(sla.policy?.name).toMatch(/^Tier 3/);
    expect(sla.targets.find((t) => t.metric === "acknowledgement")).toMatchObject({ state: "running", dueAt: new Date("2026-01-13T11:00:00Z") });
    // An incident affecting 5% of the audience, set later by an agent, escalates the same way.
    clock.advance(H);
    await updateTicket(admin.ctx, small.id, { customFields: { affected_share: 5 } });
    const escalated = await getTicket(admin.ctx, small.id);
    expect(escalated.tier).toBe(3);
    expect((await getTicketSla(admin.ctx, small.id)).targets.find((t) => t.metric === "acknowledgement")).toMatchObject({ dueAt: new Date("2026-01-13T12:00:00Z") });
  });

  it("replies with a template in the fan's language, notifies the assignee and links to an incident", async () => {
    const { admin, desk } = await makeWorkspace(app());
    const incident = await createIncident(admin.ctx, { title: "Stream down for Friday's show", severity: "critical" });
    await createRule(admin.ctx, {
      kind: "trigger",
      name: "Stream outage auto-reply",
      events: ["created"],
      conditions: { all: [{ field: "subject", op: "contains", value: "stream" }, { field: "tags", op: "not_contains", value: "incident-master" }] },
      actions: [
        { type: "reply", text: { en: "Hi {{requester.name}}, we know about the outage (#{{ticket.number}}).", uk: "Вітаємо, {{requester.name}}! Ми знаємо про збій (№{{ticket.number}})." } },
        { type: "assign", to: admin.agent.id },
        { type: "notify", to: "assignee", text: "Outage ticket #{{ticket.number}} for you" },
        { type: "link_incident", incidentId: incident.id },
      ],
    });
    const ticket = await makeTicket(admin.ctx, desk.id, {
      subject: "The stream does not load",
      requester: { identities: [{ kind: "email", value: "olena@example.com" }], name: "Олена", locale: "uk" },
    });
    const messages = (await listMessages(admin.ctx, ticket.id)).items;
    expect(messages.at(-1)).toMatchObject({ kind: "outbound", authorKind: "system", text: `Вітаємо, Олена! Ми знаємо про збій (№${ticket.number}).` });
    expect(ticket.assigneeId).toBe(admin.agent.id);
    const types = (await listTicketActivities(admin.ctx, ticket.id)).items.map((a) => a.type);
    expect(types).toEqual(expect.arrayContaining(["notification.created", "incident.linked", "message.sent"]));
    expect((await listIncidentTickets(admin.ctx, incident.id)).items.map((t) => t.id)).toEqual([ticket.id]);
    // An automatic reply is not an agent's first reply.
    expect((await getTicketSla(admin.ctx, ticket.id)).targets.find((t) => t.metric === "first_reply")).toMatchObject({ state: "running" });
  });

  it("calls a webhook signed with HMAC-SHA256; a refusal fails the delivery so the queue retries it", async () => {
    const received: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
    let answer = 204;
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        received.push({ headers: req.headers, body });
        res.statusCode = answer;
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/usher`;
      const { admin, desk, system } = await makeWorkspace(app());
      const secret = "s3cret-s3cret-s3cret";
      const rule = await createRule(admin.ctx, { kind: "trigger", name: "Tell the CRM", events: ["created"], actions: [{ type: "webhook", url, secret }] });
      const ticket = await makeTicket(admin.ctx, desk.id);
      await settle(app(), system.workspaceId);
      expect(received).toHaveLength(1);
      const [delivery] = received;
      const activity = (await listTicketActivities(admin.ctx, ticket.id)).items.find((a) => a.type === "rule.webhook")!;
      expect(delivery!.headers["x-usher-delivery"]).toBe(activity.id);
      expect(delivery!.headers["x-usher-signature"]).toBe(signature(secret, String(delivery!.headers["x-usher-timestamp"]), delivery!.body));
      expect(JSON.parse(delivery!.body)).toMatchObject({ event: "rule.webhook", deliveryId: activity.id, rule: { id: rule.id }, ticket: { id: ticket.id, number: ticket.number } });

      // The receiver refuses: the delivery throws, and pg-boss retries the job with back-off (same delivery id).
      // Run directly rather than through the queue, which other test files share on PostgreSQL.
      answer = 503;
      await expect(ruleWebhooks.handle(system, activity)).rejects.toThrow(/answered 503/);
      expect(received[1]!.headers["x-usher-delivery"]).toBe(activity.id);
    } finally {
      server.close();
    }
  });
});

describe("automations, macros, dry runs", { timeout: 30_000 }, () => {
  it("pending 72 hours → a reminder, 72 hours later → solved; a reply in between clears the reminder", async () => {
    clock.set("2026-01-13T10:00:00Z");
    const { admin, desk, system } = await makeWorkspace(app());
    const base = { db: app().database.db, clock, outbox: app().outbox };
    const quiet = await makeTicket(admin.ctx, desk.id);
    const chatty = await makeTicket(admin.ctx, desk.id);
    const lucia = await makeTicket(admin.ctx, desk.id, { requester: { identities: [{ kind: "email", value: "lucia@example.es" }], name: "Lucía", locale: "es" } });
    for (const t of [quiet, chatty, lucia]) await addMessage(admin.ctx, t.id, { kind: "outbound", text: "Could you send the order number?", status: "pending" });
    clock.advance(71 * H);
    expect(await runAutomations(base, system.workspaceId)).toBe(0);
    clock.advance(2 * H);
    expect(await runAutomations(base, system.workspaceId)).toBe(3);
    expect(await runAutomations(base, system.workspaceId)).toBe(0); // once per change
    expect((await getTicket(admin.ctx, quiet.id)).tags).toContain("pending-reminded");
    expect((await listMessages(admin.ctx, quiet.id)).items.at(-1)!.text).toMatch(/still waiting for your answer on ticket #\d+/);
    // The template is per language; a Spanish-speaking fan is reminded in Spanish.
    expect((await listMessages(admin.ctx, lucia.id)).items.at(-1)!.text).toMatch(/^Hola, Lucía:[\s\S]*ticket n\.º \d+/);

    await receiveMessage(admin.ctx, chatty.id, { text: "Here it is: 12345" });
    expect((await getTicket(admin.ctx, chatty.id)).tags).not.toContain("pending-reminded");
    clock.advance(73 * H);
    await runAutomations(base, system.workspaceId);
    expect((await getTicket(admin.ctx, quiet.id)).status).toBe("solved");
    expect((await getTicket(admin.ctx, chatty.id)).status).toBe("open");
  });

  it("an agent applies a macro; the dry run shows what it would change without changing it", async () => {
    const { admin, desk, workspace } = await makeWorkspace(app());
    const agent = await makeAgent(app(), workspace.id, { deskIds: [desk.id] });
    const ticket = await makeTicket(agent.ctx, desk.id);
    const macros = await listRules(agent.ctx);
    expect(macros.every((m) => m.kind === "macro")).toBe(true);
    const tier2 = macros.find((m) => /Tier 2/.test(m.name))!;
    const preview = await dryRun(agent.ctx, { ruleId: tier2.id, ticketId: ticket.id });
    expect(preview).toMatchObject({ matches: true, changes: { tier: [1, 2], tags: [[], ["tier2"]] } });
    expect((await getTicket(agent.ctx, ticket.id)).tier).toBe(1);
    const after = await applyMacro(agent.ctx, ticket.id, tier2.id);
    expect(after).toMatchObject({ tier: 2, tags: ["tier2"] });
    const history = (await listTicketActivities(admin.ctx, ticket.id)).items.filter((a) => a.type === "ticket.updated");
    expect(history.at(-1)!.data).toMatchObject({ macro: tier2.id });
    await expect(applyMacro(agent.ctx, ticket.id, (await listRules(admin.ctx, "trigger"))[0]!.id)).rejects.toMatchObject({ code: "not_found" });

    const automation = (await listRules(admin.ctx, "automation"))[0]!;
    expect(await dryRun(admin.ctx, { ruleId: automation.id })).toMatchObject({ matches: null, matchingTickets: 0 });
    await expect(createRule(admin.ctx, { kind: "automation", name: "No time", conditions: { all: [{ field: "status", op: "is", value: "pending" }] }, actions: [{ type: "add_tags", tags: ["x"] }] })).rejects.toMatchObject({
      code: "validation.failed",
    });
    await expect(createRule(agent.ctx, { kind: "macro", name: "Mine", actions: [{ type: "add_tags", tags: ["x"] }] })).rejects.toMatchObject({ code: "auth.forbidden" });
    await expect(createRule(admin.ctx, { kind: "trigger", name: "Bad", actions: [{ type: "set", field: "status", value: "exploded" }] })).rejects.toMatchObject({ code: "validation.failed" });
  });
});

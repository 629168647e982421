import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Condition, type ConditionGroup, evaluateConditions } from "../tickets/conditions";
import type { TicketRow } from "../tickets/schema";
import { compileGroup } from "./compile";

const ids = ["00000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-000000000002"];
const now = new Date("2026-01-13T10:00:00Z");

const ticket = fc.record({
  status: fc.constantFrom("new", "open", "pending", "on_hold", "solved"),
  priority: fc.constantFrom("low", "normal", "high", "urgent"),
  channel: fc.constantFrom("email", "chat", "voice"),
  tier: fc.constantFrom(1, 2, 3),
  deskId: fc.constantFrom(...ids),
  categoryId: fc.constantFrom(null, ...ids),
  language: fc.constantFrom(null, "en", "uk"),
  tags: fc.subarray(["refund", "vip", "outage"]),
  customFields: fc.constantFrom({}, { claim_amount: 1500 }, { claim_amount: 10 }, { claim_amount: "n/a" }),
  subject: fc.constantFrom("Refund please", "Door scan"),
  priorityScore: fc.integer({ min: -5, max: 20 }),
});

const condition: fc.Arbitrary<Condition> = fc.oneof(
  fc.record({ field: fc.constant("status"), op: fc.constantFrom("is", "is_not"), value: fc.constantFrom("new", "open", "pending") }),
  fc.record({ field: fc.constant("status"), op: fc.constantFrom("in", "not_in"), value: fc.subarray(["new", "open", "pending"], { minLength: 1 }) }),
  fc.record({ field: fc.constant("priority"), op: fc.constantFrom("is", "is_not", "gt", "gte", "lt", "lte"), value: fc.constantFrom("low", "normal", "high", "urgent") }),
  fc.record({ field: fc.constant("channel"), op: fc.constantFrom("in", "not_in"), value: fc.subarray(["email", "chat", "voice"], { minLength: 1 }) }),
  fc.record({ field: fc.constant("tier"), op: fc.constantFrom("is", "gt", "gte", "lt", "lte"), value: fc.constantFrom(1, 2, 3) }),
  fc.record({ field: fc.constantFrom("desk", "category"), op: fc.constantFrom("is", "is_not"), value: fc.constantFrom(...ids) }),
  fc.record({ field: fc.constantFrom("category", "language"), op: fc.constantFrom("is_set", "is_not_set") }),
  fc.record({ field: fc.constant("tags"), op: fc.constantFrom("contains", "not_contains"), value: fc.constantFrom("refund", "vip", "REFUND") }),
  fc.record({ field: fc.constant("custom.claim_amount"), op: fc.constantFrom("gt", "lte", "is_set"), value: fc.constantFrom(1000, 100) }),
  fc.record({ field: fc.constant("subject"), op: fc.constantFrom("contains", "not_contains"), value: fc.constantFrom("refund", "scan") }),
  fc.record({ field: fc.constant("priority_score"), op: fc.constantFrom("gte", "lt"), value: fc.integer({ min: -5, max: 20 }) }),
) as fc.Arbitrary<Condition>;

const group: fc.Arbitrary<ConditionGroup> = fc.letrec((tie) => ({
  group: fc.record(
    { all: fc.array(fc.oneof({ depthSize: "small" }, condition, tie("group") as fc.Arbitrary<ConditionGroup>), { maxLength: 3 }), any: fc.array(condition, { maxLength: 3 }) },
    { requiredKeys: [] },
  ),
})).group as fc.Arbitrary<ConditionGroup>;

describe("compiled conditions", () => {
  it("agree with the shared evaluator on every ticket", () => {
    fc.assert(
      fc.property(group, ticket, (g, t) => {
        const row = t as unknown as TicketRow;
        expect(compileGroup(g)(row, { now })).toBe(evaluateConditions(g, row, { now }));
      }),
      { numRuns: 3000 },
    );
  });
});

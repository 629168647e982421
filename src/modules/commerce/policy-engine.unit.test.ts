import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_POLICY,
  type PolicyInput,
  type RefundPolicy,
  adminFeeOf,
  decideExchange,
  decideRefund,
  effectivePolicy,
} from "./policy-engine";

const DAY = 86_400_000;
const now = new Date("2026-03-01T12:00:00Z");

function input(over: Partial<PolicyInput> = {}, policy: Partial<RefundPolicy> = {}): PolicyInput {
  return {
    policy: { ...DEFAULT_POLICY, ...policy },
    event: { state: "scheduled", startsAt: new Date(now.getTime() + 20 * DAY), stateChangedAt: null },
    purchasedAt: new Date(now.getTime() - 3 * DAY),
    currency: "GBP",
    admissions: [
      { id: "a1000000", price: 4500, fees: 350, state: "valid" },
      { id: "a2000000", price: 4500, fees: 350, state: "valid" },
    ],
    now,
    locale: "en",
    ...over,
  };
}

describe("refund policy engine", () => {
  it("refunds the ticket price within the 14-day window, keeping the fees", () => {
    const d = decideRefund(input());
    expect(d.eligible).toBe(true);
    expect(d.amount).toBe(9000);
    expect(d.options).toEqual(["keep", "exchange", "refund"]);
    expect(d.reasons.map((r) => r.code)).toEqual(["window_open", "fees_kept", "refund_amount"]);
    expect(d.reasons.at(-1)!.text).toBe("You would get back £90.00.");
  });

  it("refuses after the window, and says when it closed", () => {
    const d = decideRefund(input({ purchasedAt: new Date(now.getTime() - 15 * DAY) }));
    expect(d.eligible).toBe(false);
    expect(d.amount).toBe(0);
    expect(d.reasons.find((r) => r.code === "window_closed")!.text).toContain("14 days");
  });

  it("refuses inside the cut-off before the event", () => {
    const d = decideRefund(
      input({ event: { state: "scheduled", startsAt: new Date(now.getTime() + 10 * 3_600_000), stateChangedAt: null } }),
    );
    expect(d.eligible).toBe(false);
    expect(d.reasons.map((r) => r.code)).toContain("cutoff_passed");
  });

  it("refunds a cancelled event in full, fees included, even when the policy says not refundable", () => {
    const d = decideRefund(
      input(
        {
          event: { state: "cancelled", startsAt: new Date(now.getTime() + DAY), stateChangedAt: now },
          purchasedAt: new Date(now.getTime() - 90 * DAY),
        },
        { refundable: false },
      ),
    );
    expect(d).toMatchObject({ eligible: true, amount: 9700, options: ["keep", "refund"] });
  });

  it("offers keep, exchange or a full refund for N days after a postponement, then the usual rules", () => {
    const changed = new Date(now.getTime() - 5 * DAY);
    const postponed = { state: "postponed" as const, startsAt: new Date(now.getTime() + 60 * DAY), stateChangedAt: changed };
    const within = decideRefund(input({ event: postponed, purchasedAt: new Date(now.getTime() - 100 * DAY) }, { postponedChoiceDays: 30 }));
    expect(within).toMatchObject({ eligible: true, amount: 9700, options: ["keep", "exchange", "refund"] });
    const after = decideRefund(input({ event: postponed, purchasedAt: new Date(now.getTime() - 100 * DAY) }, { postponedChoiceDays: 3 }));
    expect(after.eligible).toBe(false);
    expect(after.reasons.map((r) => r.code)).toEqual(["postponed_choice_over", "window_closed"]);
  });

  it("takes a fixed or percentage administration fee and can refund fees", () => {
    expect(decideRefund(input({}, { adminFee: { kind: "fixed", amount: 200 } })).amount).toBe(9000 - 400);
    expect(decideRefund(input({}, { adminFee: { kind: "percent", percent: 10 }, feesRefundable: true })).amount).toBe(9000 - 900 + 700);
  });

  it("never refunds a scanned admission", () => {
    const d = decideRefund(input({ admissions: [{ id: "scan0001", price: 4500, fees: 0, state: "scanned" }] }));
    expect(d.eligible).toBe(false);
    expect(d.reasons[0]!.code).toBe("admission_scanned");
  });

  it("routes refunds above the threshold to an approver", () => {
    const d = decideRefund(input({}, { autoApproveMax: 5000 }));
    expect(d).toMatchObject({ eligible: true, needsApproval: true });
    expect(d.reasons.at(-1)!.code).toBe("needs_approval");
  });

  it("explains itself in the contact's language", () => {
    const uk = decideRefund(input({ locale: "uk" }));
    expect(uk.reasons[0]!.text).toContain("14 днів");
    const es = decideRefund(input({ locale: "es" }));
    expect(es.reasons.at(-1)!.text).toContain("Recibirías");
  });

  it("per-event overrides win over the workspace policy", () => {
    expect(effectivePolicy(DEFAULT_POLICY, { refundable: false }).refundable).toBe(false);
    const d = decideRefund(input({}, effectivePolicy(DEFAULT_POLICY, { refundable: false })));
    expect(d).toMatchObject({ eligible: false, options: ["keep", "exchange"] });
    expect(decideExchange(input({}, { refundable: false })).eligible).toBe(true);
  });

  it("property: a refund is never negative and never more than was paid", () => {
    const admission = fc.record({
      id: fc.constant("x0000000"),
      price: fc.integer({ min: 0, max: 1_000_000 }),
      fees: fc.integer({ min: 0, max: 100_000 }),
      state: fc.constantFrom("valid", "valid", "scanned", "refunded"),
    });
    const fee = fc.oneof(
      fc.constant({ kind: "none" as const }),
      fc.record({ kind: fc.constant("fixed" as const), amount: fc.integer({ min: 0, max: 50_000 }) }),
      fc.record({ kind: fc.constant("percent" as const), percent: fc.double({ min: 0, max: 100, noNaN: true }) }),
    );
    fc.assert(
      fc.property(
        fc.array(admission, { minLength: 0, maxLength: 6 }),
        fee,
        fc.boolean(),
        fc.constantFrom("scheduled", "postponed", "rescheduled", "cancelled"),
        fc.integer({ min: -40, max: 40 }),
        fc.integer({ min: 0, max: 60 }),
        (admissions, adminFee, feesRefundable, state, startInDays, boughtDaysAgo) => {
          const d = decideRefund(
            input(
              {
                admissions: admissions as PolicyInput["admissions"],
                event: {
                  state: state as "scheduled",
                  startsAt: new Date(now.getTime() + startInDays * DAY),
                  stateChangedAt: new Date(now.getTime() - DAY),
                },
                purchasedAt: new Date(now.getTime() - boughtDaysAgo * DAY),
              },
              { adminFee, feesRefundable },
            ),
          );
          const paid = admissions.filter((a) => a.state === "valid").reduce((s, a) => s + a.price + a.fees, 0);
          expect(d.amount).toBeGreaterThanOrEqual(0);
          expect(d.amount).toBeLessThanOrEqual(paid);
          expect(Number.isInteger(d.amount)).toBe(true);
          if (!d.eligible) expect(d.amount).toBe(0);
          expect(d.reasons.length).toBeGreaterThan(0);
        },
      ),
    );
  });

  it("an administration fee never exceeds the price", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 0, max: 1_000_000 }), (price, amount) => {
        expect(adminFeeOf({ kind: "fixed", amount }, price)).toBeLessThanOrEqual(price);
      }),
    );
  });
});

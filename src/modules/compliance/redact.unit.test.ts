import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { luhnValid, redactCardNumbers } from "./redact";

describe("card number redaction", () => {
  it.each([
    ["4111111111111111", "Visa"],
    ["4111 1111 1111 1111", "Visa with spaces"],
    ["4111-1111-1111-1111", "Visa with dashes"],
    ["5500 0000 0000 0004", "Mastercard"],
    ["2223 0000 4841 0010", "Mastercard 2-series"],
    ["3782 822463 10005", "Amex 4-6-5"],
    ["6011 1111 1111 1117", "Discover"],
    ["3530 1113 3330 0000", "JCB"],
    ["6200 0000 0000 0005", "UnionPay"],
    ["4000 0000 0000 0000 006", "19-digit Visa"],
  ])("removes %s (%s), keeping the last four digits", (pan) => {
    const { text, count } = redactCardNumbers(`My card is ${pan}, thanks`);
    expect(count).toBe(1);
    expect(text).toBe(`My card is [card number removed ••••${pan.replace(/\D/g, "").slice(-4)}], thanks`);
  });

  it.each([
    ["4111 1111 1111 1112", "fails the Luhn check"],
    ["Order LL-123456 on 2026-06-12", "order numbers and dates"],
    ["+44 7700 900123", "a phone number"],
    ["1234567890123", "a 13-digit id not starting like a card"],
    ["ref4111111111111111x", "digits glued to letters"],
    ["IBAN GB82 WEST 1234 5698 7654 32", "an IBAN"],
  ])("leaves %s alone (%s)", (text) => {
    expect(redactCardNumbers(text)).toEqual({ text, count: 0 });
  });

  it("removes several numbers in one text, in any script around them", () => {
    const { text, count } = redactCardNumbers("Картка 4111111111111111 та ще 5500000000000004.");
    expect(count).toBe(2);
    expect(text).toBe("Картка [card number removed ••••1111] та ще [card number removed ••••0004].");
  });

  it("never leaves a Luhn-valid Visa number behind, however it is spaced", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 14, maxLength: 14 }),
        fc.constantFrom("", " ", "-"),
        (body, sep) => {
          const partial = `4${body.join("")}`;
          const check = [...Array(10).keys()].find((d) => luhnValid(`${partial}${d}`))!;
          const pan = `${partial}${check}`;
          const spaced = pan.match(/.{1,4}/g)!.join(sep);
          const { text } = redactCardNumbers(`pay with ${spaced} now`);
          expect(text.replace(/\D/g, "")).not.toContain(pan);
        },
      ),
      { numRuns: 300 },
    );
  });
});

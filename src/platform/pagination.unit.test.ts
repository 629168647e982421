import { describe, expect, it } from "vitest";
import { DomainError } from "./errors";
import { decodeCursor, encodeCursor } from "./pagination";

describe("cursors", () => {
  it("round-trip dates, nulls, numbers and strings", () => {
    const values = [new Date("2026-06-12T18:00:00.000Z"), null, 3, "urgent", "01a2072b-d563-7258-bb46-327e33ca7063"];
    expect(decodeCursor(encodeCursor(values), 5)).toEqual(values);
  });

  it.each([
    "garbage",
    encodeCursor([1, 2]),
    Buffer.from('[{"$d":"not a date"}]').toString("base64url"),
    Buffer.from('[{"x":1}]').toString("base64url"),
  ])("refuse a cursor we did not give out (%s)", (cursor) => {
    expect(() => decodeCursor(cursor, 1)).toThrow(DomainError);
  });
});

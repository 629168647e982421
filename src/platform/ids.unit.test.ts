import { describe, expect, it } from "vitest";
import { isUuid, newId } from "./ids";

describe("newId", () => {
  it("gives version-7 UUIDs that increase strictly, across the random pool's refills and within a millisecond", () => {
    const ids = Array.from({ length: 5_000 }, newId); // 5,000 ids: the 256-id pool refills many times, mostly within one millisecond
    for (const id of ids) {
      expect(isUuid(id)).toBe(true);
      expect(id[14]).toBe("7");
      expect("89ab").toContain(id[19]!);
    }
    expect(new Set(ids).size).toBe(ids.length);
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!, `${ids[i - 1]} then ${ids[i]}`).toBe(true);
  });

  it("starts each millisecond from fresh randomness: ids of another moment do not share their random part", () => {
    const a = newId();
    const start = Date.now();
    while (Date.now() === start) {
      /* wait for the next millisecond */
    }
    const b = newId();
    expect(a.slice(24)).not.toBe(b.slice(24));
    expect(b > a).toBe(true);
  });
});

/**
 * Payment card numbers never reach storage (PCI-DSS 3.4; seeds/004: "NO
 * permitted exceptions"). A run of 13–19 digits, optionally split by single
 * spaces or dashes, that passes the Luhn check and starts like a card scheme
 * is replaced by a mask keeping the last four digits, which agents may need
 * to identify a payment.
 */

// Digits with single space/dash separators, not glued to other digits or letters.
const CANDIDATE = /(?<![\p{L}\p{N}])\d(?:[ -]?\d){12,18}(?![\p{L}\p{N}])/gu;

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** Major networks' prefixes (IIN ranges): Visa, Mastercard, Amex, Discover, Diners, JCB, UnionPay, Maestro, Mir. */
function looksLikeCard(digits: string): boolean {
  return /^(4|5[1-5]|2[2-7]|3[47]|6(011|5|4[4-9]|2)|3(0[0-5]|[68])|35|5[06-9]|6[0-9]|220[0-4])/.test(digits);
}

export interface Redaction {
  text: string;
  count: number;
}

export function redactCardNumbers(text: string): Redaction {
  let count = 0;
  const out = text.replace(CANDIDATE, (match) => {
    const digits = match.replace(/[ -]/g, "");
    if (digits.length < 13 || digits.length > 19 || !looksLikeCard(digits) || !luhnValid(digits)) return match;
    // A separator style that mixes spaces and dashes, or groups oddly, is still a card: we match on digits.
    count++;
    return `[card number removed ••••${digits.slice(-4)}]`;
  });
  return { text: out, count };
}

/** Redacts every string field given; returns how many numbers were removed in all. */
export function redactAll<T extends Record<string, string | null | undefined>>(fields: T): { fields: T; count: number } {
  let count = 0;
  const out = { ...fields };
  for (const [key, value] of Object.entries(fields)) {
    if (typeof value !== "string") continue;
    const r = redactCardNumbers(value);
    count += r.count;
    (out as Record<string, unknown>)[key] = r.text;
  }
  return { fields: out, count };
}

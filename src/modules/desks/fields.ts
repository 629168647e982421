import type { FieldProblem } from "../../platform/errors";
import type { CustomFieldRow } from "./schema";

/**
 * Checks ticket custom-field values against the desk's definitions and
 * returns them normalised. Unknown keys are errors, not silently dropped.
 * `null` clears a value.
 */
export function checkCustomFieldValues(
  definitions: readonly CustomFieldRow[],
  values: Record<string, unknown>,
  options: { requireRequired?: boolean; existing?: Record<string, unknown> } = {},
): { values: Record<string, unknown>; problems: FieldProblem[] } {
  const byKey = new Map(definitions.filter((d) => !d.archivedAt).map((d) => [d.key, d]));
  const problems: FieldProblem[] = [];
  const out: Record<string, unknown> = { ...options.existing };
  for (const [key, value] of Object.entries(values)) {
    const def = byKey.get(key);
    const path = `customFields.${key}`;
    if (!def) {
      problems.push({ path, message: "no such field on this desk", code: "unknown_field" });
      continue;
    }
    if (value === null || value === "") {
      delete out[key];
      continue;
    }
    const checked = checkValue(def, value);
    if (typeof checked === "string") problems.push({ path, message: checked, code: "invalid_value" });
    else out[key] = checked.value;
  }
  if (options.requireRequired) {
    for (const def of byKey.values()) {
      if (def.required && (out[def.key] === undefined || out[def.key] === null)) {
        problems.push({ path: `customFields.${def.key}`, message: `${def.label} is required`, code: "required" });
      }
    }
  }
  return { values: out, problems };
}

function checkValue(def: CustomFieldRow, value: unknown): { value: unknown } | string {
  const v = def.validation ?? {};
  switch (def.type) {
    case "text":
    case "textarea": {
      if (typeof value !== "string") return "must be text";
      if (v.minLength !== undefined && value.length < v.minLength) return `must be at least ${v.minLength} characters`;
      if (value.length > (v.maxLength ?? (def.type === "text" ? 1000 : 20000))) return "is too long";
      if (v.pattern && !new RegExp(v.pattern, "u").test(value)) return "has the wrong format";
      return { value };
    }
    case "email":
      return typeof value === "string" && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)
        ? { value: value.trim().toLowerCase() }
        : "must be an e-mail address";
    case "url":
      try {
        const url = new URL(String(value));
        return url.protocol === "https:" || url.protocol === "http:" ? { value: url.toString() } : "must be an http(s) URL";
      } catch {
        return "must be an http(s) URL";
      }
    case "number":
    case "integer": {
      if (typeof value !== "number" || !Number.isFinite(value)) return "must be a number";
      if (def.type === "integer" && !Number.isInteger(value)) return "must be a whole number";
      if (v.min !== undefined && value < v.min) return `must be at least ${v.min}`;
      if (v.max !== undefined && value > v.max) return `must be at most ${v.max}`;
      return { value };
    }
    case "boolean":
      return typeof value === "boolean" ? { value } : "must be true or false";
    case "date":
      return typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`))
        ? { value }
        : "must be a date (YYYY-MM-DD)";
    case "select":
      return typeof value === "string" && def.options.some((o) => o.value === value) ? { value } : "must be one of the field's options";
    case "multiselect": {
      if (!Array.isArray(value) || !value.every((x) => typeof x === "string" && def.options.some((o) => o.value === x))) {
        return "must be a list of the field's options";
      }
      return { value: [...new Set(value)] };
    }
  }
}

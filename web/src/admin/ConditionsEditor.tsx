import { ActionIcon, Button, Group, NativeSelect, SegmentedControl, TagsInput, Text, TextInput, Textarea } from "@mantine/core";
import { useState } from "react";
import { useDesks, useTeams } from "../data";
import { type MessageKey, useI18n } from "../i18n";
import { CHANNELS, PRIORITIES, STATUSES, channelKey, priorityKey, statusKey } from "../labels";
import { Fieldset } from "./forms";
import type { Problems } from "./problems";
import type { Condition, ConditionGroup } from "./types";

/**
 * The condition language the server shares between views, triggers,
 * automations, SLA policies and priority factors: here a flat list matched
 * by "all" or "any". A group the rows cannot show (nested, or both all and
 * any) is edited as JSON instead, so nothing an API client saved is lost.
 */
type Kind = "enum" | "desk" | "team" | "id" | "text" | "number" | "time" | "tags" | "json";

const REQUESTER_TIERS = ["standard", "vip", "influencer", "premium", "advertiser"] as const;
const FIELDS: Record<string, { kind: Kind; values?: readonly string[]; label?: (v: string) => MessageKey }> = {
  desk: { kind: "desk" },
  channel: { kind: "enum", values: CHANNELS, label: channelKey },
  status: { kind: "enum", values: STATUSES, label: statusKey },
  priority: { kind: "enum", values: PRIORITIES, label: priorityKey },
  priority_score: { kind: "number" },
  tier: { kind: "number" },
  tags: { kind: "tags" },
  "requester.tier": { kind: "enum", values: REQUESTER_TIERS, label: (v) => `admin.requesterTier.${v}` as MessageKey },
  team: { kind: "team" },
  category: { kind: "id" },
  organisation: { kind: "id" },
  assignee: { kind: "id" },
  language: { kind: "text" },
  subject: { kind: "text" },
  "event.starts_at": { kind: "time" },
  created_at: { kind: "time" },
  updated_at: { kind: "time" },
  due_at: { kind: "time" },
  last_message_at: { kind: "time" },
};

const OPS: Record<Kind, string[]> = {
  enum: ["is", "is_not", "in", "not_in"],
  desk: ["is", "is_not", "in", "not_in"],
  team: ["is", "is_not", "is_set", "is_not_set"],
  id: ["is", "is_not", "in", "not_in", "is_set", "is_not_set"],
  text: ["is", "is_not", "contains", "not_contains", "is_set", "is_not_set"],
  number: ["is", "is_not", "gt", "gte", "lt", "lte", "in", "not_in"],
  time: ["within_next_hours", "older_than_hours", "is_set", "is_not_set"],
  tags: ["contains", "not_contains"],
  json: ["is", "is_not", "gt", "gte", "lt", "lte", "contains", "is_set", "is_not_set"],
};

const kindOf = (field: string): Kind => FIELDS[field]?.kind ?? (field.startsWith("custom.") ? "json" : "text");
const isFlat = (group: ConditionGroup) =>
  !(group.all?.length && group.any?.length) && [...(group.all ?? []), ...(group.any ?? [])].every((c) => "field" in c);

export const conditionPaths = [/^conditions(\.(all|any)\.\d+\.(field|op|value))?$/];

export function ConditionsEditor(props: { value: ConditionGroup; onChange(group: ConditionGroup): void; problems: Problems; legend?: string }) {
  const { t } = useI18n();
  const [json, setJson] = useState<string | null>(() => (isFlat(props.value) ? null : JSON.stringify(props.value, null, 2)));
  const mode: "all" | "any" = props.value.any?.length ? "any" : "all";
  const rows = (props.value[mode] ?? []) as Condition[];
  const setRows = (next: Condition[], m = mode) => props.onChange(next.length ? { [m]: next } : {});
  const legend = props.legend ?? t("admin.conditions");

  if (json !== null) {
    return (
      <Fieldset legend={legend} error={props.problems.under("conditions")}>
        <Textarea
          label={t("admin.conditions.json")}
          description={t("admin.conditions.jsonHelp")}
          value={json}
          autosize
          minRows={4}
          styles={{ input: { fontFamily: "monospace" } }}
          onChange={(e) => {
            const text = e.currentTarget.value;
            setJson(text);
            try {
              props.onChange(JSON.parse(text) as ConditionGroup);
            } catch {
              // Kept as typed; the server's answer points at what is wrong once saved.
            }
          }}
        />
      </Fieldset>
    );
  }
  return (
    <Fieldset legend={legend} error={props.problems.at("conditions")}>
      <SegmentedControl
        aria-label={t("admin.conditions.match")}
        value={mode}
        onChange={(m) => setRows(rows, m as "all" | "any")}
        data={[
          { value: "all", label: t("admin.conditions.all") },
          { value: "any", label: t("admin.conditions.any") },
        ]}
        maw={360}
      />
      {rows.length === 0 && (
        <Text size="sm" c="dark.4">
          {t("admin.conditions.none")}
        </Text>
      )}
      {rows.map((c, i) => (
        <ConditionRow
          key={i}
          index={i}
          condition={c}
          path={`conditions.${mode}.${i}`}
          problems={props.problems}
          onChange={(next) => setRows(rows.map((r, j) => (j === i ? next : r)))}
          onRemove={() => setRows(rows.filter((_, j) => j !== i))}
        />
      ))}
      <Group gap="xs">
        <Button size="xs" variant="default" onClick={() => setRows([...rows, { field: "channel", op: "is", value: "email" }])}>
          {t("admin.conditions.add")}
        </Button>
        <Button size="xs" variant="subtle" onClick={() => setJson(JSON.stringify(props.value, null, 2))}>
          {t("admin.conditions.asJson")}
        </Button>
      </Group>
    </Fieldset>
  );
}

function ConditionRow(props: {
  index: number;
  condition: Condition;
  path: string;
  problems: Problems;
  onChange(c: Condition): void;
  onRemove(): void;
}) {
  const { t } = useI18n();
  const desks = useDesks();
  const teams = useTeams();
  const { field, op } = props.condition;
  const kind = kindOf(field);
  const def = FIELDS[field];
  const fieldOptions = [...Object.keys(FIELDS), ...(FIELDS[field] ? [] : [field])].map((f) => ({ value: f, label: t(`admin.field.${f}` as MessageKey) === `admin.field.${f}` ? f : t(`admin.field.${f}` as MessageKey) }));
  const ops = OPS[kind].includes(op) ? OPS[kind] : [op, ...OPS[kind]];
  const n = props.index + 1;
  const choices =
    kind === "desk"
      ? (desks.data?.items ?? []).map((d) => ({ value: d.id, label: d.name }))
      : kind === "team"
        ? (teams.data?.items ?? []).map((team) => ({ value: team.id, label: team.name }))
        : def?.values?.map((v) => ({ value: v, label: def.label ? t(def.label(v)) : v }));
  const numeric = kind === "number" || kind === "time";
  const toValue = (raw: string): unknown => (numeric && raw.trim() !== "" && !Number.isNaN(Number(raw)) ? Number(raw) : raw);
  const valueError = props.problems.at(`${props.path}.value`);
  const valueLabel = t("admin.conditions.value", { n });

  let valueInput: React.ReactNode = null;
  if (op === "in" || op === "not_in") {
    const list = Array.isArray(props.condition.value) ? (props.condition.value as unknown[]).map(String) : [];
    valueInput = (
      <TagsInput
        label={valueLabel}
        description={choices ? choices.map((c) => `${c.label}${c.label === c.value ? "" : ` (${c.value})`}`).join(", ").slice(0, 300) : undefined}
        value={list}
        onChange={(values) => props.onChange({ ...props.condition, value: values.map(toValue) })}
        data={choices?.map((c) => c.value)}
        error={valueError}
        style={{ flex: "1 1 200px" }}
      />
    );
  } else if (op !== "is_set" && op !== "is_not_set") {
    valueInput = choices ? (
      <NativeSelect
        label={valueLabel}
        value={String(props.condition.value ?? "")}
        onChange={(e) => props.onChange({ ...props.condition, value: e.currentTarget.value })}
        data={[{ value: "", label: "—" }, ...choices]}
        error={valueError}
        style={{ flex: "1 1 160px" }}
      />
    ) : (
      <TextInput
        label={valueLabel}
        description={op === "within_next_hours" || op === "older_than_hours" ? t("admin.conditions.hours") : undefined}
        value={props.condition.value === undefined || props.condition.value === null ? "" : String(props.condition.value)}
        inputMode={numeric ? "decimal" : undefined}
        onChange={(e) => props.onChange({ ...props.condition, value: toValue(e.currentTarget.value) })}
        error={valueError}
        style={{ flex: "1 1 160px" }}
      />
    );
  }
  return (
    <Group gap="xs" align="flex-start" wrap="wrap" data-condition={props.index}>
      <NativeSelect
        label={t("admin.conditions.field", { n })}
        value={field}
        onChange={(e) => {
          const next = e.currentTarget.value;
          const nextOps = OPS[kindOf(next)];
          props.onChange({ field: next, op: nextOps.includes(op) ? op : nextOps[0]!, value: undefined });
        }}
        data={fieldOptions}
        error={props.problems.at(`${props.path}.field`)}
        style={{ flex: "1 1 150px" }}
      />
      <NativeSelect
        label={t("admin.conditions.op", { n })}
        value={op}
        onChange={(e) => props.onChange({ ...props.condition, op: e.currentTarget.value })}
        data={ops.map((o) => ({ value: o, label: t(`admin.op.${o}` as MessageKey) }))}
        error={props.problems.at(`${props.path}.op`)}
        style={{ flex: "1 1 140px" }}
      />
      {valueInput}
      <ActionIcon variant="subtle" color="red" c="red.9" mt={26} onClick={props.onRemove} aria-label={t("admin.conditions.remove", { n })}>
        ×
      </ActionIcon>
    </Group>
  );
}

/** A short reading of a condition group for list summaries: fields by their labels, desks and teams by their names. */
export function useDescribeConditions(): (group: ConditionGroup | undefined) => string {
  const { t } = useI18n();
  const desks = useDesks();
  const teams = useTeams();
  const fieldLabel = (field: string) => {
    const key = `admin.field.${field}` as MessageKey;
    return t(key) === key ? field : t(key);
  };
  const valueLabel = (field: string, v: unknown) => {
    const kind = kindOf(field);
    if (kind === "desk") return desks.data?.items.find((d) => d.id === v)?.name ?? String(v);
    if (kind === "team") return teams.data?.items.find((x) => x.id === v)?.name ?? String(v);
    const def = FIELDS[field];
    return def?.label && def.values?.includes(String(v)) ? t(def.label(String(v))) : String(v);
  };
  const show = (c: Condition | ConditionGroup): string => {
    if (!("field" in c)) return "(…)";
    if (c.op === "within_next_hours" || c.op === "older_than_hours") return `${fieldLabel(c.field)} ${t(`admin.op.${c.op}.n` as MessageKey, { n: Number(c.value) })}`;
    const values = c.value === undefined ? "" : ` ${(Array.isArray(c.value) ? c.value : [c.value]).map((v) => valueLabel(c.field, v)).join(", ")}`;
    return `${fieldLabel(c.field)} ${t(`admin.op.${c.op}` as MessageKey)}${values}`;
  };
  return (group) => {
    const all = group?.all ?? [];
    const any = group?.any ?? [];
    if (!all.length && !any.length) return t("admin.conditions.always");
    return [all.map(show).join(` ${t("admin.conditions.and")} `), any.map(show).join(` ${t("admin.conditions.or")} `)].filter(Boolean).join("; ");
  };
}

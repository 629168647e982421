import { ActionIcon, Button, Group, NativeSelect, Paper, Stack, TagsInput, TextInput, Textarea } from "@mantine/core";
import { useAgents, useTeams } from "../data";
import { type MessageKey, useI18n } from "../i18n";
import { PRIORITIES, STATUSES, priorityKey, statusKey } from "../labels";
import { Fieldset } from "./forms";
import type { Problems } from "./problems";
import type { RuleAction, RuleKind } from "./types";

const TYPES = ["set", "add_tags", "remove_tags", "set_custom_field", "assign", "notify", "reply", "link_incident", "webhook"] as const;
const SETTABLE = ["status", "priority", "tier", "team", "assignee", "language", "category"] as const;

const blank = (type: RuleAction["type"]): RuleAction => {
  switch (type) {
    case "set":
      return { type, field: "priority", value: "high" };
    case "add_tags":
    case "remove_tags":
      return { type, tags: [] };
    case "set_custom_field":
      return { type, key: "", value: "" };
    case "assign":
      return { type, to: "route" };
    case "notify":
      return { type, to: "assignee", text: "" };
    case "reply":
      return { type, text: { en: "", uk: "" } };
    case "link_incident":
      return { type, incidentTicketId: "" };
    case "webhook":
      return { type, url: "https://", secret: "" };
  }
};

export const actionPaths = [/^actions(\.\d+(\.[a-zA-Z]+(\.[a-z]{2,3})?)?)?$/];

/** What a rule does, one card per action, in order. */
export function ActionsEditor(props: { kind: RuleKind; actions: RuleAction[]; onChange(actions: RuleAction[]): void; problems: Problems }) {
  const { t } = useI18n();
  const set = (i: number, next: RuleAction) => props.onChange(props.actions.map((a, j) => (j === i ? next : a)));
  return (
    <Fieldset legend={t("admin.actions")} error={props.problems.at("actions")}>
      {props.actions.map((action, i) => (
        <Paper key={i} withBorder p="xs" data-action={i}>
          <Group gap="xs" align="flex-start" wrap="wrap">
            <NativeSelect
              label={t("admin.actions.type", { n: i + 1 })}
              value={action.type}
              onChange={(e) => set(i, blank(e.currentTarget.value as RuleAction["type"]))}
              data={TYPES.map((type) => ({ value: type, label: t(`admin.action.${type}` as MessageKey) }))}
              error={props.problems.at(`actions.${i}.type`)}
              style={{ flex: "1 1 170px" }}
            />
            <ActionIcon
              variant="subtle"
              color="red" c="red.9"
              mt={26}
              onClick={() => props.onChange(props.actions.filter((_, j) => j !== i))}
              aria-label={t("admin.actions.remove", { n: i + 1 })}
            >
              ×
            </ActionIcon>
          </Group>
          <ActionFields kind={props.kind} action={action} index={i} problems={props.problems} onChange={(next) => set(i, next)} />
        </Paper>
      ))}
      <Group>
        <Button size="xs" variant="default" onClick={() => props.onChange([...props.actions, blank("add_tags")])}>
          {t("admin.actions.add")}
        </Button>
      </Group>
    </Fieldset>
  );
}

function ActionFields({ kind, action, index, problems, onChange }: { kind: RuleKind; action: RuleAction; index: number; problems: Problems; onChange(a: RuleAction): void }) {
  const { t } = useI18n();
  const agents = useAgents();
  const teams = useTeams();
  const n = index + 1;
  const at = (key: string) => problems.under(`actions.${index}.${key}`);
  const agentOptions = (agents.data?.items ?? []).map((a) => ({ value: a.id, label: a.name }));
  const teamOptions = (teams.data?.items ?? []).map((team) => ({ value: team.id, label: team.name }));
  const row = (children: React.ReactNode) => (
    <Group gap="xs" align="flex-start" wrap="wrap" mt={6}>
      {children}
    </Group>
  );
  switch (action.type) {
    case "set": {
      const valueOptions =
        action.field === "status"
          ? STATUSES.map((s) => ({ value: s, label: t(statusKey(s)) }))
          : action.field === "priority"
            ? PRIORITIES.map((p) => ({ value: p, label: t(priorityKey(p)) }))
            : action.field === "tier"
              ? ["1", "2", "3"].map((v) => ({ value: v, label: v }))
              : action.field === "team"
                ? [{ value: "", label: t("fields.none") }, ...teamOptions]
                : action.field === "assignee"
                  ? [{ value: "", label: t("fields.none") }, ...agentOptions]
                  : null;
      const value = action.value === null ? "" : String(action.value);
      const toValue = (raw: string) => (action.field === "tier" ? Number(raw) : raw === "" && ["team", "assignee", "category", "language"].includes(action.field) ? null : raw);
      return row(
        <>
          <NativeSelect
            label={t("admin.actions.field", { n })}
            value={action.field}
            onChange={(e) => onChange({ ...blank("set"), field: e.currentTarget.value, value: e.currentTarget.value === "tier" ? 2 : null } as RuleAction)}
            data={SETTABLE.map((f) => ({ value: f, label: t(`admin.field.${f}` as MessageKey) }))}
            error={at("field")}
            style={{ flex: "1 1 150px" }}
          />
          {valueOptions ? (
            <NativeSelect
              label={t("admin.actions.value", { n })}
              value={value}
              onChange={(e) => onChange({ ...action, value: toValue(e.currentTarget.value) })}
              data={valueOptions}
              error={at("value")}
              style={{ flex: "1 1 150px" }}
            />
          ) : (
            <TextInput
              label={t("admin.actions.value", { n })}
              value={value}
              onChange={(e) => onChange({ ...action, value: toValue(e.currentTarget.value) })}
              error={at("value")}
              style={{ flex: "1 1 150px" }}
            />
          )}
        </>,
      );
    }
    case "add_tags":
    case "remove_tags":
      return row(
        <TagsInput
          label={t("admin.actions.tags", { n })}
          value={action.tags}
          onChange={(tags) => onChange({ ...action, tags })}
          error={at("tags")}
          style={{ flex: "1 1 240px" }}
        />,
      );
    case "set_custom_field":
      return row(
        <>
          <TextInput label={t("admin.actions.key", { n })} value={action.key} onChange={(e) => onChange({ ...action, key: e.currentTarget.value })} error={at("key")} />
          <TextInput
            label={t("admin.actions.value", { n })}
            value={action.value === null ? "" : String(action.value)}
            onChange={(e) => onChange({ ...action, value: e.currentTarget.value })}
            error={at("value")}
          />
        </>,
      );
    case "assign":
      return row(
        <NativeSelect
          label={t("admin.actions.assignTo", { n })}
          value={action.to}
          onChange={(e) => onChange({ ...action, to: e.currentTarget.value })}
          data={[
            { value: "route", label: t("admin.actions.route") },
            ...(kind === "macro" ? [{ value: "me", label: t("admin.actions.me") }] : []),
            ...agentOptions,
          ]}
          error={at("to")}
          style={{ flex: "1 1 220px" }}
        />,
      );
    case "notify":
      return (
        <Stack gap={6} mt={6}>
          <NativeSelect
            label={t("admin.actions.notifyWho", { n })}
            value={action.to}
            onChange={(e) => onChange({ ...action, to: e.currentTarget.value })}
            data={[{ value: "assignee", label: t("admin.actions.assignee") }, { value: "team", label: t("admin.actions.team") }, ...agentOptions]}
            error={at("to")}
            maw={320}
          />
          <Textarea label={t("admin.actions.text", { n })} value={action.text} onChange={(e) => onChange({ ...action, text: e.currentTarget.value })} error={at("text")} autosize minRows={2} />
        </Stack>
      );
    case "reply":
      return (
        <Stack gap={6} mt={6}>
          {(["en", "uk"] as const).map((locale) => (
            <Textarea
              key={locale}
              label={t("admin.actions.replyIn", { n, language: t(`admin.language.${locale}` as MessageKey) })}
              description={locale === "en" ? `${t("admin.actions.placeholders")} {{ticket.number}}, {{ticket.subject}}, {{ticket.status}}, {{requester.name}}` : undefined}
              value={action.text[locale] ?? ""}
              onChange={(e) => {
                const text = { ...action.text, [locale]: e.currentTarget.value };
                if (!text[locale]) delete text[locale];
                onChange({ ...action, text });
              }}
              error={problems.at(`actions.${index}.text.${locale}`) ?? (locale === "en" ? problems.at(`actions.${index}.text`) : undefined)}
              autosize
              minRows={2}
            />
          ))}
        </Stack>
      );
    case "link_incident":
      return row(
        <TextInput
          label={t("admin.actions.incident", { n })}
          value={action.incidentTicketId}
          onChange={(e) => onChange({ ...action, incidentTicketId: e.currentTarget.value })}
          error={at("incidentTicketId")}
          style={{ flex: "1 1 320px" }}
        />,
      );
    case "webhook":
      return row(
        <>
          <TextInput label={t("admin.actions.url", { n })} value={action.url} onChange={(e) => onChange({ ...action, url: e.currentTarget.value })} error={at("url")} style={{ flex: "1 1 260px" }} />
          <TextInput
            label={t("admin.actions.secret", { n })}
            description={t("admin.actions.secretHelp")}
            value={action.secret}
            onChange={(e) => onChange({ ...action, secret: e.currentTarget.value })}
            error={at("secret")}
            style={{ flex: "1 1 200px" }}
          />
        </>,
      );
  }
}

/** A short reading of a rule's actions, for list summaries and the audit. */
export function describeActions(actions: RuleAction[], t: ReturnType<typeof useI18n>["t"]): string {
  return actions
    .map((a) => {
      const label = t(`admin.action.${a.type}` as MessageKey);
      if (a.type === "set") return `${label} ${a.field} = ${a.value ?? "—"}`;
      if (a.type === "add_tags" || a.type === "remove_tags") return `${label} ${a.tags.join(", ")}`;
      if (a.type === "assign") return `${label} ${a.to === "route" ? t("admin.actions.route") : a.to === "me" ? t("admin.actions.me") : ""}`.trim();
      return label;
    })
    .join(" · ");
}

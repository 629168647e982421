import {
  Anchor,
  Badge,
  Button,
  Checkbox,
  Group,
  List,
  Loader,
  NativeSelect,
  Paper,
  Stack,
  TagsInput,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import type { Activity, Contact, CustomField, Page, Session, Ticket } from "./api";
import { get, optional, post } from "./api";
import { agentName, useAgents, useCategories, useCustomFields, useTeams } from "./data";
import { type MessageKey, useI18n } from "./i18n";
import { PRIORITIES, STATUSES, channelKey, priorityKey, statusKey } from "./labels";
import { onLinkClick } from "./router";

export function Section({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <Paper withBorder p="sm" component="section" aria-label={title}>
      <Title order={3} size="h5" mb="xs">
        {title}
      </Title>
      {children}
    </Paper>
  );
}

/** Status, priority and its score, category, assignee, team, tier, tags and custom fields — each saved on change. */
export function FieldsPanel({ ticket, onPatch }: { ticket: Ticket; onPatch: (patch: Record<string, unknown>) => Promise<void> }) {
  const { t } = useI18n();
  const agents = useAgents();
  const teams = useTeams();
  const categories = useCategories(ticket.deskId);
  const fields = useCustomFields(ticket.deskId);
  const none = { value: "", label: t("fields.none") };
  return (
    <Section title={t("ticket.details")}>
      <Stack gap="xs">
        <NativeSelect
          label={t("fields.status")}
          value={ticket.status}
          onChange={(e) => void onPatch({ status: e.currentTarget.value })}
          data={STATUSES.filter((s) => s !== "new" || ticket.status === "new").map((s) => ({ value: s, label: t(statusKey(s)) }))}
        />
        <NativeSelect
          label={t("fields.priority")}
          description={t("fields.score", { score: ticket.priorityScore })}
          value={ticket.priority}
          onChange={(e) => void onPatch({ priority: e.currentTarget.value })}
          data={PRIORITIES.map((p) => ({ value: p, label: t(priorityKey(p)) }))}
        />
        {ticket.priorityReasons.length > 0 && (
          <List size="xs" c="dark.4">
            {ticket.priorityReasons.map((r) => (
              <List.Item key={r.factor}>
                {r.label ?? r.factor}: {r.points > 0 ? "+" : ""}
                {r.points}
              </List.Item>
            ))}
          </List>
        )}
        <NativeSelect
          label={t("fields.category")}
          value={ticket.categoryId ?? ""}
          onChange={(e) => void onPatch({ categoryId: e.currentTarget.value || null })}
          data={[none, ...(categories.data?.items ?? []).map((c) => ({ value: c.id, label: c.name }))]}
        />
        <NativeSelect
          label={t("fields.assignee")}
          value={ticket.assigneeId ?? ""}
          onChange={(e) => void onPatch({ assigneeId: e.currentTarget.value || null })}
          data={[none, ...(agents.data?.items ?? []).map((a) => ({ value: a.id, label: a.name }))]}
        />
        <NativeSelect
          label={t("fields.team")}
          value={ticket.teamId ?? ""}
          onChange={(e) => void onPatch({ teamId: e.currentTarget.value || null })}
          data={[none, ...(teams.data?.items ?? []).map((team) => ({ value: team.id, label: team.name }))]}
        />
        <NativeSelect
          label={t("fields.tier")}
          value={String(ticket.tier)}
          onChange={(e) => void onPatch({ tier: Number(e.currentTarget.value) })}
          data={["1", "2", "3"]}
        />
        <TagsInput label={t("fields.tags")} value={ticket.tags} onChange={(tags) => void onPatch({ tags })} clearable={false} />
        {(fields.data?.items ?? []).filter((f) => !f.archived).length > 0 && (
          <Stack gap={6} component="fieldset" style={{ border: 0, padding: 0, margin: 0 }}>
            <Text component="legend" size="sm" fw={600}>
              {t("fields.custom")}
            </Text>
            {(fields.data?.items ?? [])
              .filter((f) => !f.archived)
              .map((field) => (
                <CustomFieldInput
                  key={`${field.id}:${JSON.stringify(ticket.customFields[field.key] ?? null)}`}
                  field={field}
                  value={ticket.customFields[field.key]}
                  onSave={(value) => onPatch({ customFields: { [field.key]: value } })}
                />
              ))}
          </Stack>
        )}
      </Stack>
    </Section>
  );
}

/** One custom field of the desk, saved when it changes (text: when the field loses focus). */
function CustomFieldInput({ field, value, onSave }: { field: CustomField; value: unknown; onSave: (value: unknown) => Promise<void> }) {
  const { t } = useI18n();
  const [draft, setDraft] = useState(value === undefined || value === null ? "" : String(value));
  if (field.type === "boolean") {
    return <Checkbox label={field.label} checked={value === true} onChange={(e) => void onSave(e.currentTarget.checked)} />;
  }
  if (field.type === "select") {
    return (
      <NativeSelect
        label={field.label}
        value={typeof value === "string" ? value : ""}
        onChange={(e) => void onSave(e.currentTarget.value || null)}
        data={[{ value: "", label: t("fields.none") }, ...field.options.map((o) => ({ value: o.value, label: o.label }))]}
      />
    );
  }
  if (field.type === "multiselect") {
    return (
      <Text size="sm">
        {field.label}: {Array.isArray(value) ? value.join(", ") : "—"}
      </Text>
    );
  }
  const numeric = field.type === "number" || field.type === "integer";
  const save = () => {
    const trimmed = draft.trim();
    const next = trimmed === "" ? null : numeric ? Number(trimmed) : trimmed;
    if (next !== (value ?? null)) void onSave(next);
  };
  return (
    <TextInput
      label={field.label}
      type={numeric ? "number" : field.type === "date" ? "date" : field.type === "email" ? "email" : field.type === "url" ? "url" : "text"}
      value={draft}
      onChange={(e) => setDraft(e.currentTarget.value)}
      onBlur={save}
      onKeyDown={(e) => {
        if (e.key === "Enter") save();
      }}
    />
  );
}

export function RequesterPanel({ ticket }: { ticket: Ticket }) {
  const { t } = useI18n();
  const contact = useQuery({ queryKey: ["contact", ticket.requesterId], queryFn: () => get<Contact>(`/contacts/${ticket.requesterId}`) });
  const orgId = contact.data?.organisationId ?? ticket.organisationId;
  const org = useQuery({
    queryKey: ["organisation", orgId],
    queryFn: () => get<{ id: string; name: string; tier: string }>(`/organisations/${orgId}`),
    enabled: !!orgId,
  });
  const others = useQuery({
    queryKey: ["tickets", "requester", ticket.requesterId],
    queryFn: () =>
      post<Page<Ticket>>("/tickets/search", {
        conditions: { all: [{ field: "requester", op: "is", value: ticket.requesterId }] },
        sort: "-updated",
        limit: 10,
      }),
  });
  if (contact.isPending) return <Loader size="sm" aria-label={t("ticket.requester")} />;
  const c = contact.data;
  if (!c) return null;
  const other = (others.data?.items ?? []).filter((o) => o.id !== ticket.id);
  return (
    <Section title={t("ticket.requester")}>
      <Stack gap={6}>
        <Group gap="xs">
          <Text fw={600}>{c.name}</Text>
          <Badge size="sm" variant="light" color={c.tier === "vip" ? "grape" : "gray"}>
            {t("requester.tier")}: {c.tier}
          </Badge>
        </Group>
        <Text size="sm" fw={500}>
          {t("requester.identities")}
        </Text>
        <List size="sm">
          {c.identities.map((i) => (
            <List.Item key={i.id}>
              {i.kind}: {i.value}
            </List.Item>
          ))}
        </List>
        {org.data && (
          <Text size="sm">
            {t("requester.organisation")}: {org.data.name} ({org.data.tier})
          </Text>
        )}
        <Text size="sm" fw={500}>
          {t("requester.otherTickets")}
        </Text>
        {other.length === 0 ? (
          <Text size="sm" c="dark.4">
            {t("requester.noOther")}
          </Text>
        ) : (
          <List size="sm">
            {other.map((o) => (
              <List.Item key={o.id}>
                <Anchor href={`/tickets/${o.number}`} onClick={onLinkClick} size="sm">
                  #{o.number} {o.subject}
                </Anchor>{" "}
                <Text span size="xs" c="dark.4">
                  ({t(statusKey(o.status))})
                </Text>
              </List.Item>
            ))}
          </List>
        )}
      </Stack>
    </Section>
  );
}

interface SlaInfo {
  policy: { id: string; name: string } | null;
  targets: { metric: string; dueAt: string | null; achievedAt: string | null; state: string }[];
}

/** Shown only where the server answers /sla (the SLA module). */
export function SlaPanel({ ticketId }: { ticketId: string }) {
  const { t, dateTime } = useI18n();
  const sla = useQuery({
    queryKey: ["ticket", ticketId, "sla"],
    queryFn: () => optional<SlaInfo>(`/tickets/${ticketId}/sla`),
    retry: false,
  });
  if (!sla.data) return null;
  const targets = Array.isArray(sla.data.targets) ? sla.data.targets : [];
  const color: Record<string, string> = { breached: "red", warning: "orange", met: "teal", paused: "gray", running: "blue" };
  return (
    <Section title={t("sla.title")}>
      <Text size="sm">{sla.data.policy?.name ?? t("sla.noPolicy")}</Text>
      <List size="sm" mt={4}>
        {targets.map((target, i) => (
          <List.Item key={`${target.metric}-${i}`}>
            {String(target.metric)}:{" "}
            <Badge size="xs" color={color[target.state] ?? "gray"}>
              {t(`sla.state.${target.state}` as MessageKey)}
            </Badge>{" "}
            {target.achievedAt ? dateTime(target.achievedAt) : target.dueAt ? dateTime(target.dueAt) : ""}
          </List.Item>
        ))}
      </List>
    </Section>
  );
}

/** The shape of GET /tickets/:id/satisfaction (feedback module). */
interface Survey {
  state: "scheduled" | "offered" | "rated";
  dueAt: string;
  offeredAt: string | null;
  rating: "good" | "bad" | null;
  reason: string | null;
  comment: string | null;
  ratedAt: string | null;
}

/** The fan's rating of this ticket, or where its survey stands; nothing when no survey was offered. */
export function SatisfactionPanel({ ticketId }: { ticketId: string }) {
  const { t, dateTime } = useI18n();
  const survey = useQuery({
    queryKey: ["ticket", ticketId, "satisfaction"],
    queryFn: () => optional<Survey>(`/tickets/${ticketId}/satisfaction`),
    retry: false,
  });
  const s = survey.data;
  if (!s) return null;
  return (
    <Section title={t("satisfaction.title")}>
      {s.rating ? (
        <Stack gap={4}>
          <Text size="sm">
            <Badge color={s.rating === "good" ? "teal" : "red"}>{t(`satisfaction.${s.rating}`)}</Badge>
            {s.reason ? ` · ${t(`satisfaction.reason.${s.reason}` as MessageKey)}` : ""}
          </Text>
          {s.comment && (
            <Text size="sm" component="blockquote" m={0} style={{ whiteSpace: "pre-wrap" }}>
              “{s.comment}”
            </Text>
          )}
          <Text size="xs" c="dark.4">
            {t("satisfaction.rated", { time: dateTime(s.ratedAt) })}
          </Text>
        </Stack>
      ) : (
        <Text size="sm">
          {s.state === "offered" ? t("satisfaction.offered", { time: dateTime(s.offeredAt) }) : t("satisfaction.scheduled", { time: dateTime(s.dueAt) })}
        </Text>
      )}
    </Section>
  );
}

interface Suggestion {
  articleId?: string;
  id?: string;
  title: string;
  snippet?: string;
  url?: string;
}

export function KnowledgePanel({ ticketId, onInsert }: { ticketId: string; onInsert: (text: string) => void }) {
  const { t, locale } = useI18n();
  const suggestions = useQuery({
    queryKey: ["ticket", ticketId, "articles"],
    queryFn: () => optional<{ items: Suggestion[] }>(`/tickets/${ticketId}/article-suggestions`),
    retry: false,
    staleTime: 120_000,
  });
  if (suggestions.isPending) return <Loader size="sm" aria-label={t("kb.suggestions")} />;
  if (!suggestions.data) return null;
  const insert = async (articleId: string, format: "link" | "text") => {
    const result = await post<{ text: string; url: string; title: string }>(`/kb/articles/${articleId}/insertions`, {
      format,
      ticketId,
      locale,
    });
    onInsert(format === "link" ? `${result.title}: ${result.url}` : result.text);
  };
  const items = suggestions.data.items ?? [];
  return (
    <Section title={t("kb.suggestions")}>
      {items.length === 0 ? (
        <Text size="sm" c="dark.4">
          {t("kb.none")}
        </Text>
      ) : (
        <Stack gap="xs">
          {items.slice(0, 5).map((s) => {
            const id = s.articleId ?? s.id ?? "";
            return (
              <div key={id}>
                <Text size="sm" fw={500}>
                  {s.title}
                </Text>
                <Group gap={4} mt={2}>
                  <Button
                    size="compact-xs"
                    variant="outline"
                    onClick={() => void insert(id, "link")}
                    aria-label={`${t("kb.insertLink")}: ${s.title}`}
                  >
                    {t("kb.insertLink")}
                  </Button>
                  <Button
                    size="compact-xs"
                    variant="default"
                    onClick={() => void insert(id, "text")}
                    aria-label={`${t("kb.insertText")}: ${s.title}`}
                  >
                    {t("kb.insertText")}
                  </Button>
                </Group>
              </div>
            );
          })}
        </Stack>
      )}
    </Section>
  );
}

export function describeActivity(a: Activity, t: ReturnType<typeof useI18n>["t"]): string {
  if (a.type === "message.delivery_failed") {
    const reason = [a.data?.errorCode, a.data?.errorReason].filter((v) => typeof v === "string" && v).join(" — ");
    const channel = typeof a.data?.channel === "string" ? t(channelKey(a.data.channel)) : "";
    return t("delivery.failedActivity", { channel, reason: reason || t("delivery.noReason") });
  }
  const changes = Object.entries(a.changes ?? {})
    .filter(([field]) => field !== "version" && field !== "updatedAt")
    .map(([field, [before, after]]) => {
      const show = (v: unknown) =>
        v === null || v === undefined
          ? "—"
          : field === "status"
            ? t(statusKey(String(v)))
            : field === "priority"
              ? t(priorityKey(String(v)))
              : Array.isArray(v)
                ? v.join(", ")
                : String(v);
      return `${field}: ${show(before)} → ${show(after)}`;
    });
  if (a.type === "satisfaction.rated" && (a.data?.rating === "good" || a.data?.rating === "bad")) {
    const comment = typeof a.data.comment === "string" && a.data.comment ? ` — “${a.data.comment}”` : "";
    return `${t("satisfaction.activity", { rating: t(`satisfaction.${a.data.rating}`) })}${comment}`;
  }
  const channel = typeof a.data?.channel === "string" ? ` (${t(channelKey(a.data.channel))})` : "";
  return `${a.type}${channel}${changes.length ? ` — ${changes.join("; ")}` : ""}`;
}

export function HistoryPanel({ activities }: { activities: Activity[] | undefined }) {
  const { t, dateTime } = useI18n();
  const agents = useAgents();
  // Changes made by a trigger, automation or macro carry its id: say which (agents can read macros' names, managers every rule's).
  const rules = useQuery({ queryKey: ["rules"], queryFn: () => get<{ items: { id: string; name: string }[] }>("/rules"), staleTime: 60_000 });
  const ruleName = (id: unknown) => rules.data?.items.find((r) => r.id === id)?.name;
  const byRule = (a: Activity) => {
    const macro = ruleName(a.data?.macro);
    if (macro) return ` · ${t("history.byMacro", { name: macro })}`;
    if (!a.data?.rule) return "";
    const rule = ruleName(a.data.rule);
    return ` · ${rule ? t("history.byRule", { name: rule }) : t("history.aRule")}`;
  };
  return (
    <Section title={t("ticket.history")}>
      {!activities?.length ? (
        <Text size="sm">{t("history.empty")}</Text>
      ) : (
        <Stack gap={6} component="ol" style={{ listStyle: "none", padding: 0, margin: 0 }}>
          {[...activities].reverse().map((a) => (
            <li key={a.id}>
              <Text size="xs" c="dark.4">
                {dateTime(a.createdAt)} ·{" "}
                {a.actor.kind === "agent" || a.actor.kind === "api"
                  ? agentName(agents.data?.items, a.actor.id)
                  : a.actor.kind === "system"
                    ? t("history.system")
                    : a.actor.kind}
              </Text>
              <Text size="sm">
                {describeActivity(a, t)}
                {byRule(a)}
              </Text>
            </li>
          ))}
        </Stack>
      )}
    </Section>
  );
}

export type { Session };

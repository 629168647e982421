import { Alert, Anchor, Badge, Button, Group, List, Loader, Paper, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { get, post } from "../api";
import { agentName, useAgents } from "../data";
import { type MessageKey, useI18n } from "../i18n";
import { onLinkClick } from "../router";
import { NO_PROBLEMS, Problems } from "./problems";
import type { ConditionGroup, DryRun, Rule, RuleAction, RuleKind, RuleRun } from "./types";

const show = (v: unknown) => (v === null || v === undefined ? "—" : Array.isArray(v) ? v.join(", ") || "—" : typeof v === "object" ? JSON.stringify(v) : String(v));

function ChangesTable({ changes, caption }: { changes: Record<string, [unknown, unknown]>; caption: string }) {
  const { t } = useI18n();
  const rows = Object.entries(changes);
  if (!rows.length) return <Text size="sm">{t("admin.dryRun.noChanges")}</Text>;
  return (
    <Table.ScrollContainer minWidth={280}>
      <Table withTableBorder fz="sm" data-testid="dry-run-changes">
        <Table.Caption>{caption}</Table.Caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t("admin.dryRun.field")}</Table.Th>
            <Table.Th>{t("admin.dryRun.before")}</Table.Th>
            <Table.Th>{t("admin.dryRun.after")}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map(([field, [before, after]]) => (
            <Table.Tr key={field}>
              <Table.Td>{field}</Table.Td>
              <Table.Td>{show(before)}</Table.Td>
              <Table.Td>{show(after)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** Try the rule as drafted (saved or not) on a ticket — or, for an automation, on every ticket — changing nothing. */
export function DryRunPanel({ kind, conditions, actions }: { kind: RuleKind; conditions: ConditionGroup; actions: RuleAction[] }) {
  const { t } = useI18n();
  const [ticket, setTicket] = useState("");
  const [result, setResult] = useState<DryRun | null>(null);
  const [problems, setProblems] = useState(NO_PROBLEMS);
  const [busy, setBusy] = useState(false);
  async function run(event: React.FormEvent) {
    event.preventDefault();
    setBusy(true);
    try {
      const ticketId = ticket.trim().replace(/^#/, "");
      setResult(await post<DryRun>("/rules/dry-run", { rule: { kind, conditions, actions }, ticketId: ticketId || undefined }));
      setProblems(NO_PROBLEMS);
    } catch (err) {
      setResult(null);
      setProblems(new Problems(err));
    } finally {
      setBusy(false);
    }
  }
  return (
    <Paper withBorder p="sm" component="form" onSubmit={(e) => void run(e)} aria-label={t("admin.dryRun")}>
      <Title order={3} size="h5">
        {t("admin.dryRun")}
      </Title>
      <Text size="sm" c="dark.4" mb="xs">
        {kind === "automation" ? t("admin.dryRun.helpAutomation") : t("admin.dryRun.help")}
      </Text>
      <Group gap="xs" align="flex-end" wrap="wrap">
        <TextInput
          label={t("admin.dryRun.ticket")}
          value={ticket}
          onChange={(e) => setTicket(e.currentTarget.value)}
          placeholder="1042"
          error={problems.at("ticketId")}
          w={200}
        />
        <Button type="submit" loading={busy}>
          {t("admin.dryRun.run")}
        </Button>
      </Group>
      {problems.message && !problems.at("ticketId") && (
        <Alert color="red" mt="xs" role="alert">
          {problems.message}
          {problems.fields.length > 0 && `: ${problems.fields.map((p) => `${p.path} ${p.message}`).join("; ")}`}
        </Alert>
      )}
      {result && (
        <Stack gap="xs" mt="sm" role="status" aria-live="polite" data-testid="dry-run-result">
          {result.matches === null ? (
            <>
              <Text size="sm" fw={600}>
                {t("admin.dryRun.matching", { count: result.matchingTickets ?? 0 })}
              </Text>
              <List size="sm">
                {(result.sample ?? []).map((s) => (
                  <List.Item key={s.id}>
                    <Anchor href={`/tickets/${s.number}`} onClick={onLinkClick}>
                      #{s.number}
                    </Anchor>{" "}
                    {s.subject}
                  </List.Item>
                ))}
              </List>
            </>
          ) : (
            <>
              <Badge color={result.matches ? "teal.9" : "gray"} variant="filled">
                {result.matches ? t("admin.dryRun.matches") : t("admin.dryRun.noMatch")}
              </Badge>
              {result.matches && <ChangesTable changes={result.changes} caption={t("admin.dryRun.wouldChange")} />}
              {result.effects.length > 0 && (
                <List size="sm">
                  {result.effects.map((e, i) => (
                    <List.Item key={i}>
                      {t(`admin.effect.${e.type}` as MessageKey)}
                      {e.text ? `: ${e.text}` : e.url ? `: ${e.url}` : ""}
                    </List.Item>
                  ))}
                </List>
              )}
            </>
          )}
        </Stack>
      )}
    </Paper>
  );
}

/** Audit effects are `reply`, `notify:2`, `route:<agent>`, `webhook:<url>`…: the kind translated, the detail as recorded. */
function effectLabel(effect: string, t: ReturnType<typeof useI18n>["t"]): string {
  const [kind, ...rest] = effect.split(":");
  return `${t(`admin.effect.${kind}` as MessageKey)}${rest.length ? ` (${rest.join(":")})` : ""}`;
}

/** The rule's audit: each time it acted, on which ticket, what it changed and what else it did. */
export function AuditPanel({ rule }: { rule: Rule }) {
  const { t, dateTime } = useI18n();
  const agents = useAgents();
  const runs = useQuery({ queryKey: ["admin", "audit", rule.id], queryFn: () => get<{ items: RuleRun[] }>(`/rules/${rule.id}/audit?limit=20`) });
  return (
    <Paper withBorder p="sm" component="section" aria-label={t("admin.audit")}>
      <Title order={3} size="h5" mb="xs">
        {t("admin.audit")}
      </Title>
      {runs.isPending && <Loader size="sm" aria-label={t("admin.loading")} />}
      {runs.data?.items.length === 0 && <Text size="sm">{t("admin.audit.none")}</Text>}
      <Stack gap={6} component="ol" style={{ listStyle: "none", padding: 0, margin: 0 }} data-testid="audit">
        {(runs.data?.items ?? []).map((run) => (
          <li key={run.id}>
            <Text size="xs" c="dark.4">
              {dateTime(run.createdAt)}
              {run.actorId ? ` · ${agentName(agents.data?.items, run.actorId)}` : ` · ${t("history.system")}`}
            </Text>
            <Text size="sm">
              {run.ticket ? (
                <Anchor href={`/tickets/${run.ticket.number}`} onClick={onLinkClick}>
                  #{run.ticket.number} {run.ticket.subject}
                </Anchor>
              ) : (
                t("admin.audit.hiddenTicket")
              )}
              {" — "}
              {Object.entries(run.changes)
                .map(([field, [before, after]]) => `${field}: ${show(before)} → ${show(after)}`)
                .concat(run.effects.map((e) => effectLabel(e, t)))
                .join("; ") || t("admin.dryRun.noChanges")}
            </Text>
          </li>
        ))}
      </Stack>
    </Paper>
  );
}

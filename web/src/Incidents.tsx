import {
  Anchor,
  Badge,
  Button,
  Card,
  Checkbox,
  Group,
  Loader,
  NativeSelect,
  Stack,
  Switch,
  Text,
  TextInput,
  Textarea,
  Title,
} from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ApiError, type Session, type Ticket, api, get, patch, post } from "./api";
import { type MessageKey, useI18n } from "./i18n";
import { statusKey } from "./labels";
import { navigate, onLinkClick } from "./router";
import { type Incident, INCIDENT_SEVERITIES, INCIDENT_STATUSES } from "./incidents-data";
import { useToast } from "./toasts";

/** The languages an update is written in; each fan gets theirs (else English). */
const UPDATE_LANGUAGES = ["en", "uk", "es"] as const;
const SEVERITIES = INCIDENT_SEVERITIES;
const STATUSES = INCIDENT_STATUSES;
const severityColor = { minor: "gray", major: "orange", critical: "red" } as const;

function problemText(error: unknown, fallback: string): string {
  return error instanceof ApiError ? error.message : fallback;
}

/** Every live incident (or all of them), and a form to declare a new one. */
export function IncidentsPage({ deskId }: { deskId: string }) {
  const { t, relative } = useI18n();
  const [showAll, setShowAll] = useState(false);
  const list = useQuery({
    queryKey: ["incidents", showAll ? "all" : "active"],
    queryFn: () => get<{ items: Incident[] }>(`/incidents${showAll ? "?status=all" : ""}`),
  });
  return (
    <Stack p="md" gap="md" maw={960}>
      <Group justify="space-between" wrap="wrap">
        <Title order={2} size="h3">
          {t("incidents.title")}
        </Title>
        <Switch label={t("incidents.showResolved")} checked={showAll} onChange={(e) => setShowAll(e.currentTarget.checked)} />
      </Group>
      <NewIncident deskId={deskId} />
      {list.isLoading ? (
        <Loader aria-label={t("incidents.loading")} />
      ) : list.data?.items.length ? (
        <ul className="plain-list" aria-label={t("incidents.title")}>
          {list.data.items.map((incident) => (
            <li key={incident.id}>
              <Card withBorder padding="sm" mb="xs">
                <Group justify="space-between" wrap="wrap" gap="xs">
                  <Anchor href={`/incidents/${incident.id}`} onClick={onLinkClick} fw={600}>
                    {incident.title}
                  </Anchor>
                  <Group gap={6}>
                    <Badge color={severityColor[incident.severity]} variant="light">
                      {t(`incidents.severity.${incident.severity}` as MessageKey)}
                    </Badge>
                    <Badge color={incident.status === "resolved" ? "teal" : "indigo"} variant="outline">
                      {t(`incidents.status.${incident.status}` as MessageKey)}
                    </Badge>
                  </Group>
                </Group>
                <Text size="sm" c="dark.5">
                  {t("incidents.counts", { tickets: incident.tickets, unsolved: incident.unsolved })} · {t("incidents.started", { when: relative(incident.startedAt) })}
                </Text>
              </Card>
            </li>
          ))}
        </ul>
      ) : (
        <Text c="dark.4">{t("incidents.none")}</Text>
      )}
    </Stack>
  );
}

function NewIncident({ deskId }: { deskId: string }) {
  const { t } = useI18n();
  const toast = useToast();
  const queryClient = useQueryClient();
  const [title, setTitle] = useState("");
  const [severity, setSeverity] = useState<string>("major");
  const [description, setDescription] = useState("");
  const create = useMutation({
    mutationFn: () => post<Incident>("/incidents", { title, severity, description, deskId }),
    onSuccess: (incident) => {
      void queryClient.invalidateQueries({ queryKey: ["incidents"] });
      toast(t("incidents.created"));
      navigate(`/incidents/${incident.id}`);
    },
  });
  return (
    <Card withBorder padding="sm" component="form" onSubmit={(e: React.FormEvent) => (e.preventDefault(), create.mutate())}>
      <Title order={3} size="h5" mb="xs">
        {t("incidents.new")}
      </Title>
      <Group align="flex-end" wrap="wrap" gap="xs">
        <TextInput
          label={t("incidents.field.title")}
          value={title}
          onChange={(e) => setTitle(e.currentTarget.value)}
          required
          maxLength={200}
          style={{ flex: "1 1 240px" }}
          error={create.error ? problemText(create.error, t("incidents.failed")) : undefined}
        />
        <NativeSelect
          label={t("incidents.field.severity")}
          value={severity}
          onChange={(e) => setSeverity(e.currentTarget.value)}
          data={SEVERITIES.map((s) => ({ value: s, label: t(`incidents.severity.${s}` as MessageKey) }))}
        />
        <Button type="submit" loading={create.isPending} disabled={!title.trim()}>
          {t("incidents.declare")}
        </Button>
      </Group>
      <Textarea label={t("incidents.field.description")} value={description} onChange={(e) => setDescription(e.currentTarget.value)} autosize minRows={2} mt="xs" />
    </Card>
  );
}

/** One incident: its state, its tickets, linking more, and (for supervisors) an update to every affected fan. */
export function IncidentPage({ id, session }: { id: string; session: Session }) {
  const { t, dateTime } = useI18n();
  const toast = useToast();
  const queryClient = useQueryClient();
  const incident = useQuery({ queryKey: ["incident", id], queryFn: () => get<Incident>(`/incidents/${id}`) });
  const tickets = useQuery({ queryKey: ["incident", id, "tickets"], queryFn: () => get<{ items: Ticket[] }>(`/incidents/${id}/tickets?limit=100`) });
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: ["incident", id] });
    void queryClient.invalidateQueries({ queryKey: ["incidents"] });
  };
  const change = useMutation({ mutationFn: (body: Partial<Incident>) => patch<Incident>(`/incidents/${id}`, body), onSuccess: refresh });
  const [number, setNumber] = useState("");
  const link = useMutation({
    mutationFn: async () => {
      const ticket = await get<Ticket>(`/tickets/${Number(number.replace(/\D/g, ""))}`);
      return post<{ linked: boolean }>(`/incidents/${id}/tickets`, { ticketId: ticket.id });
    },
    onSuccess: () => {
      setNumber("");
      refresh();
    },
  });
  if (incident.isLoading) return <Loader m="xl" aria-label={t("incidents.loading")} />;
  if (!incident.data) return <Text p="md">{problemText(incident.error, t("incidents.failed"))}</Text>;
  const data = incident.data;
  const canBroadcast = session.agent.role === "admin" || session.agent.role === "supervisor";
  return (
    <Stack p="md" gap="md" maw={960}>
      <Anchor href="/incidents" onClick={onLinkClick} size="sm">
        ← {t("incidents.title")}
      </Anchor>
      <Group justify="space-between" wrap="wrap" align="flex-start">
        <div>
          <Title order={2} size="h3">
            {data.title}
          </Title>
          <Text size="sm" c="dark.5">
            {t("incidents.counts", { tickets: data.tickets, unsolved: data.unsolved })} · {dateTime(data.startedAt)}
          </Text>
        </div>
        <Group gap="xs">
          <NativeSelect
            label={t("incidents.field.status")}
            value={data.status}
            onChange={(e) => change.mutate({ status: e.currentTarget.value as Incident["status"] })}
            data={STATUSES.map((s) => ({ value: s, label: t(`incidents.status.${s}` as MessageKey) }))}
          />
          <NativeSelect
            label={t("incidents.field.severity")}
            value={data.severity}
            onChange={(e) => change.mutate({ severity: e.currentTarget.value as Incident["severity"] })}
            data={SEVERITIES.map((s) => ({ value: s, label: t(`incidents.severity.${s}` as MessageKey) }))}
          />
        </Group>
      </Group>
      {data.description && <Text style={{ whiteSpace: "pre-wrap" }}>{data.description}</Text>}

      {canBroadcast && data.status !== "resolved" && <PostUpdate incident={data} onPosted={(n) => (toast(t("incidents.update.sent", { count: n })), refresh())} />}

      <Card withBorder padding="sm">
        <Title order={3} size="h5" mb="xs">
          {t("incidents.tickets")}
        </Title>
        {data.status !== "resolved" && (
          <Group component="form" align="flex-end" gap="xs" mb="sm" onSubmit={(e: React.FormEvent) => (e.preventDefault(), link.mutate())}>
            <TextInput
              label={t("incidents.link.label")}
              placeholder="1234"
              inputMode="numeric"
              value={number}
              onChange={(e) => setNumber(e.currentTarget.value)}
              error={link.error ? problemText(link.error, t("incidents.failed")) : undefined}
            />
            <Button type="submit" variant="default" loading={link.isPending} disabled={!/\d/.test(number)}>
              {t("incidents.link.submit")}
            </Button>
          </Group>
        )}
        {tickets.data?.items.length ? (
          <ul className="plain-list" aria-label={t("incidents.tickets")}>
            {tickets.data.items.map((ticket) => (
              <li key={ticket.id}>
                <Group gap="xs" wrap="nowrap" py={4}>
                  <Anchor href={`/tickets/${ticket.number}`} onClick={onLinkClick} size="sm">
                    #{ticket.number}
                  </Anchor>
                  <Text size="sm" truncate style={{ flex: 1, minWidth: 0 }}>
                    {ticket.subject}
                  </Text>
                  <Badge variant="light" color={ticket.status === "solved" || ticket.status === "closed" ? "teal" : "indigo"}>
                    {t(statusKey(ticket.status))}
                  </Badge>
                </Group>
              </li>
            ))}
          </ul>
        ) : (
          <Text size="sm" c="dark.4">
            {t("incidents.noTickets")}
          </Text>
        )}
      </Card>
    </Stack>
  );
}

function PostUpdate({ incident, onPosted }: { incident: Incident; onPosted: (recipients: number) => void }) {
  const { t } = useI18n();
  const [texts, setTexts] = useState<Record<string, string>>({});
  const [solve, setSolve] = useState(false);
  const post = useMutation({
    mutationFn: () =>
      api<{ recipients: number }>("POST", `/incidents/${incident.id}/updates`, {
        message: Object.fromEntries(Object.entries(texts).filter(([, v]) => v.trim())),
        solve,
      }),
    onSuccess: (result) => {
      setTexts({});
      setSolve(false);
      onPosted(result.recipients);
    },
  });
  const ready = Object.values(texts).some((v) => v.trim());
  return (
    <Card withBorder padding="sm" component="form" onSubmit={(e: React.FormEvent) => (e.preventDefault(), post.mutate())}>
      <Title order={3} size="h5">
        {t("incidents.update.title")}
      </Title>
      <Text size="sm" c="dark.5" mb="xs">
        {t("incidents.update.hint", { count: incident.unsolved, placeholders: "{{requester.name}}, {{ticket.number}}" })}
      </Text>
      <Stack gap="xs">
        {UPDATE_LANGUAGES.map((lang) => (
          <Textarea
            key={lang}
            label={t(`incidents.update.language.${lang}` as MessageKey)}
            value={texts[lang] ?? ""}
            onChange={(e) => {
              const value = e.currentTarget.value;
              setTexts((all) => ({ ...all, [lang]: value }));
            }}
            autosize
            minRows={2}
            maxLength={20_000}
          />
        ))}
        <Checkbox label={t("incidents.update.solve")} checked={solve} onChange={(e) => setSolve(e.currentTarget.checked)} />
        {post.error && (
          <Text size="sm" c="red.8" role="alert">
            {problemText(post.error, t("incidents.failed"))}
          </Text>
        )}
        <Group>
          <Button type="submit" loading={post.isPending} disabled={!ready} color={solve ? "teal.9" : undefined}>
            {solve ? t("incidents.update.sendAndSolve", { count: incident.unsolved }) : t("incidents.update.send", { count: incident.unsolved })}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

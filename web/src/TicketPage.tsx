import {
  Alert,
  Anchor,
  Badge,
  Box,
  Button,
  Center,
  CloseButton,
  FileButton,
  Grid,
  Group,
  List,
  Loader,
  Menu,
  NativeSelect,
  Paper,
  SegmentedControl,
  Stack,
  Tabs,
  Text,
  Textarea,
  Title,
  Tooltip,
  Typography,
} from "@mantine/core";
import { useMediaQuery } from "@mantine/hooks";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useRef, useState } from "react";
import {
  type Activity,
  ApiError,
  type Attachment,
  type Canned,
  type Contact,
  type Message,
  type Page,
  type Session,
  type Ticket,
  api,
  get,
  patch,
  post,
} from "./api";
import { agentName, useAgents, useTeams } from "./data";
import { useI18n } from "./i18n";
import { PRIORITY_COLOR, STATUSES, STATUS_COLOR, channelKey, priorityKey, statusKey } from "./labels";
import { CustomerPanel } from "./CustomerPanel";
import { FieldsPanel, HistoryPanel, KnowledgePanel, RequesterPanel, SatisfactionPanel, SlaPanel, describeActivity } from "./panels";
import { realtime, useRealtime } from "./realtime";
import { navigate, onLinkClick } from "./router";
import { MacroMenu } from "./Macros";
import { useToast } from "./toasts";
import { isTyping } from "./Workspace";

type Mode = "outbound" | "note";

export default function TicketPage({ number, session }: { number: number; session: Session }) {
  const { t } = useI18n();
  const ticket = useQuery({ queryKey: ["ticket-by-number", number], queryFn: () => get<Ticket>(`/tickets/${number}`), retry: false });
  if (ticket.isPending) {
    return (
      <Center p="xl">
        <Loader aria-label={t("ticket.loading")} />
      </Center>
    );
  }
  if (!ticket.data) {
    return (
      <Stack p="md">
        <Alert color="red">{t("ticket.notFound")}</Alert>
        <Anchor href="/" onClick={onLinkClick}>
          {t("ticket.back")}
        </Anchor>
      </Stack>
    );
  }
  return <TicketView key={ticket.data.id} initial={ticket.data} session={session} />;
}

function TicketView({ initial, session }: { initial: Ticket; session: Session }) {
  const { t, dateTime } = useI18n();
  const toast = useToast();
  const queryClient = useQueryClient();
  const phone = useMediaQuery("(max-width: 48em)");
  const id = initial.id;
  const ticketQuery = useQuery({ queryKey: ["ticket", id], queryFn: () => get<Ticket>(`/tickets/${id}`), initialData: initial });
  const ticket = ticketQuery.data;
  const messages = useQuery({
    queryKey: ["ticket", id, "messages"],
    queryFn: () => get<Page<Message>>(`/tickets/${id}/messages?limit=100`),
  });
  const activities = useQuery({
    queryKey: ["ticket", id, "activities"],
    queryFn: () => get<Page<Activity>>(`/tickets/${id}/activities?limit=500`),
  });
  const requesterContact = useQuery({
    queryKey: ["contact", ticket.requesterId],
    queryFn: () => get<Contact>(`/contacts/${ticket.requesterId}`),
  });
  const [presence, setPresence] = useState<{ agentId: string; name: string; typing: boolean }[]>([]);

  // The composer's state lives here: the conflict check compares it with the ticket's version.
  const [mode, setMode] = useState<Mode>(session.agent.role === "light_agent" ? "note" : "outbound");
  const [text, setText] = useState("");
  const [seen, setSeen] = useState<{ version: number; activityIds: Set<string> }>({ version: initial.version, activityIds: new Set() });
  const [conflict, setConflict] = useState(false);
  const composerRef = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    realtime.view(id);
    return () => realtime.view(null);
  }, [id]);
  useRealtime(
    (event) => {
      if (event.type === "presence" && event.ticketId === id) setPresence(event.agents.filter((a) => a.agentId !== session.agent.id));
      if (event.type === "change" && event.ticketId === id) {
        void queryClient.invalidateQueries({ queryKey: ["ticket", id] });
      }
    },
    [id, queryClient, session.agent.id],
  );

  // While the composer is empty the agent's view simply follows the ticket; once they write, it is frozen.
  const activityList = activities.data?.items;
  useEffect(() => {
    if (text.trim() === "" && activityList) setSeen({ version: ticket.version, activityIds: new Set(activityList.map((a) => a.id)) });
  }, [text, ticket.version, activityList]);
  const unseen = useMemo(
    () => (activityList ?? []).filter((a) => !seen.activityIds.has(a.id) && !(a.actor.kind === "agent" && a.actor.id === session.agent.id)),
    [activityList, seen, session.agent.id],
  );
  const outdated = text.trim() !== "" && ticket.version > seen.version && unseen.length > 0;

  const acceptChanges = () => {
    setSeen({ version: ticket.version, activityIds: new Set((activityList ?? []).map((a) => a.id)) });
    setConflict(false);
  };

  async function onPatch(change: Record<string, unknown>) {
    try {
      const updated = await patch<Ticket>(`/tickets/${id}`, change);
      queryClient.setQueryData(["ticket", id], updated);
      if (!outdated) setSeen((s) => ({ ...s, version: updated.version }));
      toast(t("fields.saved"));
    } catch (err) {
      toast(t("error.generic", { message: err instanceof ApiError ? err.message : String(err) }), "red");
    }
    void queryClient.invalidateQueries({ queryKey: ["ticket", id] });
    void queryClient.invalidateQueries({ queryKey: ["counts"] });
  }

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (isTyping(event) || document.querySelector("[role=dialog]")) return;
      if (event.key === "r" || event.key === "n") {
        event.preventDefault();
        setMode(event.key === "r" ? "outbound" : "note");
        composerRef.current?.focus();
      } else if (event.key === "u" || event.key === "Escape") {
        event.preventDefault();
        history.length > 1 ? history.back() : navigate("/");
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  const insert = (snippet: string) => {
    setText((current) => (current.trim() ? `${current.replace(/\s+$/, "")}\n\n${snippet}` : snippet));
    composerRef.current?.focus();
  };

  const names = presence.map((p) => p.name).join(", ");
  const typing = presence.filter((p) => p.typing);
  const header = (
    <Stack gap={4}>
      <Anchor href="/" onClick={onLinkClick} size="sm">
        ← {t("ticket.back")}
      </Anchor>
      <Title order={2} size="h3" style={{ overflowWrap: "anywhere" }}>
        <Text span c="dark.4" inherit mr={6}>
          #{ticket.number}
        </Text>
        {ticket.subject}
      </Title>
      <Group gap={6}>
        <Badge color={STATUS_COLOR[ticket.status]} variant="light" data-testid="ticket-status">
          {t(statusKey(ticket.status))}
        </Badge>
        <Badge color={PRIORITY_COLOR[ticket.priority]} variant="light">
          {t(priorityKey(ticket.priority))} · {ticket.priorityScore}
        </Badge>
        {ticket.dueAt && (
          <Text size="xs" c="dark.4">
            {t("ticket.due", { time: dateTime(ticket.dueAt) })}
          </Text>
        )}
        {session.agent.role !== "light_agent" && (
          <MacroMenu
            ticket={ticket}
            onApplied={(updated) => {
              queryClient.setQueryData(["ticket", id], updated);
              if (!outdated) setSeen((s) => ({ ...s, version: updated.version }));
              void queryClient.invalidateQueries({ queryKey: ["ticket", id] });
              void queryClient.invalidateQueries({ queryKey: ["counts"] });
            }}
          />
        )}
      </Group>
      <Text size="sm" c="indigo.8" role="status" aria-live="polite" data-testid="presence" mih={20}>
        {typing.length > 0
          ? t("presence.typing", { names: typing.map((p) => p.name).join(", "), count: typing.length })
          : presence.length > 0
            ? t("presence.viewing", { names, count: presence.length })
            : ""}
      </Text>
      {ticket.mergedIntoId && <Alert color="gray">{t("ticket.merged")}</Alert>}
    </Stack>
  );

  const conversation = (
    <Stack gap="sm">
      <Conversation
        messages={messages.data?.items}
        loading={messages.isPending}
        ticketId={id}
        requesterName={requesterContact.data?.name ?? ""}
      />
      <Composer
        ref={composerRef}
        ticket={ticket}
        session={session}
        mode={mode}
        setMode={setMode}
        text={text}
        setText={setText}
        seenVersion={seen.version}
        outdated={outdated || conflict}
        unseen={unseen}
        onConflict={() => setConflict(true)}
        onAccept={acceptChanges}
        onSent={(updated) => {
          queryClient.setQueryData(["ticket", id], updated);
          setConflict(false);
          void queryClient.invalidateQueries({ queryKey: ["ticket", id] });
          void queryClient.invalidateQueries({ queryKey: ["counts"] });
          void queryClient.invalidateQueries({ queryKey: ["tickets"] });
        }}
      />
    </Stack>
  );
  const details = (
    <Stack gap="sm">
      <FieldsPanel ticket={ticket} onPatch={onPatch} />
      <SlaPanel ticketId={id} />
      <SatisfactionPanel ticketId={id} />
    </Stack>
  );
  const requester = (
    <Stack gap="sm">
      <RequesterPanel ticket={ticket} />
      <CustomerPanel ticketId={id} />
    </Stack>
  );
  const knowledge = <KnowledgePanel ticketId={id} onInsert={insert} />;
  const historyPanel = <HistoryPanel activities={activityList} />;

  if (phone) {
    return (
      <Stack p="xs" gap="sm">
        {header}
        <Tabs defaultValue="conversation" keepMounted={false}>
          <Tabs.List grow>
            <Tabs.Tab value="conversation">{t("ticket.conversation")}</Tabs.Tab>
            <Tabs.Tab value="details">{t("ticket.details")}</Tabs.Tab>
            <Tabs.Tab value="requester">{t("ticket.requester")}</Tabs.Tab>
            <Tabs.Tab value="more">{t("ticket.history")}</Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="conversation" pt="sm">
            {conversation}
          </Tabs.Panel>
          <Tabs.Panel value="details" pt="sm">
            {details}
          </Tabs.Panel>
          <Tabs.Panel value="requester" pt="sm">
            {requester}
          </Tabs.Panel>
          <Tabs.Panel value="more" pt="sm">
            <Stack gap="sm">
              {knowledge}
              {historyPanel}
            </Stack>
          </Tabs.Panel>
        </Tabs>
      </Stack>
    );
  }
  return (
    <Box p="md">
      {header}
      <Grid mt="sm" gap="md">
        <Grid.Col span={{ base: 12, md: 8 }}>{conversation}</Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Tabs defaultValue="details">
            <Tabs.List>
              <Tabs.Tab value="details">{t("ticket.details")}</Tabs.Tab>
              <Tabs.Tab value="requester">{t("ticket.requester")}</Tabs.Tab>
              <Tabs.Tab value="knowledge">{t("ticket.knowledge")}</Tabs.Tab>
              <Tabs.Tab value="history">{t("ticket.history")}</Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="details" pt="sm">
              {details}
            </Tabs.Panel>
            <Tabs.Panel value="requester" pt="sm">
              {requester}
            </Tabs.Panel>
            <Tabs.Panel value="knowledge" pt="sm">
              {knowledge}
            </Tabs.Panel>
            <Tabs.Panel value="history" pt="sm">
              {historyPanel}
            </Tabs.Panel>
          </Tabs>
        </Grid.Col>
      </Grid>
    </Box>
  );
}

const KIND_STYLE: Record<Message["kind"], React.CSSProperties> = {
  inbound: { background: "var(--mantine-color-white)", borderLeft: "4px solid var(--mantine-color-gray-5)" },
  outbound: { background: "var(--mantine-color-blue-0)", borderLeft: "4px solid var(--mantine-color-blue-6)" },
  note: { background: "var(--mantine-color-yellow-0)", borderLeft: "4px dashed var(--mantine-color-yellow-8)" },
};

function Conversation({
  messages,
  loading,
  ticketId,
  requesterName,
}: {
  messages: Message[] | undefined;
  loading: boolean;
  ticketId: string;
  requesterName: string;
}) {
  const { t, dateTime } = useI18n();
  const agents = useAgents();
  const toast = useToast();
  if (loading) return <Loader size="sm" aria-label={t("ticket.loading")} />;
  const authorName = (m: Message) =>
    m.author.kind === "agent" ? agentName(agents.data?.items, m.author.id) || "Agent" : m.author.kind === "system" ? "Usher" : "";
  async function toArticle(m: Message) {
    try {
      const article = await post<{ id: string; title?: string; translations?: { title: string }[] }>(
        `/kb/articles/from-message/${m.id}`,
        {},
      );
      toast(t("message.articleCreated", { title: article.title ?? article.translations?.[0]?.title ?? "" }));
    } catch (err) {
      toast(t("error.generic", { message: err instanceof ApiError ? err.message : String(err) }), "red");
    }
  }
  return (
    <Stack
      gap="sm"
      component="ol"
      style={{ listStyle: "none", padding: 0, margin: 0 }}
      aria-label={t("ticket.conversation")}
      data-ticket={ticketId}
    >
      {(messages ?? []).map((m) => {
        const name = authorName(m) || requesterName || t("ticket.requester");
        const channel = t(channelKey(m.channel));
        const heading =
          m.kind === "note"
            ? t("message.note", { name })
            : t(m.kind === "inbound" ? "message.inbound" : "message.outbound", { name, channel });
        return (
          <Paper component="li" key={m.id} p="sm" withBorder style={KIND_STYLE[m.kind]} data-kind={m.kind} data-message-id={m.id}>
            <Group justify="space-between" gap={4} wrap="wrap">
              <Group gap={6}>
                <Text size="sm" fw={600}>
                  {heading}
                </Text>
                <Badge size="xs" variant="outline" color={m.kind === "note" ? "yellow.9" : "gray"}>
                  {m.kind === "note" ? t("composer.note") : channel}
                </Badge>
              </Group>
              <Text size="xs" c="dark.4">
                {dateTime(m.createdAt)}
              </Text>
            </Group>
            {m.html ? (
              <Typography mt={6} fz="sm">
                {/* Sanitised on the way in (sanitize-html, server side); the page's CSP forbids scripts besides. */}
                <div className="message-html" dangerouslySetInnerHTML={{ __html: m.html }} />
              </Typography>
            ) : (
              <Text size="sm" mt={6} style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>
                {m.text}
              </Text>
            )}
            {m.attachments.length > 0 && <AttachmentList attachments={m.attachments} />}
            {m.kind === "outbound" && (
              <Group justify="flex-end" mt={4}>
                <DeliveryBadge message={m} ticketId={ticketId} />
                <Button size="compact-xs" variant="subtle" onClick={() => void toArticle(m)}>
                  {t("message.toArticle")}
                </Button>
              </Group>
            )}
          </Paper>
        );
      })}
    </Stack>
  );
}

const DELIVERY_COLOR: Record<NonNullable<Message["deliveryStatus"]>, string> = {
  pending: "gray",
  sent: "blue",
  delivered: "teal",
  read: "green",
  failed: "red",
};

/** Where an outbound message is (queued, sent, delivered, read, failed), the provider's reason on hover, and a retry when it failed. */
function DeliveryBadge({ message, ticketId }: { message: Message; ticketId: string }) {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const toast = useToast();
  const status = message.deliveryStatus;
  if (!status) return null;
  const error = message.deliveryError;
  const reason = error ? [error.code, error.reason].filter(Boolean).join(" — ") : "";
  const tooltip = status === "failed" ? t("delivery.failedTooltip", { reason: reason || t("delivery.noReason") }) : t(`delivery.${status}Tooltip`);
  async function retry() {
    try {
      await post(`/messages/${message.id}/retry`, {});
      await queryClient.invalidateQueries({ queryKey: ["ticket", ticketId] });
    } catch (err) {
      toast(t("error.generic", { message: err instanceof ApiError ? err.message : String(err) }), "red");
    }
  }
  return (
    <>
      <Tooltip label={tooltip} multiline maw={320} withArrow events={{ hover: true, focus: true, touch: true }}>
        <Badge
          size="xs"
          variant="light"
          color={DELIVERY_COLOR[status]}
          tabIndex={0}
          data-delivery={status}
          aria-label={`${t(`delivery.${status}`)}. ${tooltip}`}
        >
          {t(`delivery.${status}`)}
        </Badge>
      </Tooltip>
      {status === "failed" && (
        <Button size="compact-xs" variant="subtle" onClick={() => void retry()}>
          {t("delivery.retry")}
        </Button>
      )}
    </>
  );
}

function AttachmentList({ attachments }: { attachments: Attachment[] }) {
  const { t } = useI18n();
  return (
    <Box mt={6}>
      <Text size="xs" fw={600}>
        {t("message.attachments")}
      </Text>
      <List size="sm">
        {attachments.map((a) => (
          <List.Item key={a.id}>
            <Anchor href={a.url} size="sm">
              {a.filename}
            </Anchor>{" "}
            <Text span size="xs" c="dark.4">
              ({Math.max(1, Math.round(a.size / 1024))} kB)
            </Text>
          </List.Item>
        ))}
      </List>
    </Box>
  );
}

interface ComposerProps {
  ticket: Ticket;
  session: Session;
  mode: Mode;
  setMode(mode: Mode): void;
  text: string;
  setText(text: string): void;
  seenVersion: number;
  outdated: boolean;
  unseen: Activity[];
  onConflict(): void;
  onAccept(): void;
  onSent(ticket: Ticket): void;
  ref: React.Ref<HTMLTextAreaElement>;
}

function Composer({
  ticket,
  session,
  mode,
  setMode,
  text,
  setText,
  seenVersion,
  outdated,
  unseen,
  onConflict,
  onAccept,
  onSent,
  ref,
}: ComposerProps) {
  const { t } = useI18n();
  const toast = useToast();
  const agents = useAgents();
  const teams = useTeams();
  const [status, setStatus] = useState("");
  const [busy, setBusy] = useState(false);
  const [files, setFiles] = useState<Attachment[]>([]);
  const [uploading, setUploading] = useState<string | null>(null);
  const typingTimer = useRef<number | undefined>(undefined);
  const canned = useQuery({
    queryKey: ["canned", ticket.deskId],
    queryFn: () => get<{ items: Canned[] }>(`/canned-responses?deskId=${ticket.deskId}`),
    staleTime: 120_000,
  });

  const onChange = (value: string) => {
    setText(value);
    realtime.setTyping(value.trim() !== "");
    window.clearTimeout(typingTimer.current);
    typingTimer.current = window.setTimeout(() => realtime.setTyping(false), 4_000);
  };

  function mentionsIn(body: string) {
    const agentIds = (agents.data?.items ?? []).filter((a) => body.includes(`@${a.name}`)).map((a) => a.id);
    const teamIds = (teams.data?.items ?? []).filter((team) => body.includes(`@${team.name}`)).map((team) => team.id);
    return agentIds.length + teamIds.length ? { agentIds, teamIds } : undefined;
  }

  async function send(force = false) {
    if (!text.trim() && files.length === 0) return;
    setBusy(true);
    try {
      const result = await post<{ ticket: Ticket }>(`/tickets/${ticket.id}/messages`, {
        kind: mode,
        text,
        attachmentIds: files.map((f) => f.id),
        status: status || undefined,
        expectedVersion: force ? ticket.version : seenVersion,
        mentions: mentionsIn(text),
      });
      setText("");
      setFiles([]);
      setStatus("");
      realtime.setTyping(false);
      toast(mode === "note" ? t("composer.noted") : t("composer.sent"));
      onSent(result.ticket);
    } catch (err) {
      if (err instanceof ApiError && err.code === "conflict.version") onConflict();
      else toast(t("error.generic", { message: err instanceof ApiError ? err.message : String(err) }), "red");
    } finally {
      setBusy(false);
    }
  }

  async function upload(list: File[]) {
    for (const file of list) {
      setUploading(file.name);
      try {
        const meta = await api<Attachment>("POST", `/uploads?filename=${encodeURIComponent(file.name)}`, undefined, {
          raw: file,
          contentType: file.type,
        });
        setFiles((f) => [...f, meta]);
      } catch (err) {
        toast(t("error.generic", { message: err instanceof ApiError ? err.message : String(err) }), "red");
      }
    }
    setUploading(null);
  }

  async function insertCanned(c: Canned) {
    const rendered = await post<{ text: string }>(`/canned-responses/${c.id}/render`, { ticketId: ticket.id });
    setText(text.trim() ? `${text.replace(/\s+$/, "")}\n\n${rendered.text}` : rendered.text);
  }

  const statusOptions = [
    { value: "", label: t("composer.keepStatus") },
    ...STATUSES.filter((s) => s !== "new" && s !== "closed").map((s) => ({ value: s, label: t(statusKey(s)) })),
  ];
  return (
    <Paper
      withBorder
      p="sm"
      component="section"
      aria-label={t("composer.label")}
      style={mode === "note" ? { background: "var(--mantine-color-yellow-0)" } : undefined}
    >
      <Stack gap="xs">
        <SegmentedControl
          value={mode}
          onChange={(v) => setMode(v as Mode)}
          aria-label={t("composer.mode")}
          data={[
            { value: "outbound", label: t("composer.reply") },
            { value: "note", label: t("composer.note") },
          ]}
          disabled={session.agent.role === "light_agent"}
        />
        {outdated && (
          <Alert color="orange" title={t("composer.conflict")} role="alert" data-testid="conflict">
            <Text size="sm">{t("composer.conflictHelp")}</Text>
            <List size="sm" my={6}>
              {unseen.slice(-8).map((a) => (
                <List.Item key={a.id}>{describeActivity(a, t)}</List.Item>
              ))}
            </List>
            <Group gap="xs">
              <Button size="xs" color="orange" onClick={() => void send(true)} loading={busy}>
                {t("composer.sendAnyway")}
              </Button>
              <Button size="xs" variant="default" onClick={onAccept}>
                {t("composer.review")}
              </Button>
            </Group>
          </Alert>
        )}
        <Textarea
          ref={ref}
          label={t("composer.label")}
          placeholder={mode === "note" ? t("composer.placeholder.note") : t("composer.placeholder.reply")}
          value={text}
          onChange={(e) => onChange(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
              e.preventDefault();
              void send();
            }
            if (e.key === "Escape") e.currentTarget.blur();
          }}
          autosize
          minRows={3}
          maxRows={14}
        />
        {files.length > 0 && (
          <Group gap={6}>
            {files.map((f) => (
              <Badge
                key={f.id}
                variant="light"
                rightSection={
                  <CloseButton
                    size="xs"
                    aria-label={t("composer.removeAttachment", { name: f.filename })}
                    onClick={() => setFiles(files.filter((x) => x.id !== f.id))}
                  />
                }
              >
                {f.filename}
              </Badge>
            ))}
          </Group>
        )}
        {uploading && <Text size="xs">{t("composer.uploading", { name: uploading })}</Text>}
        <Group justify="space-between" gap="xs" wrap="wrap">
          <Group gap={6}>
            <Menu position="top-start" withinPortal>
              <Menu.Target>
                <Button size="xs" variant="default">
                  {t("composer.canned")}
                </Button>
              </Menu.Target>
              <Menu.Dropdown>
                {(canned.data?.items ?? []).length === 0 && <Menu.Label>{t("composer.cannedNone")}</Menu.Label>}
                {(canned.data?.items ?? []).map((c) => (
                  <Menu.Item key={c.id} onClick={() => void insertCanned(c)}>
                    {c.title}
                    {c.shortcut ? ` (/${c.shortcut})` : ""}
                  </Menu.Item>
                ))}
              </Menu.Dropdown>
            </Menu>
            <Menu position="top-start" withinPortal>
              <Menu.Target>
                <Button size="xs" variant="default">
                  @ {t("composer.mention")}
                </Button>
              </Menu.Target>
              <Menu.Dropdown mah={300} style={{ overflowY: "auto" }}>
                {(agents.data?.items ?? []).map((a) => (
                  <Menu.Item key={a.id} onClick={() => onChange(`${text}${text && !text.endsWith(" ") ? " " : ""}@${a.name} `)}>
                    @{a.name}
                  </Menu.Item>
                ))}
                {(teams.data?.items ?? []).map((team) => (
                  <Menu.Item key={team.id} onClick={() => onChange(`${text}${text && !text.endsWith(" ") ? " " : ""}@${team.name} `)}>
                    @{team.name}
                  </Menu.Item>
                ))}
              </Menu.Dropdown>
            </Menu>
            <FileButton onChange={(list) => void upload(list)} multiple>
              {(props) => (
                <Button size="xs" variant="default" {...props}>
                  {t("composer.attach")}
                </Button>
              )}
            </FileButton>
          </Group>
          <Group gap={6}>
            <NativeSelect
              size="xs"
              aria-label={t("composer.sendAs")}
              value={status}
              onChange={(e) => setStatus(e.currentTarget.value)}
              data={statusOptions}
            />
            <Button size="xs" onClick={() => void send()} loading={busy} color={mode === "note" ? "yellow.8" : undefined}>
              {mode === "note" ? t("composer.addNote") : t("composer.send")}
            </Button>
          </Group>
        </Group>
      </Stack>
    </Paper>
  );
}

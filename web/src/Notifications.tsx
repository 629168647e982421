import { ActionIcon, Button, Checkbox, Divider, Group, Indicator, Popover, ScrollArea, Stack, Text, UnstyledButton, VisuallyHidden } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api, get, post } from "./api";
import { type MessageKey, useI18n } from "./i18n";
import { useRealtime } from "./realtime";
import { navigate } from "./router";

const KINDS = ["mention", "rule", "assigned", "sla_warning", "sla_breach"] as const;
type Kind = (typeof KINDS)[number];

export interface AgentNotification {
  id: string;
  kind: Kind;
  title: string;
  body: string | null;
  ticketId: string | null;
  ticketNumber: number | null;
  createdAt: string;
  readAt: string | null;
  emailed: boolean;
}
interface Inbox {
  items: AgentNotification[];
  nextCursor: string | null;
  unread: number;
}

const INBOX = ["notifications"] as const;

/**
 * The bell in the header: what concerns this agent (mentions, rules'
 * notifications, assignments, SLA warnings and breaches), newest first,
 * refreshed the moment the server says there is something new; and which of
 * those kinds also come by e-mail.
 */
export function NotificationBell() {
  const { t, relative, dateTime } = useI18n();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const inbox = useQuery({ queryKey: INBOX, queryFn: () => get<Inbox>("/notifications?limit=20"), refetchInterval: 120_000 });
  useRealtime(
    (event) => {
      if (event.type === "notification") void queryClient.invalidateQueries({ queryKey: INBOX });
    },
    [queryClient],
  );
  const markRead = useMutation({
    mutationFn: (body: { ids: string[] } | { all: true }) => post<{ unread: number }>("/notifications/read", body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: INBOX }),
  });
  const unread = inbox.data?.unread ?? 0;
  const items = inbox.data?.items ?? [];

  function openTicket(n: AgentNotification) {
    if (!n.readAt) markRead.mutate({ ids: [n.id] });
    setOpen(false);
    if (n.ticketNumber) navigate(`/tickets/${n.ticketNumber}`);
  }

  const label = unread ? t("notifications.openUnread", { count: unread }) : t("notifications.open");
  return (
    // The indicator outside the target: Popover.Target puts aria-expanded on its child, which must be the button.
    <Indicator label={unread > 99 ? "99+" : unread} size={16} color="red" disabled={unread === 0} offset={4}>
      <Popover opened={open} onChange={setOpen} position="bottom-end" width="min(380px, calc(100vw - 16px))" shadow="md" trapFocus>
        <Popover.Target>
          <ActionIcon variant="default" onClick={() => setOpen((o) => !o)} aria-label={label} data-testid="notifications">
            <BellIcon />
          </ActionIcon>
        </Popover.Target>
      <Popover.Dropdown p={0} aria-label={t("notifications.title")} role="dialog">
        <Group justify="space-between" px="sm" py={8} wrap="nowrap">
          <Text fw={600} size="sm" component="h2" m={0}>
            {t("notifications.title")}
          </Text>
          <Button size="compact-xs" variant="default" disabled={unread === 0} onClick={() => markRead.mutate({ all: true })}>
            {t("notifications.markAll")}
          </Button>
        </Group>
        <Divider />
        <ScrollArea.Autosize mah="min(420px, 60vh)">
          {items.length === 0 ? (
            <Text size="sm" c="dark.4" p="sm">
              {inbox.isLoading ? t("notifications.loading") : t("notifications.empty")}
            </Text>
          ) : (
            <ul className="plain-list" aria-label={t("notifications.title")}>
              {items.map((n) => (
                <li key={n.id}>
                  <UnstyledButton onClick={() => openTicket(n)} className="notification" data-unread={n.readAt ? undefined : true} w="100%" px="sm" py={8}>
                    <Text size="sm" fw={n.readAt ? 400 : 600}>
                      {!n.readAt && <span className="unread-dot" aria-hidden="true" />}
                      {n.title}
                      {!n.readAt && <VisuallyHidden> ({t("notifications.unread")})</VisuallyHidden>}
                    </Text>
                    {n.body && (
                      <Text size="xs" c="dark.5" lineClamp={2}>
                        {n.body}
                      </Text>
                    )}
                    <Text size="xs" c="dark.4" title={dateTime(n.createdAt)}>
                      {t(`notifications.kind.${n.kind}` as MessageKey)} · {relative(n.createdAt)}
                    </Text>
                  </UnstyledButton>
                </li>
              ))}
            </ul>
          )}
        </ScrollArea.Autosize>
        <Divider />
        <EmailChoices />
      </Popover.Dropdown>
      </Popover>
    </Indicator>
  );
}

/** Which kinds of notification also arrive by e-mail (the server keeps the choice per agent). */
function EmailChoices() {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const key = ["notification-preferences"];
  const preferences = useQuery({ queryKey: key, queryFn: () => get<{ emailKinds: Kind[] }>("/notifications/preferences") });
  // The choice shows at once, set in the click's own render. The mutation's
  // variables would come a timer later (React Query notifies on setTimeout 0),
  // so a controlled checkbox would spring back for that moment.
  const [chosen, setChosen] = useState<string[] | null>(null);
  const save = useMutation({
    mutationFn: (emailKinds: string[]) => api<{ emailKinds: Kind[] }>("PUT", "/notifications/preferences", { emailKinds }),
    // A later click's choice stays shown until its own save answers.
    onSuccess: (saved, sent) => {
      queryClient.setQueryData(key, saved);
      setChosen((shown) => (shown === sent ? null : shown));
    },
    // What failed to save is not shown as chosen; the alert below says why.
    onError: (_error, sent) => setChosen((shown) => (shown === sent ? null : shown)),
  });
  if (!preferences.data) return null;
  return (
    <Stack gap={6} p="sm">
      <Checkbox.Group
        label={t("notifications.email")}
        value={chosen ?? preferences.data.emailKinds}
        onChange={(value) => {
          setChosen(value);
          save.mutate(value);
        }}
      >
        <Group gap="xs" mt={4}>
          {KINDS.map((kind) => (
            <Checkbox key={kind} size="xs" value={kind} label={t(`notifications.kind.${kind}` as MessageKey)} />
          ))}
        </Group>
      </Checkbox.Group>
      {save.isError && (
        <Text size="xs" c="red.8" role="alert">
          {t("notifications.saveFailed")}
        </Text>
      )}
    </Stack>
  );
}

function BellIcon() {
  return (
    <svg width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
      <path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
      <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
    </svg>
  );
}

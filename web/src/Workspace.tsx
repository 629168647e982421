import {
  ActionIcon,
  AppShell,
  Badge,
  Burger,
  Button,
  Center,
  Group,
  Loader,
  NativeSelect,
  NavLink,
  ScrollArea,
  Text,
  Title,
  Tooltip,
  VisuallyHidden,
} from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { useQueryClient } from "@tanstack/react-query";
import { Suspense, lazy, useEffect, useMemo, useRef, useState } from "react";
import { type Agent, type Page, type Session, type Ticket, type View, api, get, patch } from "./api";
import { useCounts, useDesks, useViews } from "./data";
import { useActiveIncidents } from "./incidents-data";
import { type MessageKey, useI18n } from "./i18n";
import { Inbox } from "./Inbox";
import { NotificationBell } from "./Notifications";
import { realtime, useOnline, useRealtime } from "./realtime";
import { navigate, onLinkClick, useLocation } from "./router";
import { Shortcuts } from "./Shortcuts";
import { ToastProvider, useToast } from "./toasts";
import { ADMIN_SECTIONS, canAdminister, sectionKey } from "./admin/sections";

const TicketPage = lazy(() => import("./TicketPage"));
const IncidentsPage = lazy(() => import("./Incidents").then((m) => ({ default: m.IncidentsPage })));
const IncidentPage = lazy(() => import("./Incidents").then((m) => ({ default: m.IncidentPage })));
const AdminArea = lazy(() => import("./admin/AdminArea"));

export function viewName(view: View, t: ReturnType<typeof useI18n>["t"]): string {
  return view.kind === "builtin" && view.key ? t(`views.builtin.${view.key}` as MessageKey) : view.name;
}

export function Workspace(props: { session: Session; onSignedOut: () => void }) {
  return (
    <ToastProvider>
      <Shell {...props} />
    </ToastProvider>
  );
}

function Shell({ session, onSignedOut }: { session: Session; onSignedOut: () => void }) {
  const { t, locale } = useI18n();
  const toast = useToast();
  const queryClient = useQueryClient();
  const [navOpen, nav] = useDisclosure(false);
  const [shortcutsOpen, setShortcutsOpen] = useState(false);
  const { path } = useLocation();
  const online = useOnline();
  const desks = useDesks();
  const [deskId, setDeskId] = useState<string | undefined>(() => localStorage.getItem("usher.desk") ?? undefined);
  const deskList = desks.data?.items ?? [];
  const desk = deskList.find((d) => d.id === deskId) ?? deskList[0];
  useEffect(() => {
    if (desk && desk.id !== deskId) setDeskId(desk.id);
  }, [desk, deskId]);
  useEffect(() => {
    if (deskId) localStorage.setItem("usher.desk", deskId);
  }, [deskId]);

  const views = useViews(desk?.id);
  const counts = useCounts(desk?.id);
  const viewList = views.data?.items ?? [];
  const ticketMatch = /^\/tickets\/(\d+)/.exec(path);
  const viewMatch = /^\/views\/([^/]+)/.exec(path);
  const incidentMatch = /^\/incidents(?:\/([0-9a-f-]{36}))?\/?$/.exec(path);
  const activeIncidents = useActiveIncidents();
  const adminMatch = /^\/admin(?:\/([a-z]+))?/.exec(path);
  const currentViewId = viewMatch ? decodeURIComponent(viewMatch[1]!) : "my_open";
  const currentView = viewList.find((v) => v.id === currentViewId) ?? viewList[0];

  // What changed while the socket was not listening — between the page's first fetches and its
  // connection, or during an outage — reached no one: each (re)connection fetches what is shown again.
  useEffect(() => realtime.onStatus((connected) => void (connected && queryClient.invalidateQueries())), [queryClient]);
  useEffect(() => {
    realtime.start();
    return () => realtime.stop();
  }, []);

  // Changes arrive over the WebSocket: lists and counts refresh, at most every 300 ms.
  const pending = useRef<number | undefined>(undefined);
  const pendingCounts = useRef<number | undefined>(undefined);
  useRealtime(
    (event) => {
      if (event.type === "change") {
        if (event.ticketId) void queryClient.invalidateQueries({ queryKey: ["ticket", event.ticketId] });
        // Throttled, not debounced: under steady traffic lists still refresh every 300 ms, counts every 2 s.
        if (pending.current === undefined) {
          pending.current = window.setTimeout(() => {
            pending.current = undefined;
            void queryClient.invalidateQueries({ queryKey: ["tickets"] });
          }, 300);
        }
        if (pendingCounts.current === undefined) {
          pendingCounts.current = window.setTimeout(() => {
            pendingCounts.current = undefined;
            void queryClient.invalidateQueries({ queryKey: ["counts"] });
          }, 2_000);
        }
      } else if (event.type === "mention" && event.ticketId) {
        const by = queryClient.getQueryData<Page<Agent>>(["agents"])?.items.find((a) => a.id === event.actorId)?.name ?? "";
        void get<Ticket>(`/tickets/${event.ticketId}`)
          .then((ticket) => toast(t("mention.notice", { name: by, number: ticket.number }), "indigo"))
          .catch(() => undefined);
      }
    },
    [queryClient, toast, t],
  );

  // Number keys 1–9 open the first nine views.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (isTyping(event)) return;
      if (event.key === "?") {
        event.preventDefault();
        setShortcutsOpen(true);
      } else if (/^[1-9]$/.test(event.key) && !event.ctrlKey && !event.metaKey && !event.altKey) {
        const view = viewList[Number(event.key) - 1];
        if (view) navigate(`/views/${encodeURIComponent(view.id)}`);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [viewList]);

  async function signOut() {
    await api("POST", "/auth/sign-out", {}).catch(() => undefined);
    realtime.stop();
    queryClient.clear();
    onSignedOut();
    navigate("/sign-in");
  }

  async function changeLocale(next: string) {
    await patch(`/agents/${session.agent.id}`, { locale: next });
    queryClient.setQueryData(["session"], { ...session, agent: { ...session.agent, locale: next } });
  }

  const groups = useMemo(
    () => [
      { label: t("views.title"), items: viewList.filter((v) => v.kind === "builtin") },
      { label: t("views.categories"), items: viewList.filter((v) => v.kind === "category") },
      { label: t("views.saved"), items: viewList.filter((v) => v.kind === "custom") },
    ],
    [viewList, t],
  );

  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 260, breakpoint: "sm", collapsed: { mobile: !navOpen } }} padding={0}>
      <a href="#main" className="skip-link">
        {t("app.skip")}
      </a>
      <AppShell.Header>
        <Group h="100%" px="sm" gap="xs" wrap="nowrap" justify="space-between">
          <Group gap="xs" wrap="nowrap" style={{ minWidth: 0 }}>
            <Burger opened={navOpen} onClick={nav.toggle} hiddenFrom="sm" size="sm" aria-label={t("menu.open")} />
            <Title order={1} size="h4" visibleFrom="xs">
              {t("app.name")}
            </Title>
            <NativeSelect
              aria-label={t("desk.label")}
              value={desk?.id ?? ""}
              onChange={(e) => {
                setDeskId(e.currentTarget.value);
                navigate("/");
              }}
              data={deskList.map((d) => ({ value: d.id, label: d.name }))}
              size="xs"
              maw={{ base: 130, sm: 200 }}
            />
          </Group>
          <Group gap={6} wrap="nowrap">
            {!online && (
              <Badge color="orange" variant="light" visibleFrom="xs">
                {t("live.offline")}
              </Badge>
            )}
            <NativeSelect
              aria-label={t("language.label")}
              size="xs"
              value={locale}
              onChange={(e) => void changeLocale(e.currentTarget.value)}
              data={[
                { value: "en", label: "EN" },
                { value: "uk", label: "УК" },
              ]}
            />
            <NotificationBell />
            <Tooltip label={t("shortcuts.open")}>
              <ActionIcon variant="default" onClick={() => setShortcutsOpen(true)} aria-label={t("shortcuts.open")} visibleFrom="sm">
                ?
              </ActionIcon>
            </Tooltip>
            <Text size="sm" visibleFrom="md" fw={500}>
              {session.agent.name}
            </Text>
            <Button size="xs" variant="default" onClick={() => void signOut()}>
              {t("signOut")}
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label={t("views.title")}>
        <ScrollArea>
          <nav aria-label={t("views.title")}>
            <NavItem
              href="/incidents"
              onNavigate={nav.close}
              active={!!incidentMatch}
              label={t("incidents.title")}
              rightSection={
                (activeIncidents.data?.items.length ?? 0) > 0 && (
                  <Badge size="sm" variant={incidentMatch ? "white" : "light"} color="red">
                    {activeIncidents.data!.items.length}
                    <VisuallyHidden> {t("incidents.active", { count: activeIncidents.data!.items.length })}</VisuallyHidden>
                  </Badge>
                )
              }
            />
            {groups.map(
              (group) =>
                group.items.length > 0 && (
                  <div key={group.label}>
                    <NavHeading>{group.label}</NavHeading>
                    {group.items.map((view) => {
                      const count = counts.data?.counts[view.id];
                      const active = !ticketMatch && !incidentMatch && !adminMatch && currentView?.id === view.id;
                      return (
                        <NavItem
                          key={view.id}
                          href={`/views/${encodeURIComponent(view.id)}`}
                          onNavigate={nav.close}
                          active={active}
                          label={viewName(view, t)}
                          rightSection={
                            count !== undefined && (
                              <Badge
                                size="sm"
                                variant={active ? "white" : "light"}
                                color={view.key === "urgent" || view.key === "breaching" ? "red" : "indigo"}
                              >
                                <span data-testid={`count-${view.id}`}>{count}</span>
                                <VisuallyHidden> {t("views.count", { count })}</VisuallyHidden>
                              </Badge>
                            )
                          }
                        />
                      );
                    })}
                  </div>
                ),
            )}
          </nav>
          {canAdminister(session) && (
            <nav aria-label={t("admin.title")}>
              <NavHeading>{t("admin.title")}</NavHeading>
              {ADMIN_SECTIONS.map((section) => (
                <NavItem
                  key={section}
                  href={`/admin/${section}`}
                  onNavigate={nav.close}
                  active={adminMatch?.[1] === section}
                  label={t(sectionKey(section))}
                />
              ))}
            </nav>
          )}
        </ScrollArea>
      </AppShell.Navbar>
      <AppShell.Main id="main">
        {!desk ? (
          <Center p="xl">
            <Loader aria-label="Loading" />
          </Center>
        ) : incidentMatch ? (
          <Suspense
            fallback={
              <Center p="xl">
                <Loader aria-label={t("incidents.loading")} />
              </Center>
            }
          >
            {incidentMatch[1] ? <IncidentPage key={incidentMatch[1]} id={incidentMatch[1]} session={session} /> : <IncidentsPage deskId={desk.id} />}
          </Suspense>
        ) : adminMatch ? (
          <Suspense
            fallback={
              <Center p="xl">
                <Loader aria-label={t("admin.loading")} />
              </Center>
            }
          >
            <AdminArea section={adminMatch[1] ?? "calendars"} session={session} />
          </Suspense>
        ) : ticketMatch ? (
          <Suspense
            fallback={
              <Center p="xl">
                <Loader aria-label={t("ticket.loading")} />
              </Center>
            }
          >
            <TicketPage number={Number(ticketMatch[1])} session={session} />
          </Suspense>
        ) : currentView ? (
          <Inbox key={`${desk.id}:${currentView.id}`} desk={desk} view={currentView} session={session} />
        ) : (
          <Center p="xl">
            <Loader aria-label={t("inbox.loading")} />
          </Center>
        )}
      </AppShell.Main>
      <Shortcuts opened={shortcutsOpen} onClose={() => setShortcutsOpen(false)} />
    </AppShell>
  );
}

function NavHeading({ children }: { children: React.ReactNode }) {
  return (
    <Text size="xs" fw={700} c="dark.4" tt="uppercase" px="sm" mt="sm" mb={4} component="h2">
      {children}
    </Text>
  );
}

/** A link of the navigation: followed without a page load, marked as the current page, and closing the phone menu. */
function NavItem(props: { href: string; label: string; active: boolean; onNavigate(): void; rightSection?: React.ReactNode }) {
  return (
    <NavLink
      href={props.href}
      onClick={(e: React.MouseEvent<HTMLAnchorElement>) => {
        onLinkClick(e);
        props.onNavigate();
      }}
      active={props.active}
      variant="filled"
      aria-current={props.active ? "page" : undefined}
      label={props.label}
      rightSection={props.rightSection}
    />
  );
}

export function isTyping(event: KeyboardEvent): boolean {
  const target = event.target as HTMLElement | null;
  if (!target) return false;
  const tag = target.tagName;
  return (
    tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || target.isContentEditable || event.ctrlKey || event.metaKey || event.altKey
  );
}

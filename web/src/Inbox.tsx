import {
  Badge,
  Box,
  Button,
  Checkbox,
  Group,
  Loader,
  Modal,
  NativeSelect,
  Paper,
  Stack,
  Switch,
  Text,
  TextInput,
  Title,
  VisuallyHidden,
} from "@mantine/core";
import { useInfiniteQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useRef, useState } from "react";
import { ApiError, type Desk, type Page, type Session, type Ticket, type View, api, post } from "./api";
import { agentName, useAgents } from "./data";
import { useI18n } from "./i18n";
import { PRIORITIES, PRIORITY_COLOR, SORTS, STATUSES, STATUS_COLOR, priorityKey, statusKey } from "./labels";
import { navigate, onLinkClick } from "./router";
import { useToast } from "./toasts";
import { isTyping, viewName } from "./Workspace";

type Condition = { field: string; op: string; value?: unknown };

export function Inbox({ desk, view, session }: { desk: Desk; view: View; session: Session }) {
  const { t, dateTime, relative } = useI18n();
  const toast = useToast();
  const queryClient = useQueryClient();
  const agents = useAgents();
  const [sort, setSort] = useState(view.sort);
  const [q, setQ] = useState("");
  const [filter, setFilter] = useState<{ status: string; priority: string; assignee: string; tag: string }>({
    status: "",
    priority: "",
    assignee: "",
    tag: "",
  });
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [active, setActive] = useState(0);
  const [saveOpen, setSaveOpen] = useState(false);
  const searchRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLUListElement>(null);

  const extra: Condition[] = useMemo(() => {
    const c: Condition[] = [];
    if (filter.status) c.push({ field: "status", op: "is", value: filter.status });
    if (filter.priority) c.push({ field: "priority", op: "is", value: filter.priority });
    if (filter.assignee) c.push({ field: "assignee", op: "is", value: filter.assignee === "none" ? null : filter.assignee });
    if (filter.tag.trim()) c.push({ field: "tags", op: "contains", value: filter.tag.trim().toLowerCase() });
    return c;
  }, [filter]);
  // A search looks through the whole desk, not only the view.
  const searching = q.trim() !== "";
  const conditions = useMemo(
    () => ({ all: [{ field: "desk", op: "is", value: desk.id }, ...(searching ? [] : [view.conditions, ...extra])] }),
    [desk.id, view.conditions, extra, searching],
  );

  const tickets = useInfiniteQuery({
    queryKey: ["tickets", desk.id, view.id, sort, q, extra],
    queryFn: ({ pageParam }) =>
      post<Page<Ticket>>("/tickets/search", { conditions, sort, q: q || undefined, limit: 50, cursor: pageParam ?? undefined }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
  const rows = useMemo(() => tickets.data?.pages.flatMap((p) => p.items) ?? [], [tickets.data]);

  const focusRow = (index: number) => {
    const clamped = Math.max(0, Math.min(rows.length - 1, index));
    setActive(clamped);
    listRef.current?.querySelectorAll<HTMLAnchorElement>("a[data-ticket-link]")[clamped]?.focus();
  };
  const toggle = (id: string) =>
    setSelected((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (isTyping(event) || document.querySelector("[role=dialog]")) return;
      const row = rows[active];
      switch (event.key) {
        case "j":
        case "ArrowDown":
          if (event.key === "ArrowDown" && !(event.target as HTMLElement).closest?.("[data-ticket-list]")) return;
          event.preventDefault();
          focusRow(active + 1);
          break;
        case "k":
        case "ArrowUp":
          if (event.key === "ArrowUp" && !(event.target as HTMLElement).closest?.("[data-ticket-list]")) return;
          event.preventDefault();
          focusRow(active - 1);
          break;
        case "x":
          if (row) {
            event.preventDefault();
            toggle(row.id);
          }
          break;
        case "Enter":
          if (row && !(event.target as HTMLElement).closest?.("a,button")) {
            event.preventDefault();
            navigate(`/tickets/${row.number}`);
          }
          break;
        case "/":
          event.preventDefault();
          searchRef.current?.focus();
          break;
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  });

  const selectedIds = [...selected];
  async function bulk(patch: Record<string, unknown>) {
    try {
      const result = await post<{ results: { ok: boolean; error?: { detail: string } }[] }>("/tickets/bulk", { ids: selectedIds, patch });
      const failed = result.results.filter((r) => !r.ok);
      toast(
        t("bulk.done", { ok: result.results.length - failed.length, failed: failed.length, reason: failed[0]?.error?.detail ?? "" }),
        failed.length ? "orange" : "teal",
      );
      setSelected(new Set());
    } catch (err) {
      toast(t("error.generic", { message: err instanceof ApiError ? err.message : String(err) }), "red");
    }
    void queryClient.invalidateQueries({ queryKey: ["tickets"] });
    void queryClient.invalidateQueries({ queryKey: ["counts"] });
  }
  const selectedRows = rows.filter((r) => selected.has(r.id)).sort((a, b) => a.number - b.number);
  async function merge() {
    const [target, ...sources] = selectedRows;
    if (!target || sources.length === 0) return;
    try {
      await post(`/tickets/${target.id}/merge`, { sourceIds: sources.map((s) => s.id) });
      toast(t("bulk.merged", { number: target.number }));
      setSelected(new Set());
    } catch (err) {
      toast(t("error.generic", { message: err instanceof ApiError ? err.message : String(err) }), "red");
    }
    void queryClient.invalidateQueries({ queryKey: ["tickets"] });
    void queryClient.invalidateQueries({ queryKey: ["counts"] });
  }

  async function saveView(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    try {
      const created = await post<View>("/views", {
        name: String(form.get("name") ?? ""),
        conditions: { all: [view.conditions, ...extra] },
        sort,
        deskId: desk.id,
        shared: form.get("shared") === "on",
      });
      setSaveOpen(false);
      toast(t("views.saved.ok"));
      await queryClient.invalidateQueries({ queryKey: ["views"] });
      navigate(`/views/${created.id}`);
    } catch (err) {
      toast(t("error.generic", { message: err instanceof ApiError ? err.message : String(err) }), "red");
    }
  }
  async function deleteView() {
    await api("DELETE", `/views/${view.id}`);
    await queryClient.invalidateQueries({ queryKey: ["views"] });
    navigate("/");
  }

  const agentOptions = [
    { value: "", label: t("fields.assignee") },
    { value: session.agent.id, label: t("bulk.assignMe") },
    { value: "none", label: t("bulk.unassign") },
    ...(agents.data?.items ?? []).filter((a) => a.id !== session.agent.id).map((a) => ({ value: a.id, label: a.name })),
  ];

  return (
    <Stack gap="sm" p={{ base: "xs", sm: "md" }} data-testid="inbox">
      <Group justify="space-between" wrap="wrap" gap="xs">
        <Title order={2} size="h3">
          {viewName(view, t)}
        </Title>
        <Group gap="xs">
          {view.editable && (
            <Button size="xs" variant="subtle" color="red" onClick={() => void deleteView()}>
              {t("views.delete")}
            </Button>
          )}
          <Button size="xs" variant="light" onClick={() => setSaveOpen(true)}>
            {t("views.save")}
          </Button>
        </Group>
      </Group>
      <Group gap="xs" wrap="wrap" align="end">
        <TextInput
          ref={searchRef}
          aria-label={t("inbox.search")}
          placeholder={t("inbox.search")}
          value={q}
          onChange={(e) => setQ(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === "Escape") e.currentTarget.blur();
            if (e.key === "Enter" && rows[0]) navigate(`/tickets/${rows[0].number}`);
          }}
          style={{ flex: "1 1 200px" }}
          size="sm"
          type="search"
        />
        <NativeSelect
          size="sm"
          aria-label={t("inbox.sort")}
          value={sort}
          onChange={(e) => setSort(e.currentTarget.value)}
          data={SORTS.map((s) => ({ value: s, label: `${t("inbox.sort")}: ${t(`inbox.sort.${s}`)}` }))}
        />
        <NativeSelect
          size="sm"
          aria-label={t("fields.status")}
          value={filter.status}
          onChange={(e) => setFilter({ ...filter, status: e.currentTarget.value })}
          data={[{ value: "", label: t("fields.status") }, ...STATUSES.map((s) => ({ value: s, label: t(statusKey(s)) }))]}
        />
        <NativeSelect
          size="sm"
          aria-label={t("fields.priority")}
          value={filter.priority}
          onChange={(e) => setFilter({ ...filter, priority: e.currentTarget.value })}
          data={[{ value: "", label: t("fields.priority") }, ...PRIORITIES.map((p) => ({ value: p, label: t(priorityKey(p)) }))]}
        />
        <NativeSelect
          size="sm"
          aria-label={t("fields.assignee")}
          value={filter.assignee}
          onChange={(e) => setFilter({ ...filter, assignee: e.currentTarget.value })}
          data={agentOptions}
        />
        <TextInput
          size="sm"
          aria-label={t("fields.tags")}
          placeholder={t("fields.tags")}
          value={filter.tag}
          onChange={(e) => setFilter({ ...filter, tag: e.currentTarget.value })}
          w={120}
        />
      </Group>

      {selected.size > 0 && (
        <Paper withBorder p="xs" bg="indigo.0" role="region" aria-label={t("inbox.selected", { count: selected.size })}>
          <Group gap="xs" wrap="wrap">
            <Text size="sm" fw={600}>
              {t("inbox.selected", { count: selected.size })}
            </Text>
            <NativeSelect
              size="xs"
              aria-label={t("bulk.assign")}
              value=""
              onChange={(e) => {
                const v = e.currentTarget.value;
                if (v) void bulk({ assigneeId: v === "none" ? null : v });
              }}
              data={[{ value: "", label: t("bulk.assign") }, ...agentOptions.slice(1)]}
            />
            <NativeSelect
              size="xs"
              aria-label={t("bulk.status")}
              value=""
              onChange={(e) => e.currentTarget.value && void bulk({ status: e.currentTarget.value })}
              data={[
                { value: "", label: t("bulk.status") },
                ...STATUSES.filter((s) => s !== "new").map((s) => ({ value: s, label: t(statusKey(s)) })),
              ]}
            />
            <NativeSelect
              size="xs"
              aria-label={t("bulk.priority")}
              value=""
              onChange={(e) => e.currentTarget.value && void bulk({ priority: e.currentTarget.value })}
              data={[{ value: "", label: t("bulk.priority") }, ...PRIORITIES.map((p) => ({ value: p, label: t(priorityKey(p)) }))]}
            />
            <form
              onSubmit={(e) => {
                e.preventDefault();
                const tag = String(new FormData(e.currentTarget).get("tag") ?? "").trim();
                if (tag) void bulk({ addTags: [tag] });
                e.currentTarget.reset();
              }}
            >
              <Group gap={4}>
                <TextInput size="xs" name="tag" aria-label={t("bulk.tag")} placeholder={t("bulk.tag")} w={110} />
                <Button size="xs" type="submit" variant="default">
                  {t("bulk.tagApply")}
                </Button>
              </Group>
            </form>
            {selectedRows.length > 1 && (
              <Button size="xs" variant="default" onClick={() => void merge()}>
                {t("bulk.merge", { number: selectedRows[0]!.number })}
              </Button>
            )}
            <Button size="xs" variant="subtle" onClick={() => setSelected(new Set())}>
              {t("bulk.clear")}
            </Button>
          </Group>
        </Paper>
      )}

      {tickets.isPending ? (
        <Group p="md">
          <Loader size="sm" aria-label={t("inbox.loading")} />
          <Text>{t("inbox.loading")}</Text>
        </Group>
      ) : rows.length === 0 ? (
        <Text p="md" c="dark.4">
          {t("inbox.empty")}
        </Text>
      ) : (
        <Paper withBorder>
          <Box component="ul" ref={listRef} data-ticket-list aria-label={t("inbox.list")} m={0} p={0} style={{ listStyle: "none" }}>
            {rows.map((ticket, index) => {
              const due = ticket.dueAt ? new Date(ticket.dueAt).getTime() : null;
              const overdue = due !== null && due < Date.now();
              return (
                <Box
                  component="li"
                  key={ticket.id}
                  data-ticket-row
                  data-active={index === active || undefined}
                  px="sm"
                  py={8}
                  style={{
                    borderBottom: "1px solid var(--mantine-color-gray-3)",
                    background:
                      index === active
                        ? "var(--mantine-color-indigo-0)"
                        : selected.has(ticket.id)
                          ? "var(--mantine-color-yellow-0)"
                          : undefined,
                    borderLeft: index === active ? "3px solid var(--mantine-color-indigo-6)" : "3px solid transparent",
                  }}
                >
                  <Group gap="sm" wrap="nowrap" align="flex-start">
                    <Checkbox
                      mt={3}
                      checked={selected.has(ticket.id)}
                      onChange={() => toggle(ticket.id)}
                      aria-label={t("inbox.select", { number: ticket.number })}
                    />
                    <Box style={{ minWidth: 0, flex: 1 }}>
                      <Group gap={6} wrap="nowrap" justify="space-between">
                        <a
                          href={`/tickets/${ticket.number}`}
                          data-ticket-link
                          onClick={onLinkClick}
                          onFocus={() => setActive(index)}
                          style={{
                            color: "inherit",
                            fontWeight: 600,
                            textDecoration: "none",
                            overflow: "hidden",
                            textOverflow: "ellipsis",
                            whiteSpace: "nowrap",
                          }}
                        >
                          <Text span c="dark.4" fw={500} mr={6}>
                            #{ticket.number}
                          </Text>
                          {ticket.subject}
                        </a>
                        <Text size="xs" c="dark.4" style={{ whiteSpace: "nowrap" }} title={dateTime(ticket.updatedAt)}>
                          {relative(ticket.updatedAt)}
                        </Text>
                      </Group>
                      <Group gap={6} mt={4} wrap="wrap">
                        <Badge size="sm" color={STATUS_COLOR[ticket.status]} variant="light">
                          {t(statusKey(ticket.status))}
                        </Badge>
                        <Badge
                          size="sm"
                          color={PRIORITY_COLOR[ticket.priority]}
                          variant={ticket.priority === "urgent" ? "filled" : "light"}
                        >
                          {t(priorityKey(ticket.priority))}
                        </Badge>
                        {ticket.dueAt && (
                          <Text size="xs" c={overdue ? "red.9" : "dark.4"} fw={overdue ? 700 : 400}>
                            {overdue
                              ? t("ticket.overdue", { time: dateTime(ticket.dueAt) })
                              : t("ticket.due", { time: dateTime(ticket.dueAt) })}
                          </Text>
                        )}
                        {ticket.assigneeId && (
                          <Text size="xs" c="dark.4">
                            → {agentName(agents.data?.items, ticket.assigneeId)}
                          </Text>
                        )}
                        {ticket.tags.slice(0, 3).map((tag) => (
                          <Badge key={tag} size="xs" variant="outline" color="gray">
                            {tag}
                          </Badge>
                        ))}
                      </Group>
                    </Box>
                  </Group>
                </Box>
              );
            })}
          </Box>
          {tickets.hasNextPage && (
            <Group justify="center" p="sm">
              <Button variant="default" size="xs" loading={tickets.isFetchingNextPage} onClick={() => void tickets.fetchNextPage()}>
                {t("inbox.more")}
              </Button>
            </Group>
          )}
        </Paper>
      )}
      <VisuallyHidden aria-live="polite">{tickets.isFetching ? "" : t("views.count", { count: rows.length })}</VisuallyHidden>
      <Modal opened={saveOpen} onClose={() => setSaveOpen(false)} title={t("views.save")}>
        <form onSubmit={saveView}>
          <Stack>
            <TextInput name="name" label={t("views.name")} required data-autofocus />
            {session.agent.role !== "agent" && session.agent.role !== "light_agent" && <Switch name="shared" label={t("views.shared")} />}
            <Button type="submit">{t("views.save")}</Button>
          </Stack>
        </form>
      </Modal>
    </Stack>
  );
}

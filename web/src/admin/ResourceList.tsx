import { ActionIcon, Alert, Badge, Button, Group, Loader, Paper, Stack, Switch, Text, Title } from "@mantine/core";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ApiError, del, get, patch } from "../api";
import { useI18n } from "../i18n";
import { useToast } from "../toasts";

interface Item {
  id: string;
  name?: string;
  label?: string;
  position?: number;
  active?: boolean;
}

export interface ResourceListProps<T extends Item> {
  title: string;
  intro: string;
  /** The collection's path under /api/v1, e.g. `/sla/policies`; items live at `${itemPath ?? path}/${id}`. */
  path: string;
  itemPath?: string;
  /** Shown in order, with move up / move down buttons writing `position`. */
  ordered?: boolean;
  newLabel: string;
  summary(item: T): React.ReactNode;
  /** The editor for one item (null: a new one); it calls onDone after saving or cancelling. */
  editor(item: T | null, onDone: () => void): React.ReactNode;
  /** Anything above the list (settings of the whole collection) and below it. */
  header?: React.ReactNode;
  footer?: React.ReactNode;
  /** Other cached queries that show these items (e.g. the ticket page's macro menu). */
  alsoRefresh?: string[][];
  /** How an item is named in its card and buttons (default: its name or label). */
  nameOf?(item: T): string;
}

export const listKey = (path: string) => ["admin", path];

/**
 * The shape every admin screen shares: a list of cards (readable at 375 px,
 * unlike a wide table), each with edit, active, reorder and delete, and an
 * editor that takes the list's place while open.
 */
export function ResourceList<T extends Item>(props: ResourceListProps<T>) {
  const { t } = useI18n();
  const toast = useToast();
  const queryClient = useQueryClient();
  const list = useQuery({ queryKey: listKey(props.path), queryFn: () => get<{ items: T[] }>(props.path) });
  const [editing, setEditing] = useState<T | "new" | null>(null);
  const [busy, setBusy] = useState(false);
  const items = list.data?.items ?? [];
  const refresh = async () => {
    for (const queryKey of props.alsoRefresh ?? []) void queryClient.invalidateQueries({ queryKey });
    await queryClient.invalidateQueries({ queryKey: listKey(props.path) });
  };
  const name = (item: T) => props.nameOf?.(item) ?? item.name ?? item.label ?? item.id;
  const itemPath = (item: T) => `${props.itemPath ?? props.path}/${item.id}`;

  async function run(action: () => Promise<unknown>, done: string) {
    setBusy(true);
    try {
      await action();
      toast(done);
    } catch (err) {
      toast(t("error.generic", { message: err instanceof ApiError ? err.message : String(err) }), "red");
    } finally {
      setBusy(false);
      await refresh();
    }
  }

  /** Renumbers the whole list 10, 20, 30… so that equal positions cannot keep two items from swapping. */
  const move = (index: number, by: -1 | 1) =>
    run(async () => {
      const order = [...items];
      const [item] = order.splice(index, 1);
      order.splice(index + by, 0, item!);
      for (const [i, it] of order.entries()) {
        if (it.position !== (i + 1) * 10) await patch(itemPath(it), { position: (i + 1) * 10 });
      }
    }, t("admin.reordered"));

  if (editing) {
    return (
      <>
        {props.editor(editing === "new" ? null : editing, () => {
          setEditing(null);
          void refresh();
        })}
      </>
    );
  }
  return (
    <Stack gap="sm">
      <div>
        <Title order={2} size="h3">
          {props.title}
        </Title>
        <Text size="sm" c="dark.4" mt={4}>
          {props.intro}
        </Text>
      </div>
      {props.header}
      <Group>
        <Button onClick={() => setEditing("new")}>{props.newLabel}</Button>
      </Group>
      {list.isPending && <Loader size="sm" aria-label={t("admin.loading")} />}
      {list.error && <Alert color="red">{list.error instanceof ApiError ? list.error.message : String(list.error)}</Alert>}
      {list.data && items.length === 0 && <Text size="sm">{t("admin.empty")}</Text>}
      <Stack gap="xs" component="ol" style={{ listStyle: "none", padding: 0, margin: 0 }} aria-label={props.title}>
        {items.map((item, index) => (
          <Paper component="li" key={item.id} withBorder p="sm" data-item={name(item)}>
            <Group justify="space-between" align="flex-start" gap="xs" wrap="wrap">
              <Stack gap={4} style={{ minWidth: 0, flex: "1 1 220px" }}>
                <Group gap={6}>
                  {props.ordered && (
                    <Badge variant="outline" color="gray" aria-label={t("admin.position", { n: index + 1 })}>
                      {index + 1}
                    </Badge>
                  )}
                  <Text fw={600} style={{ overflowWrap: "anywhere" }}>
                    {name(item)}
                  </Text>
                  {item.active === false && (
                    <Badge color="gray" variant="light">
                      {t("admin.inactive")}
                    </Badge>
                  )}
                </Group>
                <Text size="sm" c="dark.5" component="div">
                  {props.summary(item)}
                </Text>
              </Stack>
              <Group gap={6} wrap="wrap">
                {item.active !== undefined && (
                  <Switch
                    label={t("admin.active")}
                    checked={item.active}
                    disabled={busy}
                    onChange={(e) => {
                      const active = e.currentTarget.checked;
                      void run(() => patch(itemPath(item), { active }), active ? t("admin.activated") : t("admin.deactivated"));
                    }}
                  />
                )}
                {props.ordered && (
                  <>
                    <ActionIcon
                      variant="default"
                      disabled={busy || index === 0}
                      onClick={() => void move(index, -1)}
                      aria-label={t("admin.moveUp", { name: name(item) })}
                    >
                      ↑
                    </ActionIcon>
                    <ActionIcon
                      variant="default"
                      disabled={busy || index === items.length - 1}
                      onClick={() => void move(index, 1)}
                      aria-label={t("admin.moveDown", { name: name(item) })}
                    >
                      ↓
                    </ActionIcon>
                  </>
                )}
                <Button size="xs" variant="default" onClick={() => setEditing(item)} aria-label={t("admin.editNamed", { name: name(item) })}>
                  {t("admin.edit")}
                </Button>
                <Button
                  size="xs"
                  variant="subtle"
                  color="red" c="red.9"
                  disabled={busy}
                  aria-label={t("admin.deleteNamed", { name: name(item) })}
                  onClick={() => {
                    if (window.confirm(t("admin.confirmDelete", { name: name(item) })))
                      void run(() => del(itemPath(item)), t("admin.deleted", { name: name(item) }));
                  }}
                >
                  {t("admin.delete")}
                </Button>
              </Group>
            </Group>
          </Paper>
        ))}
      </Stack>
      {props.footer}
    </Stack>
  );
}

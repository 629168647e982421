import { Button, Menu } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { ApiError, type Ticket, get, post } from "./api";
import { useI18n } from "./i18n";
import { useToast } from "./toasts";

interface Macro {
  id: string;
  name: string;
  active: boolean;
  deskId: string | null;
}

/** Rules of every kind are readable by their managers; agents get the macros of their desks. Both see only what applies here. */
export const useMacros = () =>
  useQuery({ queryKey: ["macros"], queryFn: () => get<{ items: Macro[] }>("/rules?kind=macro"), staleTime: 60_000 });

/** Applies one of the desk's macros to the ticket, as the agent (the ticket's history says which macro did what). */
export function MacroMenu({ ticket, onApplied }: { ticket: Ticket; onApplied(ticket: Ticket): void }) {
  const { t } = useI18n();
  const toast = useToast();
  const macros = useMacros();
  const list = (macros.data?.items ?? []).filter((m) => m.active && (!m.deskId || m.deskId === ticket.deskId));
  async function apply(macro: Macro) {
    try {
      onApplied(await post<Ticket>(`/tickets/${ticket.id}/macros/${macro.id}`));
      toast(t("macros.applied", { name: macro.name }));
    } catch (err) {
      toast(t("error.generic", { message: err instanceof ApiError ? err.message : String(err) }), "red");
    }
  }
  return (
    <Menu position="bottom-start" withinPortal>
      <Menu.Target>
        <Button size="compact-sm" variant="default">
          {t("macros.apply")}
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        {list.length === 0 && <Menu.Label>{t("macros.none")}</Menu.Label>}
        {list.map((m) => (
          <Menu.Item key={m.id} onClick={() => void apply(m)}>
            {m.name}
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}

import { useQuery } from "@tanstack/react-query";
import type { Agent, Category, CustomField, Desk, Page, Team, View } from "./api";
import { get } from "./api";

/** Directory data, read once and cached: agents, teams, desks and their categories. */
export const useDesks = () => useQuery({ queryKey: ["desks"], queryFn: () => get<{ items: Desk[] }>("/desks"), staleTime: 300_000 });
export const useAgents = () =>
  useQuery({ queryKey: ["agents"], queryFn: () => get<Page<Agent>>("/agents?status=active&limit=100"), staleTime: 300_000 });
export const useTeams = () => useQuery({ queryKey: ["teams"], queryFn: () => get<{ items: Team[] }>("/teams"), staleTime: 300_000 });
export const useCategories = (deskId: string | undefined) =>
  useQuery({
    queryKey: ["categories", deskId],
    queryFn: () => get<{ items: Category[] }>(`/desks/${deskId}/categories`),
    enabled: !!deskId,
    staleTime: 300_000,
  });
export const useCustomFields = (deskId: string | undefined) =>
  useQuery({
    queryKey: ["custom-fields", deskId],
    queryFn: () => get<{ items: CustomField[] }>(`/desks/${deskId}/custom-fields`),
    enabled: !!deskId,
    staleTime: 300_000,
  });
export const useViews = (deskId: string | undefined) =>
  useQuery({ queryKey: ["views", deskId], queryFn: () => get<{ items: View[] }>(`/views?deskId=${deskId}`), enabled: !!deskId });
export const useCounts = (deskId: string | undefined) =>
  useQuery({
    queryKey: ["counts", deskId],
    queryFn: () => get<{ counts: Record<string, number> }>(`/views/counts?deskId=${deskId}`),
    enabled: !!deskId,
    refetchInterval: 60_000,
  });

export function agentName(agents: Agent[] | undefined, id: string | null | undefined): string {
  if (!id) return "";
  return agents?.find((a) => a.id === id)?.name ?? "";
}

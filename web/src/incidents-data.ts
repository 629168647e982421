import { useQuery } from "@tanstack/react-query";
import { get } from "./api";

export const INCIDENT_SEVERITIES = ["minor", "major", "critical"] as const;
export const INCIDENT_STATUSES = ["open", "monitoring", "resolved"] as const;

/** GET /incidents/:id — one problem for many fans. */
export interface Incident {
  id: string;
  title: string;
  description: string;
  status: (typeof INCIDENT_STATUSES)[number];
  severity: (typeof INCIDENT_SEVERITIES)[number];
  deskId: string | null;
  startedAt: string;
  resolvedAt: string | null;
  tickets: number;
  unsolved: number;
}

/** The live incidents, for the navigation's count (kept out of the lazily loaded incidents screen). */
export const useActiveIncidents = () =>
  useQuery({ queryKey: ["incidents", "active"], queryFn: () => get<{ items: Incident[] }>("/incidents"), refetchInterval: 60_000 });

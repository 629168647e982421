import { DomainError } from "../../platform/errors";
import type { TicketStatus } from "./schema";

/**
 * The ticket lifecycle. `closed` is final (a fan writing again opens a
 * follow-up ticket); `new` is only ever the first status.
 */
const NEXT: Record<TicketStatus, readonly TicketStatus[]> = {
  new: ["open", "pending", "on_hold", "solved"],
  open: ["pending", "on_hold", "solved"],
  pending: ["open", "on_hold", "solved"],
  on_hold: ["open", "pending", "solved"],
  solved: ["open", "pending", "on_hold", "closed"],
  closed: [],
};

export function canTransition(from: TicketStatus, to: TicketStatus): boolean {
  return from === to || NEXT[from].includes(to);
}

export function assertTransition(from: TicketStatus, to: TicketStatus): void {
  if (!canTransition(from, to)) {
    throw new DomainError("ticket.invalid_transition", `A ${from.replace("_", " ")} ticket cannot become ${to.replace("_", " ")}`, {
      from,
      to,
      allowed: NEXT[from],
    });
  }
}

export const isUnsolved = (status: TicketStatus) => status === "new" || status === "open" || status === "pending" || status === "on_hold";

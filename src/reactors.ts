import type { Reactor } from "./modules/activity/reactors";
import { priorityReactor } from "./modules/priority/service";
import { routingReactor } from "./modules/routing/service";
import { ruleTriggers } from "./modules/rules/service";
import { ruleWebhooks } from "./modules/rules/webhook";
import { slaReactors } from "./modules/sla/reactors";
import { ticketReactors } from "./modules/tickets/reactors";
import { realtimeReactors } from "./modules/realtime/reactors";
import { channelReactors } from "./modules/channels/delivery";
import { notificationReactor } from "./modules/notifications/reactor";
import { incidentBroadcast } from "./modules/incidents/reactor";
import { feedbackReactors } from "./modules/feedback/service";

/**
 * Every reactor in Usher. Writers consult this to enqueue; workers run it.
 * Inline reactors run in this order: priority first (rules may look at it),
 * then rules, then routing (a rule may have assigned already), then the SLA
 * clocks, which read the ticket as all of them left it; real-time notices
 * last, so agents hear of the ticket as it commits. Replies go out on their
 * channel from a queued reactor, after commit.
 */
export const allReactors: readonly Reactor[] = [
  ...ticketReactors,
  priorityReactor,
  ruleTriggers,
  routingReactor,
  ruleWebhooks,
  ...slaReactors,
  ...realtimeReactors,
  ...channelReactors,
  notificationReactor,
  incidentBroadcast,
  ...feedbackReactors,
];

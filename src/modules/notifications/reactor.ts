import type { Reactor } from "../activity/reactors";
import { NOTIFYING_TYPES, notifies, notifyFromActivity } from "./service";

/**
 * Tells agents what concerns them, after the change commits (queued: an
 * e-mail server that is slow never holds up a reply). The receipt makes each
 * activity notify once; the unique (agent, activity) row makes it once per
 * agent even if a retry gets that far again.
 */
export const notificationReactor: Reactor = {
  name: "notifications.deliver",
  on: NOTIFYING_TYPES,
  accepts: notifies,
  async handle(ctx, activity) {
    await notifyFromActivity(ctx, activity);
  },
};

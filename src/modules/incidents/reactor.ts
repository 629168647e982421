import type { Reactor } from "../activity/reactors";
import { type IncidentUpdate, deliverIncidentUpdate } from "./service";

/** Posts an incident's update on every affected ticket, after the update commits. */
export const incidentBroadcast: Reactor = {
  name: "incidents.broadcast",
  on: ["incident.update_posted"],
  async handle(ctx, activity) {
    await deliverIncidentUpdate(ctx, activity.subjectId, activity.data as unknown as IncidentUpdate);
  },
};

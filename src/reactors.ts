import type { Reactor } from "./modules/activity/reactors";
import { ticketReactors } from "./modules/tickets/reactors";
import { channelReactors } from "./modules/channels/delivery";

/** Every reactor in Usher. Writers consult this to enqueue; workers run it. */
export const allReactors: readonly Reactor[] = [...ticketReactors, ...channelReactors];

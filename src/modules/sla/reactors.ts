import "./defaults";
import { slaClocks } from "./clocks";
import { slaCalendarChanged } from "./recompute";

export const slaReactors = [slaClocks, slaCalendarChanged];

// The commands on existing objects, each telling what it did.

import type { Context } from "../app";
import type { ActivityVerb } from "../api";

export function acknowledge(context: Context, conflict: string): Promise<boolean> {
  return context.run(async () => {
    await context.api.acknowledge(conflict);
    return `Conflict ${conflict} acknowledged`;
  });
}

export function acknowledgeAlert(context: Context, alert: string): Promise<boolean> {
  return context.run(async () => {
    await context.api.acknowledgeAlert(alert);
    return `Alert ${alert} acknowledged`;
  });
}

export function acknowledgeStop(context: Context, stop: string): Promise<boolean> {
  return context.run(async () => {
    await context.api.acknowledgeStop(stop);
    return `Check fire ${stop} acknowledged`;
  });
}

const DONE: Record<ActivityVerb, string> = {
  clear: "cleared",
  hold: "held",
  deny: "denied",
  start: "started",
  complete: "completed",
  cancel: "cancelled",
};

export function act(context: Context, activity: string, verb: ActivityVerb, reason?: string): Promise<boolean> {
  return context.run(async () => {
    const after = await context.api.act(activity, verb, reason);
    return `Activity ${activity} ${DONE[verb]} (now ${after.state})`;
  });
}

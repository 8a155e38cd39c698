// The commands on existing objects, each telling what it did.

import type { Context } from "../app";
import type { ActivityVerb } from "../api";
import { t, term } from "../i18n";

export function acknowledge(context: Context, conflict: string): Promise<boolean> {
  return context.run(async () => {
    await context.api.acknowledge(conflict);
    return t("actions.conflict_acknowledged", { id: conflict });
  });
}

export function acknowledgeAlert(context: Context, alert: string): Promise<boolean> {
  return context.run(async () => {
    await context.api.acknowledgeAlert(alert);
    return t("actions.alert_acknowledged", { id: alert });
  });
}

export function acknowledgeStop(context: Context, stop: string): Promise<boolean> {
  return context.run(async () => {
    await context.api.acknowledgeStop(stop);
    return t("actions.stop_acknowledged", { id: stop });
  });
}

export function act(context: Context, activity: string, verb: ActivityVerb, reason?: string): Promise<boolean> {
  return context.run(async () => {
    const after = await context.api.act(activity, verb, reason);
    return t("actions.activity_done", { id: activity, done: term("done", verb), state: term("activity_state", after.state) });
  });
}

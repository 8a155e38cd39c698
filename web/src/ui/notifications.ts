// Notifications: what asks for attention now. What stands for the party
// comes first, red: its alerts (a unit inside a live hazard, an attack near
// its units) until one of its operators acknowledges them, its escalated
// notifications, the stops over its activities; the service keeps them
// (`GET /v1/alerts`), so they are the same after a reload and on every
// device. Then the conflicts the party has not acknowledged, from the live
// picture; the coordinator also sees every held activity (its decisions
// first) and every conflict still awaiting a side. Below them, the latest
// events of the stream.

import type { Context } from "../app";
import { box, notice, period, relative, utc, words } from "../format";
import { type ConsoleState, type Selection, canApprove, canOperate, ownSide } from "../store";
import type { Activity, Conflict, ServiceEvent, Side, Standing, UrgentEvent } from "../types";
import { acknowledge, acknowledgeAlert, acknowledgeStop } from "./actions";
import { h, replace } from "./dom";

/** How many things wait for this party: unacknowledged conflicts, alerts and escalations. */
export function unattended(state: ConsoleState): number {
  return toAcknowledge(state).length + standing(state).length;
}

/** One standing thing as the card shows it, and the alert's id when it is one. */
interface Urgent {
  event: UrgentEvent;
  alert: string | null;
}

/** What stands for the party, most urgent first: new alerts, escalations, stops it has yet to acknowledge. */
function standing(state: ConsoleState): Urgent[] {
  const { alerts, escalations, stops }: Standing = state.standing;
  const out: Urgent[] = [];
  for (const a of [...alerts].reverse()) {
    if (a.state !== "new") continue;
    const event = { type: "alert", seq: entryOf(a.id), time: a.raised_at, ...a.alert } as UrgentEvent;
    out.push({ event, alert: a.id });
  }
  for (const e of escalations) {
    const event: UrgentEvent = { type: "escalation", seq: 0, time: e.conflict.opened_at, ...e };
    out.push({ event, alert: null });
  }
  for (const stop of stops) {
    if (stop.acknowledged === false) {
      out.push({ event: { type: "stop", seq: 0, time: stop.raised, change: "held", stop }, alert: null });
    }
  }
  return out;
}

/** The entry an alert id (`alr_<entry>_<index>`) names. */
function entryOf(id: string): number {
  return Number(id.split("_")[1] ?? 0);
}

function toAcknowledge(state: ConsoleState): Conflict[] {
  return state.live.conflicts.filter((c) => pendingForMe(state, c));
}

/** Whether the party's own side of a conflict still has to acknowledge it. */
function pendingForMe(state: ConsoleState, c: Conflict): boolean {
  const side = ownSide(state, c);
  return c.state === "open" && side !== null && side.notification?.state !== "acknowledged";
}

function awaitingSides(state: ConsoleState): Conflict[] {
  return state.live.conflicts.filter(
    (c) => c.state === "open" && c.sides.some((s) => s.notification && !s.notification.acknowledged),
  );
}

function held(state: ConsoleState): Activity[] {
  return state.live.activities.filter((a) => a.state === "held");
}

export function notificationsPanel(context: Context): HTMLElement {
  const panel = h("section", { "aria-label": "Notifications" });
  context.store.subscribe((state) => {
    const sections: HTMLElement[] = [];
    const urgent = standing(state);
    if (urgent.length) {
      sections.push(
        h("h2", { class: "urgent-heading" }, `Alerts and escalations (${urgent.length})`),
        h("ul", { class: "cards", "data-testid": "urgent" }, ...urgent.map((u) => urgentCard(context, state, u))),
      );
    }
    const mine = toAcknowledge(state);
    sections.push(
      h("h2", {}, "Needs your acknowledgement"),
      mine.length
        ? h("ul", { class: "cards" }, ...mine.map((c) => conflictCard(context, state, c, true)))
        : h("p", { class: "quiet" }, "Nothing waits for your acknowledgement."),
    );
    if (state.identity.coordinator) {
      const waiting = awaitingSides(state);
      const decisions = held(state);
      sections.push(
        h("h2", {}, "Held activities"),
        decisions.length
          ? h("ul", { class: "cards" }, ...decisions.map((a) => heldCard(context, a)))
          : h("p", { class: "quiet" }, "No activity is held."),
        h("h2", {}, "Conflicts awaiting a side"),
        waiting.length
          ? h("ul", { class: "cards" }, ...waiting.map((c) => conflictCard(context, state, c, false)))
          : h("p", { class: "quiet" }, "Every open conflict is acknowledged by both sides."),
      );
    }
    sections.push(
      h("h2", {}, "Latest events"),
      state.events.length
        ? h("ol", { class: "events", "data-testid": "events" }, ...state.events.map((e) => eventRow(context, state, e)))
        : h(
            "p",
            { class: "quiet" },
            state.streaming
              ? "No event since you signed in."
              : "Connecting to the event stream; meanwhile the console refreshes every 15 seconds.",
          ),
    );
    replace(panel, ...sections);
  });
  return panel;
}

function conflictCard(context: Context, state: ConsoleState, c: Conflict, mine: boolean): HTMLElement {
  const [own, other] = c.sides;
  const unacknowledged = mine || c.sides.some((s) => !s.notification?.acknowledged);
  const title = mine
    ? `Your ${words(own.kind ?? "object")} meets ${otherSide(other)}`
    : `${own.party ?? "?"} ${words(own.kind ?? "")} × ${other.party ?? "?"} ${words(other.kind ?? "")}`;
  const when = c.overlap ? `${utc(c.overlap.from)} (${relative(c.overlap.from)})` : "window withheld";
  const states = c.sides.map((s) => `${s.party ?? "other side"}: ${notice(s)}`).join(" · ");
  return h(
    "li",
    { class: `card${unacknowledged ? " attention" : ""}`, "data-conflict": c.id },
    h("strong", {}, title),
    h("span", {}, `Conflict ${c.id} · from ${when}`),
    h("span", { class: "quiet" }, states),
    h(
      "div",
      { class: "actions" },
      showButton(context, { type: "conflict", id: c.id }),
      mine && canOperate(state) ? acknowledgeButton(context, c.id) : null,
    ),
  );
}

function heldCard(context: Context, a: Activity): HTMLElement {
  return h(
    "li",
    { class: "card attention", "data-activity": a.id },
    h("strong", {}, a.label),
    h("span", {}, `${a.owner} · ${words(a.kind)} · from ${utc(a.start)} (${relative(a.start)})`),
    h(
      "div",
      { class: "actions" },
      h("button", { type: "button", onclick: () => context.select({ type: "activity", id: a.id }) }, "Decide"),
    ),
  );
}

/**
 * An alert, escalation or stop: what it is about and what can be done. An
 * alert is acknowledged for the party (a logged act), an escalation by
 * acknowledging its conflict, a stop by acknowledging it.
 */
function urgentCard(context: Context, state: ConsoleState, { event, alert }: Urgent): HTMLElement {
  let title: string;
  let detail: string;
  let subject: Selection | null = null;
  const actions: (HTMLElement | null)[] = [];
  if (event.type === "stop") {
    const s = event.stop;
    const held = s.held.length === 1 ? "1 of your activities is" : `${s.held.length} of your activities are`;
    title = s.detail
      ? `Check fire ${s.id} (${words(s.cause)}): ${s.held_count ?? "an undisclosed number of"} activities held`
      : `Check fire (${words(s.cause)}): ${held} held`;
    detail = `Stop ${s.id} · ${s.state} · until ${utc(s.until)}`;
    if (s.held[0]) {
      subject = { type: "activity", id: s.held[0] };
      actions.push(showButton(context, subject));
    }
    if (s.acknowledged === false && (canOperate(state) || canApprove(state))) {
      actions.push(
        h(
          "button",
          { type: "button", class: "primary", "data-action": "acknowledge-stop", onclick: () => void acknowledgeStop(context, s.id) },
          "Acknowledge",
        ),
      );
    }
  } else if ("conflict" in event) {
    const c = state.live.conflicts.find((x) => x.id === event.conflict.id) ?? event.conflict;
    subject = { type: "conflict", id: c.id };
    const own = ownSide(state, c);
    if (event.type === "alert") {
      title = own
        ? `Alert: your ${words(own.kind ?? "unit")} is within ${otherSide(c.sides[1])}`
        : `Alert: ${sideName(c.sides[0])} within ${sideName(c.sides[1])}`;
    } else {
      title =
        event.party === state.identity.party
          ? `Escalation ${event.level}: conflict ${c.id} is still not acknowledged`
          : `Escalation ${event.level}: ${event.party} has not acknowledged conflict ${c.id}`;
    }
    detail = `Conflict ${c.id} · ${c.state} · ${c.overlap ? `from ${utc(c.overlap.from)} (${relative(c.overlap.from)})` : "window withheld"}`;
    actions.push(showButton(context, subject), pendingForMe(state, c) && canOperate(state) ? acknowledgeButton(context, c.id) : null);
  } else if ("incident" in event) {
    const i = event.incident;
    subject = { type: "incident", id: i.id };
    title = `Alert: ${words(i.kind)} reported near your units`;
    detail = `Incident ${i.id} · ${period(i.window.from, i.window.to)}`;
    actions.push(showButton(context, subject));
  } else if ("attack" in event) {
    const { area } = event.attack;
    title = "Alert: an attack was reported near your units";
    detail = `${period(event.attack.from, event.attack.to)} · roughly within ${box(area.bbox)}`;
    actions.push(h("button", { type: "button", onclick: () => context.map.layers.focusArea(area) }, "Show on map"));
  } else {
    subject = event.activity_id ? { type: "activity", id: event.activity_id } : { type: "declaration", id: event.declaration_id };
    title = "Alert: an activity is planned where a lost unit was last assumed";
    detail = `Unit ${event.declaration_id}${event.activity_id ? ` · activity ${event.activity_id}` : ""}`;
    actions.push(showButton(context, subject));
  }
  if (alert !== null && (canOperate(state) || canApprove(state))) {
    actions.push(
      h(
        "button",
        { type: "button", class: "primary", "data-action": "acknowledge-alert", onclick: () => void acknowledgeAlert(context, alert) },
        "Acknowledge alert",
      ),
    );
  }
  return h(
    "li",
    { class: "card urgent", "data-urgent": event.type, "data-subject": subject?.id ?? null, "data-alert": alert },
    h("strong", {}, title),
    h("span", {}, detail),
    h("span", { class: "quiet" }, event.seq ? `Raised ${utc(event.time)} (#${event.seq})` : `Since ${utc(event.time)}`),
    h("div", { class: "actions" }, ...actions),
  );
}

/** One event, in words, with a way to show what it is about. */
function eventRow(context: Context, state: ConsoleState, event: ServiceEvent): HTMLElement {
  const [text, subject] = describe(state, event);
  return h(
    "li",
    { class: `event${event.type === "alert" || event.type === "escalation" || event.type === "stop" ? " urgent" : ""}`, "data-event": event.type },
    h("strong", {}, text),
    h("span", { class: "quiet" }, ` #${event.seq} · ${utc(event.time)}`),
    subject
      ? h("button", { type: "button", class: "link", onclick: () => context.select(subject) }, "show")
      : null,
  );
}

function describe(state: ConsoleState, event: ServiceEvent): [string, Selection | null] {
  switch (event.type) {
    case "conflict":
      return [`Conflict ${event.conflict.id} ${event.change}`, { type: "conflict", id: event.conflict.id }];
    case "alert":
      if ("conflict" in event) return [`Alert: conflict ${event.conflict.id}`, { type: "conflict", id: event.conflict.id }];
      if ("incident" in event) return [`Alert: incident ${event.incident.id}`, { type: "incident", id: event.incident.id }];
      if ("attack" in event) return ["Alert: an attack nearby", null];
      return [`Alert: lost unit ${event.declaration_id}`, { type: "declaration", id: event.declaration_id }];
    case "escalation":
      return [
        `Escalation ${event.level}: ${event.party}, conflict ${event.conflict.id}`,
        { type: "conflict", id: event.conflict.id },
      ];
    case "activity":
      return [`Activity ${event.activity.label}: ${event.change}`, { type: "activity", id: event.activity.id }];
    case "incident":
      return [
        event.change === "reported"
          ? `Incident reported: ${words(event.incident.kind)}`
          : `Incident ${event.incident.id} now ${words(event.incident.status)}`,
        { type: "incident", id: event.incident.id },
      ];
    case "notification":
      return [`Conflict ${event.conflict.id} ${event.change} by ${event.by}`, { type: "conflict", id: event.conflict.id }];
    case "stop":
      return [
        `Check fire ${event.stop.id} ${event.change} (${words(event.stop.cause)})`,
        event.stop.held[0] ? { type: "activity", id: event.stop.held[0] } : null,
      ];
    case "site":
      return [
        `${event.declaration.label}: ${words(event.change)}${event.challenge?.ruling ? ` (${words(event.challenge.ruling)})` : ""}`,
        { type: "declaration", id: event.declaration.id },
      ];
    case "rule":
      return [`Rule ${event.rule.name} v${event.rule.version} set: ${event.rule.rule?.type ?? "rescinded"}`, null];
    case "stale": {
      const unit = state.live.declarations.find((d) => d.id === event.declaration_id);
      return [
        `Track stale: ${unit?.label ?? event.declaration_id}, may be within ${Math.round(event.stale_buffer_m)} m`,
        { type: "declaration", id: event.declaration_id },
      ];
    }
  }
}

/** The other side of a conflict, as the party is told of it. */
function otherSide(side: Side): string {
  if (side.view === "coordinator_only") return "an object the coordinator will tell you about";
  const what = `${side.disputed ? "disputed " : ""}${words(side.kind ?? "object")}`;
  return side.party ? `${side.party}'s ${what}` : `another party's ${what}`;
}

function sideName(side: Side): string {
  return side.view === "coordinator_only" ? "an undisclosed object" : `${side.party ?? "?"} ${words(side.kind ?? "")}`;
}

function showButton(context: Context, selection: Selection): HTMLElement {
  return h("button", { type: "button", onclick: () => context.select(selection) }, "Show");
}

function acknowledgeButton(context: Context, conflict: string): HTMLElement {
  return h(
    "button",
    { type: "button", class: "primary", "data-action": "acknowledge", onclick: () => void acknowledge(context, conflict) },
    "Acknowledge",
  );
}

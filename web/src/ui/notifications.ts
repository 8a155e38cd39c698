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
import { box, notice, period, relative, utc } from "../format";
import { t, term } from "../i18n";
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
  const panel = h("section", { "aria-label": t("notifications.label") });
  context.store.subscribe((state) => {
    const sections: HTMLElement[] = [];
    const urgent = standing(state);
    if (urgent.length) {
      sections.push(
        h("h2", { class: "urgent-heading" }, t("notifications.urgent", { count: urgent.length })),
        h("ul", { class: "cards", "data-testid": "urgent" }, ...urgent.map((u) => urgentCard(context, state, u))),
      );
    }
    const mine = toAcknowledge(state);
    sections.push(
      h("h2", {}, t("notifications.mine")),
      mine.length
        ? h("ul", { class: "cards" }, ...mine.map((c) => conflictCard(context, state, c, true)))
        : h("p", { class: "quiet" }, t("notifications.mine_none")),
    );
    if (state.identity.coordinator) {
      const waiting = awaitingSides(state);
      const decisions = held(state);
      sections.push(
        h("h2", {}, t("notifications.held")),
        decisions.length
          ? h("ul", { class: "cards" }, ...decisions.map((a) => heldCard(context, a)))
          : h("p", { class: "quiet" }, t("notifications.held_none")),
        h("h2", {}, t("notifications.awaiting")),
        waiting.length
          ? h("ul", { class: "cards" }, ...waiting.map((c) => conflictCard(context, state, c, false)))
          : h("p", { class: "quiet" }, t("notifications.awaiting_none")),
      );
    }
    sections.push(
      h("h2", {}, t("notifications.latest")),
      state.events.length
        ? h("ol", { class: "events", "data-testid": "events" }, ...state.events.map((e) => eventRow(context, state, e)))
        : h(
            "p",
            { class: "quiet" },
            state.streaming ? t("notifications.no_event") : t("notifications.connecting"),
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
    ? t("notifications.your_meets", { kind: term("kind", own.kind ?? "object"), other: otherSide(other) })
    : t("notifications.sides", {
        party_a: own.party ?? "?",
        kind_a: term("kind", own.kind ?? ""),
        party_b: other.party ?? "?",
        kind_b: term("kind", other.kind ?? ""),
      });
  const when = c.overlap ? `${utc(c.overlap.from)} (${relative(c.overlap.from)})` : t("notifications.window_withheld");
  const states = c.sides
    .map((s) => t("notifications.side_state", { party: s.party ?? t("notifications.other_side"), state: notice(s) }))
    .join(" · ");
  return h(
    "li",
    { class: `card${unacknowledged ? " attention" : ""}`, "data-conflict": c.id },
    h("strong", {}, title),
    h("span", {}, t("notifications.conflict_from", { id: c.id, when })),
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
    h("span", {}, t("notifications.held_card", { owner: a.owner, kind: term("kind", a.kind), when: `${utc(a.start)} (${relative(a.start)})` })),
    h(
      "div",
      { class: "actions" },
      h("button", { type: "button", onclick: () => context.select({ type: "activity", id: a.id }) }, t("notifications.decide")),
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
    const cause = term("cause", s.cause);
    title = !s.detail
      ? t("notifications.stop_title", { cause, count: s.held.length })
      : s.held_count === undefined
        ? t("notifications.stop_title_undisclosed", { id: s.id, cause })
        : t("notifications.stop_title_detail", { id: s.id, cause, count: s.held_count });
    detail = t("notifications.stop_detail", { id: s.id, state: term("stop_state", s.state), until: utc(s.until) });
    if (s.held[0]) {
      subject = { type: "activity", id: s.held[0] };
      actions.push(showButton(context, subject));
    }
    if (s.acknowledged === false && (canOperate(state) || canApprove(state))) {
      actions.push(
        h(
          "button",
          { type: "button", class: "primary", "data-action": "acknowledge-stop", onclick: () => void acknowledgeStop(context, s.id) },
          t("notifications.acknowledge"),
        ),
      );
    }
  } else if ("conflict" in event) {
    const c = state.live.conflicts.find((x) => x.id === event.conflict.id) ?? event.conflict;
    subject = { type: "conflict", id: c.id };
    const own = ownSide(state, c);
    if (event.type === "alert") {
      title = own
        ? t("notifications.alert_own", { kind: term("kind", own.kind ?? "unit"), other: otherSide(c.sides[1]) })
        : t("notifications.alert_sides", { a: sideName(c.sides[0]), b: sideName(c.sides[1]) });
    } else {
      title =
        event.party === state.identity.party
          ? t("notifications.escalation_own", { level: event.level, id: c.id })
          : t("notifications.escalation_other", { level: event.level, party: event.party, id: c.id });
    }
    const when = c.overlap
      ? t("notifications.from_when", { time: utc(c.overlap.from), relative: relative(c.overlap.from) })
      : t("notifications.window_withheld");
    detail = t("notifications.conflict_detail", { id: c.id, state: term("conflict_state", c.state), when });
    actions.push(showButton(context, subject), pendingForMe(state, c) && canOperate(state) ? acknowledgeButton(context, c.id) : null);
  } else if ("incident" in event) {
    const i = event.incident;
    subject = { type: "incident", id: i.id };
    title = t("notifications.alert_incident", { kind: term("incident_kind", i.kind) });
    detail = t("notifications.incident_detail", { id: i.id, period: period(i.window.from, i.window.to) });
    actions.push(showButton(context, subject));
  } else if ("attack" in event) {
    const { area } = event.attack;
    title = t("notifications.alert_attack");
    detail = t("notifications.attack_detail", { period: period(event.attack.from, event.attack.to), box: box(area.bbox) });
    actions.push(h("button", { type: "button", onclick: () => context.map.layers.focusArea(area) }, t("notifications.show_on_map")));
  } else {
    subject = event.activity_id ? { type: "activity", id: event.activity_id } : { type: "declaration", id: event.declaration_id };
    title = t("notifications.alert_lost");
    detail = event.activity_id
      ? t("notifications.lost_detail_activity", { unit: event.declaration_id, activity: event.activity_id })
      : t("notifications.lost_detail", { unit: event.declaration_id });
    actions.push(showButton(context, subject));
  }
  if (alert !== null && (canOperate(state) || canApprove(state))) {
    actions.push(
      h(
        "button",
        { type: "button", class: "primary", "data-action": "acknowledge-alert", onclick: () => void acknowledgeAlert(context, alert) },
        t("notifications.acknowledge_alert"),
      ),
    );
  }
  return h(
    "li",
    { class: "card urgent", "data-urgent": event.type, "data-subject": subject?.id ?? null, "data-alert": alert },
    h("strong", {}, title),
    h("span", {}, detail),
    h(
      "span",
      { class: "quiet" },
      event.seq ? t("notifications.raised", { time: utc(event.time), seq: event.seq }) : t("notifications.since", { time: utc(event.time) }),
    ),
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
    h("span", { class: "quiet" }, " ", t("event.meta", { seq: event.seq, time: utc(event.time) })),
    subject
      ? h("button", { type: "button", class: "link", onclick: () => context.select(subject) }, t("notifications.show_link"))
      : null,
  );
}

function describe(state: ConsoleState, event: ServiceEvent): [string, Selection | null] {
  switch (event.type) {
    case "conflict":
      return [
        t("event.conflict", { id: event.conflict.id, change: term("conflict_change", event.change) }),
        { type: "conflict", id: event.conflict.id },
      ];
    case "alert":
      if ("conflict" in event) return [t("event.alert_conflict", { id: event.conflict.id }), { type: "conflict", id: event.conflict.id }];
      if ("incident" in event) return [t("event.alert_incident", { id: event.incident.id }), { type: "incident", id: event.incident.id }];
      if ("attack" in event) return [t("event.alert_attack"), null];
      return [t("event.alert_lost", { id: event.declaration_id }), { type: "declaration", id: event.declaration_id }];
    case "escalation":
      return [
        t("event.escalation", { level: event.level, party: event.party, id: event.conflict.id }),
        { type: "conflict", id: event.conflict.id },
      ];
    case "activity":
      return [
        t("event.activity", { label: event.activity.label, change: term("activity_state", event.change) }),
        { type: "activity", id: event.activity.id },
      ];
    case "incident":
      return [
        event.change === "reported"
          ? t("event.incident_reported", { kind: term("incident_kind", event.incident.kind) })
          : t("event.incident_status", { id: event.incident.id, status: term("incident_status", event.incident.status) }),
        { type: "incident", id: event.incident.id },
      ];
    case "notification":
      return [
        t("event.notification", { id: event.conflict.id, change: term("notification_state", event.change), by: event.by }),
        { type: "conflict", id: event.conflict.id },
      ];
    case "stop":
      return [
        t("event.stop", { id: event.stop.id, change: term("stop_change", event.change), cause: term("cause", event.stop.cause) }),
        event.stop.held[0] ? { type: "activity", id: event.stop.held[0] } : null,
      ];
    case "site": {
      const ruling = event.challenge?.ruling;
      const change = term("site_change", event.change);
      return [
        ruling
          ? t("event.site_ruled", { label: event.declaration.label, change, ruling: term("ruling", ruling) })
          : t("event.site", { label: event.declaration.label, change }),
        { type: "declaration", id: event.declaration.id },
      ];
    }
    case "rule": {
      const type = event.rule.rule ? term("rule_type", event.rule.rule.type) : t("event.rule_rescinded");
      return [t("event.rule", { name: event.rule.name, version: event.rule.version, type }), null];
    }
    case "stale": {
      const unit = state.live.declarations.find((d) => d.id === event.declaration_id);
      return [
        t("event.stale", { unit: unit?.label ?? event.declaration_id, metres: Math.round(event.stale_buffer_m) }),
        { type: "declaration", id: event.declaration_id },
      ];
    }
  }
}

/** The other side of a conflict, as the party is told of it. */
function otherSide(side: Side): string {
  if (side.view === "coordinator_only") return t("notifications.object_coordinator");
  const kind = term("kind", side.kind ?? "object");
  const what = side.disputed ? t("notifications.disputed_object", { kind }) : kind;
  return side.party ? t("notifications.party_object", { party: side.party, what }) : t("notifications.another_party_object", { what });
}

function sideName(side: Side): string {
  return side.view === "coordinator_only"
    ? t("notifications.undisclosed_object")
    : `${side.party ?? "?"} ${term("kind", side.kind ?? "")}`;
}

function showButton(context: Context, selection: Selection): HTMLElement {
  return h("button", { type: "button", onclick: () => context.select(selection) }, t("notifications.show"));
}

function acknowledgeButton(context: Context, conflict: string): HTMLElement {
  return h(
    "button",
    { type: "button", class: "primary", "data-action": "acknowledge", onclick: () => void acknowledge(context, conflict) },
    t("notifications.acknowledge"),
  );
}

// Notifications: what asks for attention now, always from the live picture.
// Conflicts the party has not acknowledged stand out first; escalations and
// alerts from the event stream are marked urgent; the coordinator also sees
// every conflict still awaiting a side and every held activity. Below them,
// the latest events of the stream.

import type { Context } from "../app";
import { relative, utc, words } from "../format";
import { type ConsoleState, type StreamEvent, canOperate, ownSide } from "../store";
import type { Activity, Conflict } from "../types";
import { acknowledge } from "./actions";
import { h, replace } from "./dom";

/** How many things wait for this party: unacknowledged conflicts and escalations. */
export function unattended(state: ConsoleState): number {
  return toAcknowledge(state).length + state.events.filter(urgent).length;
}

function toAcknowledge(state: ConsoleState): Conflict[] {
  return state.live.conflicts.filter((c) => {
    const side = ownSide(state, c);
    return c.state === "open" && side !== null && side.notification?.state !== "acknowledged";
  });
}

function awaitingSides(state: ConsoleState): Conflict[] {
  return state.live.conflicts.filter(
    (c) => c.state === "open" && c.sides.some((s) => s.notification && s.notification.state !== "acknowledged"),
  );
}

function held(state: ConsoleState): Activity[] {
  return state.live.activities.filter((a) => a.state === "held");
}

function urgent(event: StreamEvent): boolean {
  return /escalat|alert/.test(event.type);
}

export function notificationsPanel(context: Context): HTMLElement {
  const panel = h("section", { "aria-label": "Notifications" });
  context.store.subscribe((state) => {
    const mine = toAcknowledge(state);
    const sections = [
      h("h2", {}, "Needs your acknowledgement"),
      mine.length
        ? h("ul", { class: "cards" }, ...mine.map((c) => conflictCard(context, state, c, true)))
        : h("p", { class: "quiet" }, "Nothing waits for your acknowledgement."),
    ];
    const escalations = state.events.filter(urgent);
    if (escalations.length) {
      sections.push(h("h2", {}, "Escalations and alerts"), h("ul", { class: "cards" }, ...escalations.map(eventCard)));
    }
    if (state.identity.coordinator) {
      const waiting = awaitingSides(state);
      const decisions = held(state);
      sections.push(
        h("h2", {}, "Conflicts awaiting a side"),
        waiting.length
          ? h("ul", { class: "cards" }, ...waiting.map((c) => conflictCard(context, state, c, false)))
          : h("p", { class: "quiet" }, "Every open conflict is acknowledged by both sides."),
        h("h2", {}, "Held activities"),
        decisions.length
          ? h("ul", { class: "cards" }, ...decisions.map((a) => heldCard(context, a)))
          : h("p", { class: "quiet" }, "No activity is held."),
      );
    }
    sections.push(
      h("h2", {}, "Latest events"),
      state.streaming || state.events.length
        ? h("ol", { class: "events", "data-testid": "events" }, ...state.events.map(eventCard))
        : h("p", { class: "quiet" }, "The service offers no event stream; the console refreshes every 15 seconds."),
    );
    replace(panel, ...sections);
  });
  return panel;
}

function conflictCard(context: Context, state: ConsoleState, c: Conflict, mine: boolean): HTMLElement {
  const [own, other] = c.sides;
  const unacknowledged = mine || c.sides.some((s) => s.notification?.state !== "acknowledged");
  const title = mine
    ? `Your ${words(own.kind ?? "object")} meets ${other.view === "coordinator_only" ? "an object the coordinator will tell you about" : `another party's ${words(other.kind ?? "object")}`}`
    : `${own.party ?? "?"} ${words(own.kind ?? "")} × ${other.party ?? "?"} ${words(other.kind ?? "")}`;
  const when = c.overlap ? `${utc(c.overlap.from)} (${relative(c.overlap.from)})` : "window withheld";
  const states = c.sides.map((s) => `${s.party ?? "other side"}: ${s.notification?.state ?? "—"}`).join(" · ");
  return h(
    "li",
    { class: `card${unacknowledged ? " attention" : ""}`, "data-conflict": c.id },
    h("strong", {}, title),
    h("span", {}, `Conflict ${c.id} · from ${when}`),
    h("span", { class: "quiet" }, states),
    h(
      "div",
      { class: "actions" },
      h("button", { type: "button", onclick: () => context.select({ type: "conflict", id: c.id }) }, "Show"),
      mine && canOperate(state)
        ? h(
            "button",
            {
              type: "button",
              class: "primary",
              "data-action": "acknowledge",
              onclick: () => void acknowledge(context, c.id),
            },
            "Acknowledge",
          )
        : null,
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

function eventCard(event: StreamEvent): HTMLElement {
  return h(
    "li",
    { class: `event${urgent(event) ? " urgent" : ""}` },
    h("strong", {}, words(event.type)),
    h("span", { class: "quiet" }, ` #${event.seq} · ${utc(event.time)}`),
  );
}

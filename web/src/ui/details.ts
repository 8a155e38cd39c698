// The details of the selected object, above the tabs, with what the
// signed-in role may do to it: acknowledge a conflict; for the coordinator's
// approvers, clear, hold or deny an activity with a reason; for its owner,
// start, complete or cancel it. Escape closes it.

import type { Context } from "../app";
import type { ActivityVerb } from "../api";
import { box, notice, relative, utc, period, words } from "../format";
import { type ConsoleState, canApprove, canOperate, isOwn, ownSide } from "../store";
import type { Activity, Conflict, Declaration, Incident, Side, Track, Tracking } from "../types";
import { act, acknowledge } from "./actions";
import { h, replace } from "./dom";
import { incidentDetails } from "./incidents";

export function detailsPanel(context: Context): HTMLElement {
  const panel = h("section", { class: "details", "aria-label": "Details", "data-testid": "details", tabindex: -1 });
  let shown: unknown[] = [];
  context.store.subscribe((state) => {
    const inputs = [state.selected, state.view, state.incidents, state.identity, state.asOf];
    if (inputs.every((x, i) => x === shown[i])) return;
    shown = inputs;
    const body = state.selected ? content(context, state) : null;
    panel.hidden = body === null;
    if (body === null) return;
    replace(
      panel,
      h("button", { type: "button", class: "close", "aria-label": "Close details", onclick: () => context.select(null) }, "×"),
      body,
    );
  });
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && context.store.state.selected && !document.querySelector(".drawing")) context.select(null);
  });
  return panel;
}

function content(context: Context, state: ConsoleState): HTMLElement | null {
  const selected = state.selected;
  if (!selected) return null;
  switch (selected.type) {
    case "declaration": {
      const d = state.view.declarations.find((x) => x.id === selected.id);
      return d ? declaration(context, state, d) : missing("declaration");
    }
    case "activity": {
      const a = state.view.activities.find((x) => x.id === selected.id);
      return a ? activity(context, state, a) : missing("activity");
    }
    case "conflict": {
      const c = state.view.conflicts.find((x) => x.id === selected.id);
      return c ? conflict(context, state, c) : missing("conflict");
    }
    case "incident": {
      const i: Incident | undefined = state.incidents.find((x) => x.id === selected.id);
      return i ? incidentDetails(context, i) : missing("incident");
    }
  }
}

function missing(what: string): HTMLElement {
  return h("p", { class: "quiet" }, `This ${what} is not in the picture shown.`);
}

/** A definition list of facts; empty values are left out. */
function facts(pairs: [string, string | number | null | undefined][]): HTMLElement {
  const list = h("dl", { class: "facts" });
  for (const [name, value] of pairs) {
    if (value === null || value === undefined || value === "") continue;
    list.append(h("dt", {}, name), h("dd", {}, String(value)));
  }
  return list;
}

function conflictLinks(context: Context, ids: string[]): HTMLElement | null {
  if (!ids.length) return null;
  return h(
    "p",
    {},
    "Conflicts: ",
    ...ids.map((id) =>
      h("button", { type: "button", class: "link", onclick: () => context.select({ type: "conflict", id }) }, id),
    ),
  );
}

function declaration(context: Context, state: ConsoleState, d: Declaration): HTMLElement {
  return h(
    "article",
    { "data-id": d.id },
    h("h2", {}, d.label),
    facts([
      ["Id", d.id],
      ["Kind", words(d.kind)],
      ["Owner", isOwn(state, d.owner) ? `${d.owner} (own)` : d.owner],
      ["Visibility", d.visibility],
      ["Disclosure", words(d.disclosure)],
      ["Valid", period(d.valid_from, d.valid_to)],
      ["Buffer", `${d.buffer_m} m`],
      ["Altitude", `${d.altitude_m[0]}–${d.altitude_m[1]} m`],
      ["Version", d.version],
      ["Reports", d.tracking ? reporting(d.tracking) : null],
      ["Last report", d.track ? lastReport(d.track) : d.tracking ? "none yet" : null],
      ["Stale", d.track?.stale ? `yes: may be within ${d.track.stale_buffer_m ?? "?"} m` : null],
      ["Unconfirmed", d.unconfirmed_since ? `since ${utc(d.unconfirmed_since)}; still protected` : null],
      ["Re-confirm by", d.reconfirm_by ? `${utc(d.reconfirm_by)} (${relative(d.reconfirm_by)})` : null],
      ["Disputed", d.disputed ?? null],
      ...(d.challenges ?? []).map(
        (c): [string, string] => [
          `Challenge ${c.id}`,
          [
            c.by ? `by ${c.by}` : null,
            c.grounds,
            c.answer ? `answer: ${c.answer}` : "not answered",
            c.ruling ? `ruled ${c.ruling}: ${c.ruling_reason ?? ""}` : "open",
          ]
            .filter(Boolean)
            .join(" · "),
        ],
      ),
    ]),
    conflictLinks(context, d.conflicts),
    siteActions(context, state, d),
  );
}

/**
 * What the signed-in role may do to a site: its owner re-confirms it and
 * answers a challenge; another party's operator challenges a public one;
 * the coordinator's approver rules on an open challenge.
 */
function siteActions(context: Context, state: ConsoleState, d: Declaration): HTMLElement | null {
  if (d.withdrawn) return null;
  const own = isOwn(state, d.owner);
  const open = (d.challenges ?? []).find((c) => !c.ruling);
  const text = (id: string, label: string) => {
    const input = h("textarea", { id, rows: 2 });
    return { input, field: [h("label", { for: id }, label), input] };
  };
  const run = (verb: string, done: string, send: () => Promise<unknown>) =>
    h(
      "button",
      {
        type: "button",
        "data-action": verb.toLowerCase(),
        onclick: () =>
          void context.run(async () => {
            await send();
            return `${d.label}: ${done}`;
          }),
      },
      verb,
    );
  const parts: (HTMLElement | null)[] = [];
  if (own && canOperate(state)) {
    parts.push(run("Re-confirm", "re-confirmed", () => context.api.reconfirm(d.id)));
    if (open && !open.answer) {
      const answer = text("challenge-answer", "Answer to the challenge (once)");
      parts.push(...answer.field, run("Answer", "challenge answered", () => context.api.answerChallenge(open.id, answer.input.value.trim())));
    }
  } else if (!own && canOperate(state) && d.visibility === "public") {
    const grounds = text("challenge-grounds", "Grounds: why this site is not what it says");
    parts.push(...grounds.field, run("Challenge", "challenged", () => context.api.challenge(d.id, grounds.input.value.trim())));
  }
  if (open && canApprove(state)) {
    const ruling = h(
      "select",
      { id: "challenge-ruling" },
      ...["upheld", "disputed", "withdrawn"].map((r) => h("option", { value: r }, r)),
    );
    const reason = text("challenge-reason", "Reason for the ruling");
    const name = h("input", { id: "challenge-name", type: "checkbox" });
    parts.push(
      h("label", { for: "challenge-ruling" }, `Rule on challenge ${open.id}`),
      ruling,
      ...reason.field,
      h("label", { for: "challenge-name" }, name, " Tell the owner who challenged"),
      run("Rule", "challenge ruled on", () => context.api.ruleChallenge(open.id, ruling.value, reason.input.value.trim(), name.checked)),
    );
  }
  return parts.length ? h("div", { class: "decision", "data-testid": "site-actions" }, ...parts) : null;
}

function reporting(t: Tracking): string {
  return [
    `every ${t.report_interval_s} s`,
    t.max_speed_mps !== undefined ? `up to ${t.max_speed_mps} m/s` : null,
    t.cot_uid ? `CoT uid ${t.cot_uid}` : null,
  ]
    .filter(Boolean)
    .join(" · ");
}

function lastReport(t: Track): string {
  return [
    `${utc(t.time)} (${relative(t.time)}) at ${t.lat.toFixed(5)}, ${t.lon.toFixed(5)}`,
    t.ce_m !== undefined ? `± ${t.ce_m} m` : null,
    t.speed !== undefined ? `${t.speed} m/s` : null,
    t.course !== undefined ? `course ${t.course}°` : null,
  ]
    .filter(Boolean)
    .join(" · ");
}

function activity(context: Context, state: ConsoleState, a: Activity): HTMLElement {
  const own = isOwn(state, a.owner);
  return h(
    "article",
    { "data-id": a.id },
    h("h2", {}, a.label),
    h("p", {}, h("span", { class: `state state-${a.state}`, "data-testid": "activity-state" }, a.state)),
    facts([
      ["Id", a.id],
      ["Kind", words(a.kind)],
      ["Owner", own ? `${a.owner} (own)` : a.owner],
      ["When", `${period(a.start, a.end)} (${relative(a.start)})`],
      ["Hazard buffer", `${a.buffer_m} m`],
      ["Altitude", `${a.altitude_m[0]}–${a.altitude_m[1]} m`],
      ["Disclosure", words(a.disclosure)],
    ]),
    conflictLinks(context, a.conflicts),
    h("h3", {}, "History"),
    h(
      "ol",
      { class: "history" },
      ...a.history.map((t) => h("li", {}, `${utc(t.at)} ${t.state}`, t.reason ? h("q", {}, t.reason) : null)),
    ),
    canApprove(state) ? decision(context, a) : null,
    own && canOperate(state) ? ownerActions(context, a) : null,
  );
}

/** The approver's decision: clear, hold or deny, with a reason. */
function decision(context: Context, a: Activity): HTMLElement {
  const reason = h("textarea", { id: "decision-reason", name: "reason", rows: 2, required: true });
  const button = (verb: ActivityVerb, allowed: boolean) =>
    h(
      "button",
      {
        type: "button",
        class: verb === "clear" ? "primary" : verb === "deny" ? "danger" : "",
        disabled: !allowed,
        "data-action": verb,
        onclick: async () => {
          if (!reason.value.trim()) {
            context.store.update({ error: "Give the reason for the decision; it is logged with it." });
            reason.focus();
            return;
          }
          await act(context, a.id, verb, reason.value.trim());
        },
      },
      words(verb),
    );
  return h(
    "form",
    { class: "decision", "aria-label": "Decision", onsubmit: (e: Event) => e.preventDefault() },
    h("h3", {}, "Decision"),
    h("label", { for: "decision-reason" }, "Reason (logged, seen by the parties in the record)"),
    reason,
    h(
      "div",
      { class: "actions" },
      button("clear", a.state === "held"),
      button("hold", a.state === "cleared"),
      button("deny", a.state === "held" || a.state === "cleared"),
    ),
  );
}

function ownerActions(context: Context, a: Activity): HTMLElement | null {
  const verbs: ActivityVerb[] = [];
  if (a.state === "cleared") verbs.push("start");
  if (a.state === "active") verbs.push("complete");
  if (["held", "cleared", "active"].includes(a.state)) verbs.push("cancel");
  if (!verbs.length) return null;
  return h(
    "div",
    { class: "actions" },
    ...verbs.map((verb) =>
      h("button", { type: "button", "data-action": verb, onclick: () => void act(context, a.id, verb) }, words(verb)),
    ),
  );
}

function conflict(context: Context, state: ConsoleState, c: Conflict): HTMLElement {
  const own = ownSide(state, c);
  const pending = c.state === "open" && own !== null && own.notification?.state !== "acknowledged";
  return h(
    "article",
    { "data-id": c.id },
    h("h2", {}, `Conflict ${c.id}`),
    h("p", {}, h("span", { class: `state state-${c.state}` }, c.state)),
    facts([
      ["Opened", utc(c.opened_at)],
      ["Resolved", c.resolved_at ? utc(c.resolved_at) : null],
      ["Overlap", c.overlap ? period(c.overlap.from, c.overlap.to) : "withheld: the coordinator will contact you"],
      ["Area (coarse)", c.overlap ? box(c.overlap.area.bbox) : null],
      ["Override", c.override ? `${utc(c.override.at)}: ${c.override.reason}` : null],
    ]),
    h("h3", {}, "Sides"),
    h("ul", { class: "sides" }, ...c.sides.map((s) => side(context, s))),
    pending && canOperate(state)
      ? h(
          "button",
          { type: "button", class: "primary", "data-action": "acknowledge", onclick: () => void acknowledge(context, c.id) },
          "Acknowledge",
        )
      : null,
  );
}

function side(context: Context, s: Side): HTMLElement {
  if (s.view === "coordinator_only") return h("li", {}, "Undisclosed: the coordinator will contact you.");
  const object = s.object;
  return h(
    "li",
    {},
    h("strong", {}, s.party ?? "another party"),
    ` · ${words(s.kind ?? "")}${s.disputed ? " · disputed site" : ""} · notification ${notice(s)}`,
    object
      ? h(
          "button",
          { type: "button", class: "link", onclick: () => context.select({ type: object.type, id: object.id }) },
          object.id,
        )
      : null,
  );
}

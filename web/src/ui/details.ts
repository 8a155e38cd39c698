// The details of the selected object, above the tabs, with what the
// signed-in role may do to it: acknowledge a conflict; for the coordinator's
// approvers, clear, hold or deny an activity with a reason; for its owner,
// start, complete or cancel it. Escape closes it.

import type { Context } from "../app";
import type { ActivityVerb } from "../api";
import { MINUTE, box, notice, relative, utc, period } from "../format";
import { type MessageKey, t, term } from "../i18n";
import { type ConsoleState, type Selection, canApprove, canOperate, isOwn, ownSide, sameSelection } from "../store";
import type { Activity, Challenge, Conflict, Declaration, Incident, Side, Track, Tracking } from "../types";
import { act, acknowledge } from "./actions";
import { h, ltr, replace, replaceKeepingInput } from "./dom";
import { incidentDetails } from "./incidents";

export function detailsPanel(context: Context): HTMLElement {
  const panel = h("section", { class: "details", "aria-label": t("details.label"), "data-testid": "details", tabindex: -1 });
  // What an action done from here consumed is not offered again.
  const local: Context = {
    ...context,
    async run(action) {
      const done = await context.run(action);
      if (done) for (const text of panel.querySelectorAll("textarea")) text.value = "";
      return done;
    },
  };
  // The picture is reloaded at every event; the details are drawn again only
  // when what they show changed, and then keep what is being typed.
  let shown: { selected: Selection | null; drawn: string } = { selected: null, drawn: "" };
  context.store.subscribe((state) => {
    // The minute too: the details say how long ago things were.
    const drawn = JSON.stringify([selectedObject(state), state.identity, state.asOf, Math.floor(Date.now() / MINUTE)]);
    const same = sameSelection(state.selected, shown.selected);
    if (same && drawn === shown.drawn) return;
    shown = { selected: state.selected, drawn };
    const body = state.selected ? content(local, state) : null;
    panel.hidden = body === null;
    if (body === null) return;
    (same ? replaceKeepingInput : replace)(
      panel,
      h("button", { type: "button", class: "close", "aria-label": t("details.close"), onclick: () => context.select(null) }, "×"),
      body,
    );
  });
  document.addEventListener(
    "keydown",
    (e) => {
      if (e.key === "Escape" && context.store.state.selected && !document.querySelector(".drawing")) context.select(null);
    },
    { signal: context.signal },
  );
  return panel;
}

/** The object the details show, as the state holds it now. */
function selectedObject(state: ConsoleState): unknown {
  const selected = state.selected;
  if (!selected) return null;
  switch (selected.type) {
    case "declaration":
      return state.view.declarations.find((x) => x.id === selected.id);
    case "activity":
      return state.view.activities.find((x) => x.id === selected.id);
    case "conflict":
      return state.view.conflicts.find((x) => x.id === selected.id);
    case "incident":
      return state.incidents.find((x) => x.id === selected.id);
  }
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

function missing(what: Selection["type"]): HTMLElement {
  return h("p", { class: "quiet" }, t(`details.missing.${what}` as MessageKey));
}

/** A definition list of facts; empty values are left out. */
function facts(pairs: [MessageKey, string | number | null | undefined][]): HTMLElement {
  const list = h("dl", { class: "facts" });
  for (const [name, value] of pairs) {
    if (value === null || value === undefined || value === "") continue;
    list.append(h("dt", {}, t(name)), h("dd", {}, String(value)));
  }
  return list;
}

function conflictLinks(context: Context, ids: string[]): HTMLElement | null {
  if (!ids.length) return null;
  return h(
    "p",
    {},
    t("details.conflicts"),
    ...ids.map((id) =>
      h("button", { type: "button", class: "link", onclick: () => context.select({ type: "conflict", id }) }, ltr(id)),
    ),
  );
}

function declaration(context: Context, state: ConsoleState, d: Declaration): HTMLElement {
  return h(
    "article",
    { "data-id": d.id },
    h("h2", {}, d.label),
    facts([
      ["details.id", d.id],
      ["details.kind", term("kind", d.kind)],
      ["details.owner", owner(state, d.owner)],
      ["details.visibility", term("visibility", d.visibility)],
      ["details.disclosure", term("disclosure", d.disclosure)],
      ["details.valid", period(d.valid_from, d.valid_to)],
      ["details.buffer", t("format.metres", { value: d.buffer_m })],
      ["details.altitude", t("format.altitude", { low: d.altitude_m[0], high: d.altitude_m[1] })],
      ["details.version", d.version],
      ["details.reports", d.tracking ? reporting(d.tracking) : null],
      ["details.last_report", d.track ? lastReport(d.track) : d.tracking ? t("details.none_yet") : null],
      ["details.stale", d.track?.stale ? t("details.stale_within", { metres: d.track.stale_buffer_m ?? "?" }) : null],
      ["details.unconfirmed", d.unconfirmed_since ? t("details.unconfirmed_since", { time: utc(d.unconfirmed_since) }) : null],
      ["details.reconfirm_by", d.reconfirm_by ? t("details.reconfirm_by_value", { time: utc(d.reconfirm_by), relative: relative(d.reconfirm_by) }) : null],
      ["details.disputed", d.disputed ? term("ruling", "disputed") : null],
    ]),
    ...(d.challenges ?? []).map((c) => challenge(c)),
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
  const run = (action: string, verb: MessageKey, done: MessageKey, send: () => Promise<unknown>) =>
    h(
      "button",
      {
        type: "button",
        "data-action": action,
        onclick: () =>
          void context.run(async () => {
            await send();
            return t(done, { label: d.label });
          }),
      },
      t(verb),
    );
  const parts: (HTMLElement | null)[] = [];
  if (own && canOperate(state)) {
    parts.push(run("re-confirm", "details.reconfirm", "details.reconfirmed", () => context.api.reconfirm(d.id)));
    if (open && !open.answer) {
      const answer = text("challenge-answer", t("details.answer_label"));
      parts.push(
        ...answer.field,
        run("answer", "details.answer", "details.answered", () => context.api.answerChallenge(open.id, answer.input.value.trim())),
      );
    }
  } else if (!own && canOperate(state) && d.visibility === "public") {
    const grounds = text("challenge-grounds", t("details.grounds_label"));
    parts.push(
      ...grounds.field,
      run("challenge", "details.challenge_button", "details.challenged", () => context.api.challenge(d.id, grounds.input.value.trim())),
    );
  }
  if (open && canApprove(state)) {
    const ruling = h(
      "select",
      { id: "challenge-ruling" },
      ...["upheld", "disputed", "withdrawn"].map((r) => h("option", { value: r }, term("ruling", r))),
    );
    const reason = text("challenge-reason", t("details.ruling_reason"));
    const name = h("input", { id: "challenge-name", type: "checkbox" });
    parts.push(
      h("label", { for: "challenge-ruling" }, t("details.rule_on", { id: open.id })),
      ruling,
      ...reason.field,
      h("label", { for: "challenge-name" }, name, t("details.name_challenger")),
      run("rule", "details.rule_button", "details.ruled", () =>
        context.api.ruleChallenge(open.id, ruling.value, reason.input.value.trim(), name.checked),
      ),
    );
  }
  return parts.length ? h("div", { class: "decision", "data-testid": "site-actions" }, ...parts) : null;
}

function reporting(tracking: Tracking): string {
  return joined([
    t("details.every", { seconds: tracking.report_interval_s }),
    tracking.max_speed_mps != null ? t("details.up_to", { speed: tracking.max_speed_mps }) : null,
    tracking.cot_uid ? t("details.cot_uid", { uid: tracking.cot_uid }) : null,
  ]);
}

function lastReport(track: Track): string {
  const position = `${track.lat.toFixed(5)}, ${track.lon.toFixed(5)}`;
  return joined([
    t("details.report_at", { time: utc(track.time), relative: relative(track.time), position }),
    track.ce_m !== undefined ? t("details.accuracy", { metres: track.ce_m }) : null,
    track.speed !== undefined ? t("details.speed", { speed: track.speed }) : null,
    track.course !== undefined ? t("details.course", { degrees: track.course }) : null,
  ]);
}

/** Facts one after another, those missing left out. */
function joined(parts: (string | null)[]): string {
  return parts.filter(Boolean).join(" · ");
}

function owner(state: ConsoleState, party: string): string {
  return isOwn(state, party) ? t("details.owner_own", { owner: party }) : party;
}

/** A challenge of the site: who (when named), the grounds, the answer, the ruling. */
function challenge(c: Challenge): HTMLElement {
  const text = joined([
    c.by ? t("details.challenge_by", { party: c.by }) : null,
    c.grounds,
    c.answer ? t("details.challenge_answer", { answer: c.answer }) : t("details.challenge_not_answered"),
    c.ruling ? t("details.challenge_ruled", { ruling: term("ruling", c.ruling), reason: c.ruling_reason ?? "" }) : t("details.challenge_open"),
  ]);
  return h("dl", { class: "facts" }, h("dt", {}, t("details.challenge", { id: c.id })), h("dd", {}, text));
}

function activity(context: Context, state: ConsoleState, a: Activity): HTMLElement {
  const own = isOwn(state, a.owner);
  return h(
    "article",
    { "data-id": a.id },
    h("h2", {}, a.label),
    h(
      "p",
      {},
      h("span", { class: `state state-${a.state}`, "data-testid": "activity-state" }, term("activity_state", a.state)),
    ),
    facts([
      ["details.id", a.id],
      ["details.kind", term("kind", a.kind)],
      ["details.owner", owner(state, a.owner)],
      ["details.when", t("details.when_value", { period: period(a.start, a.end), relative: relative(a.start) })],
      ["details.hazard_buffer", t("format.metres", { value: a.buffer_m })],
      ["details.altitude", t("format.altitude", { low: a.altitude_m[0], high: a.altitude_m[1] })],
      ["details.disclosure", term("disclosure", a.disclosure)],
    ]),
    conflictLinks(context, a.conflicts),
    h("h3", {}, t("details.history")),
    h(
      "ol",
      { class: "history" },
      ...a.history.map((step) =>
        h("li", {}, `${utc(step.at)} ${term("activity_state", step.state)}`, step.reason ? h("q", {}, step.reason) : null),
      ),
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
            context.store.update({ error: t("details.reason_needed") });
            reason.focus();
            return;
          }
          await act(context, a.id, verb, reason.value.trim());
        },
      },
      term("verb", verb),
    );
  return h(
    "form",
    { class: "decision", "aria-label": t("details.decision"), onsubmit: (e: Event) => e.preventDefault() },
    h("h3", {}, t("details.decision")),
    h("label", { for: "decision-reason" }, t("details.decision_reason")),
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
      h("button", { type: "button", "data-action": verb, onclick: () => void act(context, a.id, verb) }, term("verb", verb)),
    ),
  );
}

function conflict(context: Context, state: ConsoleState, c: Conflict): HTMLElement {
  const own = ownSide(state, c);
  const pending = c.state === "open" && own !== null && own.notification?.state !== "acknowledged";
  return h(
    "article",
    { "data-id": c.id },
    h("h2", {}, t("details.conflict_title", { id: c.id })),
    h("p", {}, h("span", { class: `state state-${c.state}` }, term("conflict_state", c.state))),
    facts([
      ["details.opened", utc(c.opened_at)],
      ["details.resolved", c.resolved_at ? utc(c.resolved_at) : null],
      ["details.overlap", c.overlap ? period(c.overlap.from, c.overlap.to) : t("details.overlap_withheld")],
      ["details.area", c.overlap ? box(c.overlap.area.bbox) : null],
      ["details.override", c.override ? t("details.override_value", { time: utc(c.override.at), reason: c.override.reason }) : null],
    ]),
    h("h3", {}, t("details.sides")),
    h("ul", { class: "sides" }, ...c.sides.map((s) => side(context, s))),
    pending && canOperate(state)
      ? h(
          "button",
          { type: "button", class: "primary", "data-action": "acknowledge", onclick: () => void acknowledge(context, c.id) },
          t("details.acknowledge"),
        )
      : null,
  );
}

function side(context: Context, s: Side): HTMLElement {
  if (s.view === "coordinator_only") return h("li", {}, t("details.side_undisclosed"));
  const object = s.object;
  return h(
    "li",
    {},
    h("strong", {}, s.party ?? t("details.another_party")),
    t(s.disputed ? "details.side_text_disputed" : "details.side_text", { kind: term("kind", s.kind ?? ""), notice: notice(s) }),
    object
      ? h(
          "button",
          { type: "button", class: "link", onclick: () => context.select({ type: object.type, id: object.id }) },
          ltr(object.id),
        )
      : null,
  );
}

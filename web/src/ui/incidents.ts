// Incidents: the list the party may see, a form to report one (operators),
// and for the one selected its facts, its evidence (the entries of the log
// that bear on it, with the fields this party may see revealed) and the
// evidence bundle to download and check offline with `deconflict verify`.

import type { Context } from "../app";
import { HOUR, fromInput, toInput, utc, period } from "../format";
import { type MessageKey, t, term } from "../i18n";
import { canOperate } from "../store";
import { type EvidenceBundle, INCIDENT_KINDS, type Incident } from "../types";
import { field, h, replace, select } from "./dom";
import { form } from "./forms";
import { geometryField } from "./geometry";

export function incidentsPanel(context: Context): HTMLElement {
  const list = h("ul", { class: "rows", "data-testid": "incidents" });
  const report = reportForm(context);
  context.store.subscribe((state) => {
    replace(
      list,
      ...state.incidents.map((i) =>
        h(
          "li",
          {},
          h(
            "button",
            {
              type: "button",
              class: `row${state.selected?.id === i.id ? " chosen" : ""}`,
              "data-id": i.id,
              onclick: () => context.select({ type: "incident", id: i.id }),
            },
            h("span", { class: "row-label" }, `${term("incident_kind", i.kind)} · ${i.reported_by}`),
            h(
              "span",
              { class: "row-facts" },
              t("incidents.row_facts", { status: term("incident_status", i.status), time: utc(i.window.from), reporter: i.reporter }),
            ),
          ),
        ),
      ),
    );
    report.hidden = !canOperate(state);
  });
  return h("section", { "aria-label": t("incidents.label") }, h("h2", {}, t("incidents.label")), list, report);
}

function reportForm(context: Context): HTMLElement {
  const kind = select("kind", INCIDENT_KINDS, (k) => term("incident_kind", k));
  const where = geometryField(context);
  const precision = h("input", { name: "precision_m", type: "number", min: 0, step: 1, value: "1000", required: true });
  const from = h("input", { name: "from", type: "datetime-local", value: toInput(new Date(Date.now() - 2 * HOUR)), required: true });
  const to = h("input", { name: "to", type: "datetime-local", value: toInput(new Date()), required: true });
  const reportedBy = h("input", { name: "reported_by", required: true });
  const against = h("input", { name: "against", placeholder: t("incidents.against_placeholder") });
  const source = h("input", { name: "source", required: true });
  const grade = h("input", { name: "source_grade", required: true, placeholder: "B2", maxlength: 8 });
  return form(
    context,
    t("incidents.report_title"),
    [
      field(t("forms.kind"), kind),
      where.element,
      field(t("incidents.precision"), precision, t("incidents.precision_hint")),
      field(t("incidents.from"), from),
      field(t("incidents.to"), to),
      field(t("incidents.reported_by"), reportedBy),
      field(t("incidents.against"), against),
      field(t("incidents.source"), source),
      field(t("incidents.grade"), grade, t("incidents.grade_hint")),
    ],
    t("incidents.report"),
    async () => {
      const start = fromInput(from.value);
      const end = fromInput(to.value);
      if (!start || !end) throw new Error(t("incidents.times_needed"));
      const made = await context.api.report({
        kind: kind.value,
        place: where.read(),
        precision_m: Number(precision.value),
        window: { from: start.toISOString(), to: end.toISOString() },
        reported_by: reportedBy.value,
        against: against.value.trim() || null,
        source: source.value,
        source_grade: grade.value,
      });
      context.select({ type: "incident", id: made.id });
      return t("incidents.reported", { id: made.id });
    },
  );
}

/**
 * The evidence last shown of each incident, by signed-in session (a context
 * lives as long as one; another credential signed in gets a new one, and
 * sees none of it): the details are drawn again as events arrive, and what
 * was asked for stays on screen across that.
 */
const shownEvidence = new WeakMap<Context, Map<string, EvidenceBundle>>();

export function incidentDetails(context: Context, i: Incident): HTMLElement {
  const evidence = h("div", { class: "evidence", "data-testid": "evidence", "aria-live": "polite" });
  if (!shownEvidence.has(context)) shownEvidence.set(context, new Map());
  const shown = shownEvidence.get(context)!;
  const kept = shown.get(i.id);
  if (kept) replace(evidence, renderEvidence(kept));
  const show = h("button", { type: "button", "data-action": "evidence" }, t("incidents.show_evidence"));
  show.addEventListener("click", async () => {
    show.disabled = true;
    try {
      const bundle = await context.api.evidence(i.id);
      shown.set(i.id, bundle);
      replace(evidence, renderEvidence(bundle));
    } catch (error) {
      context.store.update({ error: error instanceof Error ? error.message : String(error) });
    } finally {
      show.disabled = false;
    }
  });
  const download = h("button", { type: "button", "data-action": "download" }, t("incidents.download"));
  download.addEventListener("click", () => void saveBundle(context, i.id));
  return h(
    "article",
    { "data-id": i.id },
    h("h2", {}, t("incidents.title", { kind: term("incident_kind", i.kind), reported_by: i.reported_by })),
    h("p", {}, h("span", { class: `state state-${i.status}` }, term("incident_status", i.status))),
    h(
      "dl",
      { class: "facts" },
      ...pairs([
        ["details.id", i.id],
        ["incidents.reporter", i.reporter],
        ["incidents.against", i.against ?? null],
        ["details.when", period(i.window.from, i.window.to)],
        ["incidents.precision", t("incidents.precision_value", { metres: i.precision_m })],
        ["incidents.source", t("incidents.source_value", { source: i.source, grade: i.source_grade })],
      ]),
    ),
    h("h3", {}, t("details.history")),
    h(
      "ol",
      { class: "history" },
      ...i.history.map((c) =>
        h(
          "li",
          {},
          c.duplicate_of
            ? t("incidents.history_duplicate", { time: utc(c.at), status: term("incident_status", c.status), original: c.duplicate_of, party: c.party })
            : t("incidents.history_entry", { time: utc(c.at), status: term("incident_status", c.status), party: c.party }),
          c.reason ? h("q", {}, c.reason) : null,
        ),
      ),
    ),
    h("div", { class: "actions" }, show, download),
    evidence,
  );
}

function pairs(list: [MessageKey, string | null][]): HTMLElement[] {
  return list.filter(([, v]) => v).flatMap(([k, v]) => [h("dt", {}, t(k)), h("dd", {}, v ?? "")]);
}

/** One line per entry of the bundle: when, who, what, as far as its fields are revealed to this party. */
function renderEvidence(bundle: EvidenceBundle): HTMLElement {
  const revealed = new Map<number, Revealed[]>();
  for (const p of bundle.payloads) revealed.set(p.seq, [...(revealed.get(p.seq) ?? []), p]);
  const withheld =
    bundle.withheld > 0
      ? [h("p", { class: "quiet" }, t("incidents.withheld", { count: bundle.withheld }))]
      : [];
  return h(
    "div",
    {},
    h("p", { class: "quiet" }, t("incidents.entries", { count: bundle.entries.length })),
    h("pre", { class: "checkpoint" }, bundle.checkpoint.split("\n").slice(0, 3).join("\n")),
    h(
      "ol",
      { class: "entries" },
      ...bundle.entries.map((entry) => {
        const seq = entry.index + 1;
        const fields = revealed.get(seq) ?? [];
        return h(
          "li",
          {},
          h("strong", {}, `#${seq} `),
          describeEntry(fields),
          fields.length
            ? h("ul", {}, ...fields.map((f) => h("li", {}, h("code", {}, f.pointer), " ", shortValue(f.value))))
            : h("span", { class: "quiet" }, t("incidents.nothing_revealed")),
        );
      }),
    ),
    ...withheld,
  );
}

type Revealed = { pointer: string; value: unknown };

/** `time — party (role) command`, from the fields revealed (a leaf shows only its number). */
function describeEntry(fields: Revealed[]): string {
  const at = (pointer: string): unknown => {
    const found = fields.find((f) => f.pointer === pointer);
    if (!found) return undefined;
    try {
      return JSON.parse(String(found.value)) as unknown;
    } catch {
      return undefined;
    }
  };
  const command = fields.map((f) => /^\/command\/([a-z_]+)/.exec(f.pointer)?.[1]).find((n) => n);
  const time = at("/time_ms");
  const party = at("/actor/party");
  const role = at("/actor/role");
  const who = party === undefined ? t("incidents.not_revealed") : `${String(party)} (${String(role ?? "?")})`;
  return `${typeof time === "number" ? utc(time) : t("incidents.time_not_revealed")} — ${who} ${(command ?? "").replaceAll("_", " ")}`;
}

/** A revealed value (the JSON text the commitment opens to), shortened. */
function shortValue(value: unknown): string {
  let text = typeof value === "string" ? value : JSON.stringify(value);
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === "string") text = parsed;
  } catch {
    // Not JSON text: shown as it is.
  }
  return text.length > 160 ? `${text.slice(0, 160)}…` : text;
}

/** Saves the bundle as the service sends it, byte for byte, so that it verifies. */
async function saveBundle(context: Context, id: string): Promise<void> {
  try {
    const response = await context.api.send("GET", `/v1/incidents/${encodeURIComponent(id)}/evidence`);
    const url = URL.createObjectURL(await response.blob());
    const link = h("a", { href: url, download: `evidence-${id}.json`, hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    context.store.update({ notice: t("incidents.downloaded", { id }) });
  } catch (error) {
    context.store.update({ error: error instanceof Error ? error.message : String(error) });
  }
}

// The operator's forms: declare a site or unit, submit an activity. The
// geometry is typed or drawn; the service validates everything and its
// refusal, naming the field, is shown as it comes.

import type { Context } from "../app";
import { HOUR, fromInput, toInput } from "../format";
import { term, t } from "../i18n";
import { field, h, select } from "./dom";
import { geometryField } from "./geometry";

const DECLARATION_KINDS = [
  "unit_position",
  "base",
  "checkpoint",
  "border_post",
  "route",
  "convoy",
  "hospital",
  "camp",
  "school",
  "airport",
  "diplomatic",
  "facility",
];
const ACTIVITY_KINDS = [
  "air_strike",
  "indirect_fire",
  "ground_operation",
  "patrol",
  "survey",
  "convoy",
  "flight",
  "demolition",
  "training",
];

export function declareForm(context: Context): HTMLElement {
  const kind = kindInput("declare-kinds", DECLARATION_KINDS, "unit_position");
  const label = h("input", { name: "label", required: true, maxlength: 500 });
  const where = geometryField(context);
  const buffer = h("input", { name: "buffer_m", type: "number", min: 0, step: 1, value: "500", required: true });
  const from = h("input", { name: "valid_from", type: "datetime-local", value: toInput(new Date()), required: true });
  const to = h("input", { name: "valid_to", type: "datetime-local" });
  const visibility = select("visibility", ["private", "public"], (v) => term("visibility", v));
  const disclosure = select("disclosure", ["coarse", "coordinator_only"], (v) => term("disclosure", v));
  return form(
    context,
    t("forms.declare_title"),
    [
      field(t("forms.kind"), kind.input),
      kind.list,
      field(t("forms.label"), label),
      where.element,
      field(t("forms.buffer"), buffer),
      field(t("forms.valid_from"), from),
      field(t("forms.valid_to"), to, t("forms.valid_to_hint")),
      field(t("forms.visibility"), visibility, t("forms.visibility_hint")),
      field(t("forms.disclosure"), disclosure, t("forms.disclosure_hint")),
    ],
    t("forms.declare"),
    async () => {
      const made = await context.api.declare({
        kind: kind.input.value.trim(),
        label: label.value,
        geometry: where.read(),
        buffer_m: Number(buffer.value),
        valid_from: required(from.value, t("forms.valid_from")).toISOString(),
        valid_to: fromInput(to.value)?.toISOString() ?? null,
        visibility: visibility.value,
        disclosure: disclosure.value,
      });
      context.select({ type: "declaration", id: made.id });
      return t("forms.declared", { id: made.id, opened: opened(made.conflicts.length) });
    },
  );
}

export function submitForm(context: Context): HTMLElement {
  const kind = kindInput("activity-kinds", ACTIVITY_KINDS, "air_strike");
  const label = h("input", { name: "label", required: true, maxlength: 500 });
  const where = geometryField(context);
  const buffer = h("input", { name: "buffer_m", type: "number", min: 0, step: 1, value: "500", required: true });
  const low = h("input", { name: "altitude_lo", type: "number", step: 1, value: "0" });
  const high = h("input", { name: "altitude_hi", type: "number", step: 1, value: "0" });
  const start = h("input", { name: "start", type: "datetime-local", value: toInput(new Date(Date.now() + HOUR)), required: true });
  const end = h("input", { name: "end", type: "datetime-local", value: toInput(new Date(Date.now() + 3 * HOUR)) });
  const disclosure = select("disclosure", ["coarse", "coordinator_only"], (v) => term("disclosure", v));
  return form(
    context,
    t("forms.submit_title"),
    [
      field(t("forms.kind"), kind.input),
      kind.list,
      field(t("forms.label"), label),
      where.element,
      field(t("forms.hazard_buffer"), buffer),
      h("div", { class: "pair" }, field(t("forms.altitude_from"), low), field(t("forms.altitude_to"), high)),
      field(t("forms.start"), start),
      field(t("forms.end"), end),
      field(t("forms.disclosure"), disclosure),
    ],
    t("forms.submit"),
    async () => {
      const made = await context.api.submit({
        kind: kind.input.value.trim(),
        label: label.value,
        geometry: where.read(),
        buffer_m: Number(buffer.value),
        altitude_m: [Number(low.value || 0), Number(high.value || 0)],
        start: required(start.value, t("forms.start")).toISOString(),
        end: fromInput(end.value)?.toISOString() ?? null,
        disclosure: disclosure.value,
      });
      context.select({ type: "activity", id: made.id });
      return t("forms.submitted", { id: made.id, state: term("activity_state", made.state), opened: opened(made.conflicts.length) });
    },
  );
}

/**
 * Check fire: every cleared or active activity of another party over the
 * area is held at once. Its owners learn the cause, never who raised it.
 */
export function stopForm(context: Context): HTMLElement {
  const cause = select("cause", ["troops_in_contact", "friendly_fire", "civilians_present", "other"], (v) => term("cause", v));
  const where = geometryField(context);
  const buffer = h("input", { name: "buffer_m", type: "number", min: 0, step: 1, value: "2000", required: true });
  const hours = h("input", { name: "hours", type: "number", min: 0.1, max: 24, step: 0.1, value: "2", required: true });
  const reason = h("input", { name: "reason", required: true, maxlength: 2000 });
  return form(
    context,
    t("forms.stop_title"),
    [
      field(t("forms.cause"), cause, t("forms.cause_hint")),
      where.element,
      field(t("forms.around"), buffer),
      field(t("forms.hours"), hours),
      field(t("forms.reason"), reason, t("forms.stop_reason_hint")),
    ],
    t("forms.stop"),
    async () => {
      const stop = await context.api.raiseStop({
        cause: cause.value,
        geometry: where.read(),
        buffer_m: Number(buffer.value),
        until: new Date(Date.now() + Number(hours.value) * HOUR).toISOString(),
        reason: reason.value,
      });
      return stop.held_count === undefined
        ? t("forms.stop_raised_undisclosed", { id: stop.id })
        : t("forms.stop_raised", { id: stop.id, count: stop.held_count });
    },
  );
}

/** A form that runs `send` and tells its result; the form is cleared when it worked. */
export function form(
  context: Context,
  title: string,
  fields: HTMLElement[],
  verb: string,
  send: () => Promise<string>,
): HTMLElement {
  const button = h("button", { type: "submit", class: "primary" }, verb);
  const element = h("form", { class: "form", "aria-label": title }, h("h2", {}, title), ...fields, button);
  element.addEventListener("submit", async (e) => {
    e.preventDefault();
    button.disabled = true;
    if (await context.run(send)) element.reset();
    button.disabled = false;
  });
  return element;
}

function kindInput(listId: string, kinds: string[], chosen: string): { input: HTMLInputElement; list: HTMLDataListElement } {
  return {
    input: h("input", { name: "kind", list: listId, value: chosen, required: true, pattern: "[a-z0-9_]{1,64}" }),
    list: h("datalist", { id: listId }, ...kinds.map((k) => h("option", { value: k, label: term("kind", k) }))),
  };
}

function required(value: string, name: string): Date {
  const date = fromInput(value);
  if (!date) throw new Error(t("forms.date_needed", { name }));
  return date;
}

function opened(count: number): string {
  return t("forms.opened", { count });
}

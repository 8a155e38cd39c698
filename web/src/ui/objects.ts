// The objects on the map as lists, for reading and for keyboard users:
// declarations and activities of the picture and window shown.

import type { Context } from "../app";
import { utc } from "../format";
import { t, term } from "../i18n";
import { type ConsoleState, isOwn, visibleActivities, visibleDeclarations } from "../store";
import { h, replace } from "./dom";

export function objectsPanel(context: Context): HTMLElement {
  const panel = h("section", { "aria-label": t("objects.label") });
  context.store.subscribe((state) => {
    const declarations = visibleDeclarations(state);
    const activities = visibleActivities(state);
    replace(
      panel,
      h("h2", {}, t("objects.declarations", { count: declarations.length })),
      h(
        "ul",
        { class: "rows", "data-testid": "declarations" },
        ...declarations.map((d) =>
          row(context, state, { type: "declaration", id: d.id }, d.label, [
            term("kind", d.kind),
            ownerText(state, d.owner),
            term("visibility", d.visibility),
            d.track ? (d.track.stale ? t("objects.track_stale") : t("objects.tracked")) : null,
          ]),
        ),
      ),
      h("h2", {}, t("objects.activities", { count: activities.length })),
      h(
        "ul",
        { class: "rows", "data-testid": "activities" },
        ...activities.map((a) =>
          row(context, state, { type: "activity", id: a.id }, a.label, [
            term("kind", a.kind),
            ownerText(state, a.owner),
            term("activity_state", a.state),
            t("objects.from", { time: utc(a.start) }),
          ]),
        ),
      ),
    );
  });
  return panel;
}

function ownerText(state: ConsoleState, owner: string): string {
  return isOwn(state, owner) ? t("objects.own") : owner;
}

function row(
  context: Context,
  state: ConsoleState,
  selection: { type: "declaration" | "activity"; id: string },
  label: string,
  facts: (string | null)[],
): HTMLElement {
  const chosen = state.selected?.type === selection.type && state.selected.id === selection.id;
  return h(
    "li",
    {},
    h(
      "button",
      {
        type: "button",
        class: `row${chosen ? " chosen" : ""}`,
        "aria-pressed": String(chosen),
        "data-id": selection.id,
        onclick: () => context.select(selection),
      },
      h("span", { class: "row-label" }, label),
      h("span", { class: "row-facts" }, facts.filter(Boolean).join(" · ")),
    ),
  );
}

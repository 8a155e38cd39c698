// The objects on the map as lists, for reading and for keyboard users:
// declarations and activities of the picture and window shown.

import type { Context } from "../app";
import { utc, words } from "../format";
import { type ConsoleState, isOwn, visibleActivities, visibleDeclarations } from "../store";
import { h, replace } from "./dom";

export function objectsPanel(context: Context): HTMLElement {
  const panel = h("section", { "aria-label": "Objects" });
  context.store.subscribe((state) => {
    const declarations = visibleDeclarations(state);
    const activities = visibleActivities(state);
    replace(
      panel,
      h("h2", {}, `Declarations (${declarations.length})`),
      h(
        "ul",
        { class: "rows", "data-testid": "declarations" },
        ...declarations.map((d) =>
          row(context, state, { type: "declaration", id: d.id }, d.label, [
            words(d.kind),
            ownerText(state, d.owner),
            d.visibility,
            d.track ? (d.track.stale ? "track stale" : "tracked") : null,
          ]),
        ),
      ),
      h("h2", {}, `Activities (${activities.length})`),
      h(
        "ul",
        { class: "rows", "data-testid": "activities" },
        ...activities.map((a) =>
          row(context, state, { type: "activity", id: a.id }, a.label, [
            words(a.kind),
            ownerText(state, a.owner),
            a.state,
            `from ${utc(a.start)}`,
          ]),
        ),
      ),
    );
  });
  return panel;
}

function ownerText(state: ConsoleState, owner: string): string {
  return isOwn(state, owner) ? "own" : owner;
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

// The conflicts table of the picture shown: sorted by any column (click its
// header), filtered by state and by text. Four columns, so that it fits the
// side panel at 1280 px: a conflict's id shows it on the map, and its own
// side's acknowledgement is done where the acknowledgements are.

import type { Context } from "../app";
import { notice, utc, words } from "../format";
import { type ConsoleState, canOperate, ownSide } from "../store";
import type { Conflict, Side } from "../types";
import { acknowledge } from "./actions";
import { h, replace } from "./dom";

interface Column {
  key: string;
  name: string;
  value: (c: Conflict, state: ConsoleState) => string;
}

const COLUMNS: readonly Column[] = [
  { key: "id", name: "Conflict", value: (c) => `${c.id} ${c.state}` },
  { key: "from", name: "From", value: (c) => c.overlap?.from ?? "" },
  { key: "sides", name: "Sides", value: (c) => `${sideText(c.sides[0])} × ${sideText(c.sides[1])}` },
  { key: "notice", name: "Acknowledged", value: (c) => c.sides.map(notice).join(" / ") },
];

function sideText(side: Side): string {
  if (side.view === "coordinator_only") return "undisclosed (the coordinator will contact you)";
  return [side.party, side.kind ? words(side.kind) : null, side.disputed ? "disputed" : null, side.object?.id]
    .filter(Boolean)
    .join(" · ");
}

export function conflictsPanel(context: Context): HTMLElement {
  let sortKey = "from";
  let ascending = true;
  const stateFilter = h(
    "select",
    { id: "conflict-state", "aria-label": "State" },
    ...["all", "open", "resolved", "overridden"].map((s) => h("option", { value: s }, s)),
  );
  stateFilter.value = "open";
  const search = h("input", { type: "search", id: "conflict-search", placeholder: "Filter: id, party, kind", "aria-label": "Filter conflicts" });
  const table = h("table", { class: "table", "data-testid": "conflicts-table" });
  const summary = h("p", { class: "quiet", "aria-live": "polite" });

  const render = (state: ConsoleState): void => {
    const text = search.value.trim().toLowerCase();
    const column = COLUMNS.find((c) => c.key === sortKey) ?? COLUMNS[0]!;
    const rows = state.view.conflicts
      .filter((c) => stateFilter.value === "all" || c.state === stateFilter.value)
      .filter((c) => !text || COLUMNS.some((col) => col.value(c, state).toLowerCase().includes(text)))
      .sort((a, b) => column.value(a, state).localeCompare(column.value(b, state)) * (ascending ? 1 : -1));
    const head = h(
      "tr",
      {},
      ...COLUMNS.map((col) =>
        h(
          "th",
          { scope: "col", "aria-sort": col.key === sortKey ? (ascending ? "ascending" : "descending") : "none" },
          h(
            "button",
            {
              type: "button",
              class: "sort",
              onclick: () => {
                ascending = col.key === sortKey ? !ascending : true;
                sortKey = col.key;
                render(context.store.state);
              },
            },
            col.name,
          ),
        ),
      ),
    );
    const body = rows.map((c) => {
      const own = ownSide(state, c);
      const pending = c.state === "open" && own !== null && own.notification?.state !== "acknowledged";
      return h(
        "tr",
        { class: pending ? "attention" : "", "data-conflict": c.id },
        h(
          "td",
          {},
          h(
            "button",
            { type: "button", class: "link", "aria-label": `Show conflict ${c.id} on the map`, onclick: () => context.select({ type: "conflict", id: c.id }) },
            c.id,
          ),
          h("span", { class: `state state-${c.state}` }, c.state),
        ),
        h("td", {}, c.overlap ? utc(c.overlap.from) : "withheld"),
        h("td", {}, sideText(c.sides[0]), h("br"), "× ", sideText(c.sides[1])),
        h(
          "td",
          {},
          c.sides.map(notice).join(" / "),
          pending && canOperate(state)
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
    });
    replace(table, h("thead", {}, head), h("tbody", {}, ...body));
    summary.textContent = `${rows.length} of ${state.view.conflicts.length} conflicts`;
  };
  stateFilter.addEventListener("change", () => render(context.store.state));
  search.addEventListener("input", () => render(context.store.state));
  context.store.subscribe(render);
  return h(
    "section",
    { "aria-label": "Conflicts" },
    h("div", { class: "filters" }, stateFilter, search),
    summary,
    h("div", { class: "table-wrap" }, table),
  );
}

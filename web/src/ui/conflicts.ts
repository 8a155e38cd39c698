// The conflicts table of the picture shown: sorted by any column (click its
// header), filtered by state and by text. Four columns, so that it fits the
// side panel at 1280 px: a conflict's id shows it on the map, and its own
// side's acknowledgement is done where the acknowledgements are.

import type { Context } from "../app";
import { notice, utc } from "../format";
import { type MessageKey, t, term } from "../i18n";
import { type ConsoleState, canOperate, ownSide } from "../store";
import type { Conflict, Side } from "../types";
import { acknowledge } from "./actions";
import { h, replace } from "./dom";

interface Column {
  key: string;
  name: MessageKey;
  value: (c: Conflict, state: ConsoleState) => string;
}

const COLUMNS: readonly Column[] = [
  { key: "id", name: "conflicts.column.id", value: (c) => `${c.id} ${term("conflict_state", c.state)}` },
  { key: "from", name: "conflicts.column.from", value: (c) => c.overlap?.from ?? "" },
  { key: "sides", name: "conflicts.column.sides", value: (c) => `${sideText(c.sides[0])} × ${sideText(c.sides[1])}` },
  { key: "notice", name: "conflicts.column.notice", value: (c) => c.sides.map(notice).join(" / ") },
];

function sideText(side: Side): string {
  if (side.view === "coordinator_only") return t("conflicts.undisclosed");
  return [side.party, side.kind ? term("kind", side.kind) : null, side.disputed ? t("conflicts.disputed") : null, side.object?.id]
    .filter(Boolean)
    .join(" · ");
}

export function conflictsPanel(context: Context): HTMLElement {
  let sortKey = "from";
  let ascending = true;
  const stateFilter = h(
    "select",
    { id: "conflict-state", "aria-label": t("conflicts.state") },
    ...["all", "open", "resolved", "overridden"].map((s) =>
      h("option", { value: s }, s === "all" ? t("conflicts.all") : term("conflict_state", s)),
    ),
  );
  stateFilter.value = "open";
  const search = h("input", { type: "search", id: "conflict-search", placeholder: t("conflicts.filter"), "aria-label": t("conflicts.filter_label") });
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
            t(col.name),
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
            { type: "button", class: "link", "aria-label": t("conflicts.show", { id: c.id }), onclick: () => context.select({ type: "conflict", id: c.id }) },
            c.id,
          ),
          h("span", { class: `state state-${c.state}` }, term("conflict_state", c.state)),
        ),
        h("td", {}, c.overlap ? utc(c.overlap.from) : t("conflicts.withheld")),
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
                t("conflicts.acknowledge"),
              )
            : null,
        ),
      );
    });
    replace(table, h("thead", {}, head), h("tbody", {}, ...body));
    summary.textContent = t("conflicts.summary", { shown: rows.length, total: state.view.conflicts.length });
  };
  stateFilter.addEventListener("change", () => render(context.store.state));
  search.addEventListener("input", () => render(context.store.state));
  context.store.subscribe(render);
  return h(
    "section",
    { "aria-label": t("conflicts.label") },
    h("div", { class: "filters" }, stateFilter, search),
    summary,
    h("div", { class: "table-wrap" }, table),
  );
}

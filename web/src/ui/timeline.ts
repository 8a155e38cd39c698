// The timeline under the map: the windows of the declarations and
// activities the party sees, as bars in a row per party (its own first), the
// overlaps of its conflicts in a row of their own, now as a red line and the
// moment the picture shows as an amber one. Clicking the past replays the
// picture as it stood then (`as_of`), clicking ahead of now returns to live;
// hovering or focusing a bar marks its object on the map, clicking it
// selects it. The coordinator also reads, above it, what waits for it.

import type { Context } from "../app";
import { HOUR, utc } from "../format";
import { rightToLeft, t, term } from "../i18n";
import type { ConsoleState, Selection } from "../store";
import { h, replace } from "./dom";

const SVG = "http://www.w3.org/2000/svg";
/** How far back and ahead of now the timeline reaches. */
const PAST_H = 12;
const AHEAD_H = 24;
const LANE = 12;
const GAP = 3;
const AXIS = 16;
const LABELS = 92;

interface Bar {
  label: string;
  from: number;
  to: number | null;
  kind: "declaration" | "activity" | "conflict";
  /** Its state (a declaration's kind), for its class; `shown` in words. */
  state: string;
  shown: string;
  selection: Selection;
}

/** One row: a party's bars, or the conflicts', stacked in lanes where they overlap. */
interface Row {
  name: string;
  bars: Bar[];
}

export function timelinePanel(context: Context): HTMLElement {
  const summary = h("p", { class: "timeline-summary", "data-testid": "joc-summary" });
  const plot = h("div", { class: "timeline-plot" });
  const panel = h(
    "section",
    { class: "timeline", "aria-label": t("timeline.label"), "data-testid": "timeline" },
    summary,
    plot,
  );
  // Drawn again when what it shows changed (not at a selection or a
  // notice), or its width; a new drawing's height must not call for another.
  let shown: unknown[] = [];
  const draw = (): void => {
    const state = context.store.state;
    const inputs = [state.live, state.asOf, state.identity, state.standing, plot.clientWidth];
    if (inputs.every((x, i) => x === shown[i])) return;
    shown = inputs;
    render(context, state, plot, summary);
  };
  context.store.subscribe(draw);
  new ResizeObserver(draw).observe(plot);
  return panel;
}

function render(context: Context, state: ConsoleState, plot: HTMLElement, summary: HTMLElement): void {
  summary.hidden = !state.identity.coordinator;
  if (state.identity.coordinator) summary.textContent = waiting(state);
  const width = plot.clientWidth;
  if (width === 0) return;
  const now = Date.now();
  const start = now - PAST_H * HOUR;
  const end = now + AHEAD_H * HOUR;
  // Time runs in the reading direction: right to left in Arabic and Kurdish,
  // the parties' names at the start of each row.
  const mirror = rightToLeft();
  const flip = (px: number): number => (mirror ? width - px : px);
  const x = (time: number): number =>
    flip(LABELS + ((Math.min(Math.max(time, start), end) - start) / (end - start)) * (width - LABELS - 4));
  const timeAt = (px: number): number => start + ((flip(px) - LABELS) / (width - LABELS - 4)) * (end - start);
  const rows = rowsOf(state, start, end);
  const laid = rows.map((row) => ({ row, lanes: lanes(row.bars) }));
  const height = AXIS + laid.reduce((sum, r) => sum + Math.max(1, r.lanes.length) * (LANE + GAP) + GAP, 0);
  const svg = el("svg", { width, height, role: "group", "aria-label": t("timeline.windows", { from: utc(new Date(start)), to: utc(new Date(end)) }) });

  // The background: clicking the past replays it, ahead of now goes live.
  const ground = el("rect", { x: mirror ? 0 : LABELS, y: 0, width: width - LABELS, height, class: "timeline-ground" });
  ground.addEventListener("click", (event) => {
    const box = svg.getBoundingClientRect();
    const at = timeAt((event as MouseEvent).clientX - box.left);
    context.store.update({ asOf: at < now ? new Date(at) : null, selected: null });
    void context.refresh();
  });
  svg.append(ground);
  for (let time = Math.ceil(start / (3 * HOUR)) * 3 * HOUR; time < end; time += 3 * HOUR) {
    svg.append(
      el("line", { x1: x(time), x2: x(time), y1: 0, y2: height, class: "timeline-tick" }),
      text(x(time) + (mirror ? -2 : 2), 11, `${String(new Date(time).getUTCHours()).padStart(2, "0")}Z`, "timeline-hour"),
    );
  }
  let y = AXIS;
  for (const { row, lanes: rowLanes } of laid) {
    const rowHeight = Math.max(1, rowLanes.length) * (LANE + GAP) + GAP;
    svg.append(el("line", { x1: 0, x2: width, y1: y, y2: y, class: "timeline-row" }), text(flip(2), y + LANE, row.name, "timeline-party"));
    rowLanes.forEach((lane, i) => {
      for (const bar of lane) {
        const [from, to] = [x(bar.from), x(bar.to ?? end)];
        svg.append(barOf(context, bar, Math.min(from, to), Math.max(from, to), y + GAP + i * (LANE + GAP)));
      }
    });
    y += rowHeight;
  }
  svg.append(el("line", { x1: x(now), x2: x(now), y1: 0, y2: height, class: "timeline-now" }));
  if (state.asOf) {
    const at = x(state.asOf.getTime());
    svg.append(el("line", { x1: at, x2: at, y1: 0, y2: height, class: "timeline-as-of" }));
  }
  replace(plot, svg as unknown as HTMLElement);
}

/** The coordinator's line: held activities waiting, conflicts unacknowledged by party, alerts. */
function waiting(state: ConsoleState): string {
  const held = state.live.activities.filter((a) => a.state === "held").length;
  const byParty = new Map<string, number>();
  for (const c of state.live.conflicts) {
    if (c.state !== "open") continue;
    for (const side of c.sides) {
      if (side.party && side.notification && side.notification.state !== "acknowledged") {
        byParty.set(side.party, (byParty.get(side.party) ?? 0) + 1);
      }
    }
  }
  const unacknowledged = [...byParty].map(([party, n]) => `${party} ${n}`).join(", ") || t("timeline.none");
  const alerts = state.standing.alerts.filter((a) => a.state === "new").length;
  return t("timeline.summary", { held, unacknowledged, alerts });
}

function rowsOf(state: ConsoleState, start: number, end: number): Row[] {
  const meets = (from: number, to: number | null): boolean => from < end && (to === null || to > start);
  const parties = new Map<string, Bar[]>();
  const add = (party: string, bar: Bar): void => {
    if (!meets(bar.from, bar.to)) return;
    parties.set(party, [...(parties.get(party) ?? []), bar]);
  };
  for (const d of state.live.declarations) {
    if (d.withdrawn) continue;
    const to = d.valid_to ? Date.parse(d.valid_to) : null;
    add(d.owner, { label: d.label, from: Date.parse(d.valid_from), to, kind: "declaration", state: d.kind, shown: term("kind", d.kind), selection: { type: "declaration", id: d.id } });
  }
  for (const a of state.live.activities) {
    add(a.owner, { label: a.label, from: Date.parse(a.start), to: a.end ? Date.parse(a.end) : null, kind: "activity", state: a.state, shown: term("activity_state", a.state), selection: { type: "activity", id: a.id } });
  }
  const own = state.identity.party;
  const rows: Row[] = [...parties]
    .sort(([a], [b]) => (a === own ? -1 : b === own ? 1 : a.localeCompare(b)))
    .map(([name, bars]) => ({ name, bars }));
  const conflicts = state.live.conflicts
    .filter((c) => c.state !== "resolved" && c.overlap)
    .map((c): Bar => ({
      label: t("timeline.conflict", { id: c.id }),
      from: Date.parse(c.overlap!.from),
      to: c.overlap!.to ? Date.parse(c.overlap!.to) : null,
      kind: "conflict",
      state: c.state,
      shown: term("conflict_state", c.state),
      selection: { type: "conflict", id: c.id },
    }))
    .filter((bar) => meets(bar.from, bar.to));
  if (conflicts.length) rows.push({ name: t("timeline.conflicts"), bars: conflicts });
  return rows;
}

/** The bars in lanes, each lane's bars apart in time, earliest first. */
function lanes(bars: Bar[]): Bar[][] {
  const out: Bar[][] = [];
  for (const bar of [...bars].sort((a, b) => a.from - b.from)) {
    const lane = out.find((l) => {
      const last = l[l.length - 1]!;
      return last.to !== null && last.to <= bar.from;
    });
    if (lane) lane.push(bar);
    else out.push([bar]);
  }
  return out;
}

function barOf(context: Context, bar: Bar, x1: number, x2: number, y: number): SVGElement {
  const when = t("format.period", { from: utc(new Date(bar.from)), to: bar.to === null ? t("format.open") : utc(new Date(bar.to)) });
  const name = t("timeline.bar", { label: bar.label, state: bar.shown, when });
  const rect = el("rect", {
    x: x1,
    y,
    width: Math.max(3, x2 - x1),
    height: LANE,
    rx: 2,
    class: `timeline-bar timeline-${bar.kind} state-${bar.state}`,
    role: "button",
    tabindex: 0,
    "aria-label": name,
    "data-id": bar.selection.id,
  });
  rect.append(el("title", {}, name));
  const mark = (): void => context.map.layers.highlight(bar.selection);
  const unmark = (): void => context.map.layers.highlight(null);
  rect.addEventListener("mouseenter", mark);
  rect.addEventListener("focus", mark);
  rect.addEventListener("mouseleave", unmark);
  rect.addEventListener("blur", unmark);
  rect.addEventListener("click", () => context.select(bar.selection));
  rect.addEventListener("keydown", (event) => {
    if ((event as KeyboardEvent).key === "Enter" || (event as KeyboardEvent).key === " ") context.select(bar.selection);
  });
  return rect;
}

function el(tag: string, attrs: Record<string, string | number>, ...children: string[]): SVGElement {
  const element = document.createElementNS(SVG, tag) as SVGElement;
  for (const [key, value] of Object.entries(attrs)) element.setAttribute(key, String(value));
  element.append(...children);
  return element;
}

function text(x: number, y: number, content: string, className: string): SVGElement {
  return el("text", { x, y, class: className }, content);
}

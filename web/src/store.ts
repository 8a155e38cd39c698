// What the console holds and shows: the signed-in identity, the picture
// (live, or as it stood at `asOf`), the live conflicts the notifications
// come from, incidents, the events of the live stream, the time window and
// the selection. Views subscribe and redraw from it; nothing else keeps
// state.

import type { Identity } from "./identity";
import type {
  Activity,
  Conflict,
  Declaration,
  Incident,
  ServiceEvent,
  Standing,
  StateView,
} from "./types";
import { HOUR } from "./format";

export type Selection =
  | { type: "declaration"; id: string }
  | { type: "activity"; id: string }
  | { type: "conflict"; id: string }
  | { type: "incident"; id: string };

export interface ConsoleState {
  identity: Identity;
  /** The picture shown: live, or replayed to `asOf`. */
  view: StateView;
  /** Always the live conflicts: what needs attention now. */
  live: StateView;
  incidents: Incident[];
  /** `null`: live. */
  asOf: Date | null;
  /** Hours ahead of the moment shown; `null`: every time. */
  aheadHours: number | null;
  selected: Selection | null;
  /** The latest events of the stream, newest first. */
  events: ServiceEvent[];
  /**
   * What stands for the party, as the service keeps it: alerts until
   * acknowledged, escalations, stops. The same after a reload and on every
   * device.
   */
  standing: Standing;
  /** Whether the live event stream is connected. */
  streaming: boolean;
  /** The last failure to show, if any. */
  error: string | null;
  /** The last success to tell, if any. */
  notice: string | null;
}

type Listener = (state: ConsoleState) => void;

export class Store {
  private listeners: Listener[] = [];

  constructor(private current: ConsoleState) {}

  get state(): ConsoleState {
    return this.current;
  }

  update(change: Partial<ConsoleState>): void {
    this.current = { ...this.current, ...change };
    for (const listener of this.listeners) listener(this.current);
  }

  subscribe(listener: Listener): void {
    this.listeners.push(listener);
    listener(this.current);
  }
}

/** The moment the picture shows. */
function moment(state: ConsoleState): number {
  return state.asOf?.getTime() ?? Date.now();
}

/** Whether a window `[from, to)` meets the one the console shows. */
function inWindow(state: ConsoleState, from: string, to: string | null): boolean {
  if (state.aheadHours === null) return true;
  const start = moment(state);
  const end = start + state.aheadHours * HOUR;
  return new Date(from).getTime() < end && (to === null || new Date(to).getTime() > start);
}

/** Whether two selections are of one object (nothing selected is of none). */
export function sameSelection(a: Selection | null, b: Selection | null): boolean {
  return a !== null && b !== null && a.type === b.type && a.id === b.id;
}

export function visibleDeclarations(state: ConsoleState): Declaration[] {
  return state.view.declarations.filter((d) => !d.withdrawn && inWindow(state, d.valid_from, d.valid_to));
}

export function visibleActivities(state: ConsoleState): Activity[] {
  return state.view.activities.filter((a) => inWindow(state, a.start, a.end));
}

export function visibleConflicts(state: ConsoleState): Conflict[] {
  return state.view.conflicts.filter((c) => c.overlap === null || inWindow(state, c.overlap.from, c.overlap.to));
}

/** Whether the object is the signed-in party's own. */
export function isOwn(state: ConsoleState, owner: string): boolean {
  return owner === state.identity.party;
}

/** The caller's own side of a conflict it is in, if it is in it. */
export function ownSide(state: ConsoleState, conflict: Conflict): Conflict["sides"][0] | null {
  const side = conflict.sides[0];
  return side.view === "full" && side.party !== undefined && isOwn(state, side.party) ? side : null;
}

export function canOperate(state: ConsoleState): boolean {
  return state.identity.role === "operator" && state.asOf === null;
}

export function canApprove(state: ConsoleState): boolean {
  return state.identity.role === "approver" && state.identity.coordinator && state.asOf === null;
}

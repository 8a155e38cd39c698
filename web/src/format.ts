// How times, places and states read in the console: UTC ("Z") throughout,
// as coordination cells work.

import type { Side } from "./types";

const HOUR = 3_600_000;

/** `2026-11-23 14:05Z`. */
export function utc(time: string | number | Date): string {
  const iso = new Date(time).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}Z`;
}

/** A window, open-ended when `to` is null. */
export function period(from: string, to: string | null): string {
  return `${utc(from)} → ${to ? utc(to) : "open"}`;
}

/** "in 3 h", "2 h ago", "now". */
export function relative(time: string | number, now = Date.now()): string {
  const hours = (new Date(time).getTime() - now) / HOUR;
  if (Math.abs(hours) < 0.05) return "now";
  const amount = Math.abs(hours) < 10 ? Math.abs(hours).toFixed(1) : Math.round(Math.abs(hours)).toString();
  return hours > 0 ? `in ${amount} h` : `${amount} h ago`;
}

/** A coarse box `[west, south, east, north]` as a reader takes it in. */
export function box([west, south, east, north]: [number, number, number, number]): string {
  return `lat ${south} to ${north}, lon ${west} to ${east}`;
}

/**
 * How far a side's notification has gone, as far as the caller knows: the
 * state of its own side, only whether another party acknowledged.
 */
export function notice(side: Side): string {
  const n = side.notification;
  if (!n) return "—";
  return n.state ?? (n.acknowledged ? "acknowledged" : "not acknowledged");
}

/** Words for a snake_case value. */
export function words(value: string): string {
  return value.replaceAll("_", " ");
}

/** The value of a `datetime-local` input, read as UTC; null when empty. */
export function fromInput(value: string): Date | null {
  if (!value) return null;
  const date = new Date(value.length === 16 ? `${value}:00Z` : `${value}Z`);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** A time as a `datetime-local` input shows it, in UTC. */
export function toInput(time: Date): string {
  return time.toISOString().slice(0, 16);
}

export { HOUR };

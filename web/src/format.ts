// How times, places and states read in the console: always in UTC and saying
// so, as coordination cells work; dates in the language's own way, digits
// Latin, so that times and grid references read the same on every screen.

import { type MessageKey, locale, rightToLeft, t, term } from "./i18n";
import type { Side } from "./types";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * `2026-11-23 14:05Z` in English; the locale's date with the same time
 * elsewhere, isolated so that a right-to-left sentence around it does not
 * reorder its digits and dashes.
 */
export function utc(time: string | number | Date): string {
  const date = new Date(time);
  const iso = date.toISOString();
  const text = t("format.date_time", { date: dateOf(date, iso), time: iso.slice(11, 16) });
  return rightToLeft() ? `\u2068${text}\u2069` : text;
}

const dateFormats = new Map<string, Intl.DateTimeFormat | null>();

/**
 * The date in the console's language: ISO in English (as the cells write
 * it), else the locale's medium date with Latin digits, or, where the
 * browser has no data for the locale (Chromium has none for Sorani), the
 * day, the catalogue's month and the year.
 */
function dateOf(date: Date, iso: string): string {
  const language = locale();
  if (language === "en") return iso.slice(0, 10);
  if (!dateFormats.has(language)) {
    const tag = `${language}-IQ-u-nu-latn`;
    const known = Intl.DateTimeFormat.supportedLocalesOf([tag]).length > 0;
    dateFormats.set(language, known ? new Intl.DateTimeFormat(tag, { timeZone: "UTC", dateStyle: "medium" }) : null);
  }
  const known = dateFormats.get(language);
  if (known) return known.format(date);
  const month = t(`format.month.${date.getUTCMonth() + 1}` as MessageKey);
  return t("format.date", { day: String(date.getUTCDate()), month, year: String(date.getUTCFullYear()) });
}

/** A window, open-ended when `to` is null. */
export function period(from: string, to: string | null): string {
  return t("format.period", { from: utc(from), to: to ? utc(to) : t("format.open") });
}

/** "in 3 h", "2 h ago", "now". */
export function relative(time: string | number, now = Date.now()): string {
  const hours = (new Date(time).getTime() - now) / HOUR;
  if (Math.abs(hours) < 0.05) return t("format.now");
  const amount = Math.abs(hours) < 10 ? Math.abs(hours).toFixed(1) : Math.round(Math.abs(hours)).toString();
  return t(hours > 0 ? "format.in_hours" : "format.hours_ago", { amount });
}

/** A coarse box `[west, south, east, north]` as a reader takes it in. */
export function box([west, south, east, north]: [number, number, number, number]): string {
  return t("format.box", { west: String(west), south: String(south), east: String(east), north: String(north) });
}

/**
 * How far a side's notification has gone, as far as the caller knows: the
 * state of its own side, only whether another party acknowledged.
 */
export function notice(side: Side): string {
  const n = side.notification;
  if (!n) return t("format.none");
  if (n.state) return term("notification_state", n.state);
  return n.acknowledged ? term("notification_state", "acknowledged") : t("format.not_acknowledged");
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

export { HOUR, MINUTE };

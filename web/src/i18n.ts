// The console's languages: English, Arabic and Sorani Kurdish. Every string
// the console shows comes from one ICU message catalogue per language
// (`i18n/*.json`), so plurals follow each language's rules (Arabic has six
// forms). The language is the one chosen in the console, else the first of
// the browser's it has; Arabic and Kurdish lay the whole page out right to
// left. Dates and times are the locale's, always in UTC and saying so; digits
// stay Latin, as coordination cells write grid references and times.

import { IntlMessageFormat } from "intl-messageformat";
import ar from "./i18n/ar.json";
import ckb from "./i18n/ckb.json";
import en from "./i18n/en.json";

export type MessageKey = keyof typeof en;
type Catalogue = Record<MessageKey, string>;
type Values = Record<string, string | number>;

export const LOCALES = ["en", "ar", "ckb"] as const;
export type Locale = (typeof LOCALES)[number];

const CATALOGUES: Record<Locale, Catalogue> = { en, ar, ckb };
const RIGHT_TO_LEFT: ReadonlySet<Locale> = new Set(["ar", "ckb"]);
const CHOSEN_KEY = "deconflict.locale";

let current: Locale = initialLocale();
const compiled = new Map<MessageKey, IntlMessageFormat>();

/** The message `key` in the console's language, with `values` put in. */
export function t(key: MessageKey, values?: Values): string {
  let format = compiled.get(key);
  if (!format) {
    format = new IntlMessageFormat(CATALOGUES[current][key], current);
    compiled.set(key, format);
  }
  return String(format.format(values));
}

/** The groups of the API's enumerated values the catalogues name (`kind.air_strike`). */
export type TermGroup =
  | "activity_state"
  | "conflict_state"
  | "conflict_change"
  | "notification_state"
  | "incident_status"
  | "incident_kind"
  | "stop_state"
  | "stop_change"
  | "site_change"
  | "ruling"
  | "visibility"
  | "disclosure"
  | "role"
  | "cause"
  | "verb"
  | "done"
  | "shape"
  | "rule_type"
  | "kind";

/**
 * An enumerated value of the API in words of the console's language. Kinds
 * are the parties' own words (`warehouse`, `medevac`): one the catalogue
 * does not know is shown as the party wrote it.
 */
export function term(group: TermGroup, value: string): string {
  const key = `${group}.${value}`;
  return key in CATALOGUES[current] ? t(key as MessageKey) : value.replaceAll("_", " ");
}

/** Whether the catalogue has a message for `key` (a problem's code, say). */
export function has(key: string): key is MessageKey {
  return key in CATALOGUES[current];
}

/** The console's language. */
export function locale(): Locale {
  return current;
}

/** Whether the console's language is written right to left. */
export function rightToLeft(): boolean {
  return RIGHT_TO_LEFT.has(current);
}

/** Sets the page's `lang` and `dir` for the console's language. */
export function applyToDocument(): void {
  document.documentElement.lang = current;
  document.documentElement.dir = rightToLeft() ? "rtl" : "ltr";
  document.title = t("app.title");
}

/**
 * Keeps `chosen` for this browser and shows the console in it. The page is
 * loaded again (the token is kept in the tab), so no string of the old
 * language is left anywhere.
 */
export function choose(chosen: Locale): void {
  localStorage.setItem(CHOSEN_KEY, chosen);
  location.reload();
}

function initialLocale(): Locale {
  const kept = localStorage.getItem(CHOSEN_KEY);
  if (isLocale(kept)) return kept;
  for (const tag of navigator.languages ?? [navigator.language]) {
    const language = tag.toLowerCase().split("-")[0];
    if (isLocale(language)) return language;
    // Sorani is `ckb`; a browser set to Kurdish in Arabic script may say `ku-Arab`.
    if (tag.toLowerCase().startsWith("ku-arab")) return "ckb";
  }
  return "en";
}

function isLocale(value: string | null | undefined): value is Locale {
  return (LOCALES as readonly string[]).includes(value ?? "");
}

// The language chooser: each language named in itself, so that a reader
// finds theirs whatever the console is showing.

import { LOCALES, choose, locale, t } from "../i18n";
import { h } from "./dom";

export function languageChoice(): HTMLElement {
  const chooser = h(
    "select",
    { id: "language", "data-testid": "language", onchange: (e: Event) => choose((e.target as HTMLSelectElement).value as (typeof LOCALES)[number]) },
    ...LOCALES.map((code) => h("option", { value: code, lang: code, selected: code === locale() }, t(`language.${code}`))),
  );
  // The chooser shows the language by its own name; its label is for screen
  // readers, so that the bar keeps to one line at 1280 px.
  return h("div", { class: "language" }, h("label", { for: "language", class: "unseen" }, t("language.label")), chooser);
}

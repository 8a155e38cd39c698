// The bar across the top: who is signed in, the time controls, the status
// line (the last success or refusal), the language and signing out.

import type { Context } from "../app";
import { t, term } from "../i18n";
import { h, replace } from "./dom";
import { languageChoice } from "./language";
import { timeControls } from "./timebar";

export function headerBar(header: HTMLElement, context: Context): void {
  const who = h("div", { class: "identity", "data-testid": "identity" });
  const status = h("div", { class: "status", role: "status", "aria-live": "polite", "data-testid": "notice" });
  const alert = h("div", { class: "status error", role: "alert", "data-testid": "error" });
  header.append(
    h("h1", { class: "brand" }, "deconflict"),
    who,
    timeControls(context),
    status,
    alert,
    languageChoice(),
    h("button", { type: "button", class: "signout", onclick: () => context.signOut() }, t("header.sign_out")),
  );
  context.store.subscribe(({ identity, error, notice, streaming }) => {
    who.title = t("header.signed_in_as", { credential: identity.credential_id });
    replace(
      who,
      h("span", { class: "party", "data-testid": "party" }, identity.party),
      h("span", { class: "role", "data-testid": "role" }, term("role", identity.role)),
      identity.coordinator ? h("span", { class: "badge coordinator" }, t("header.coordinator")) : null,
      h(
        "span",
        { class: `badge ${streaming ? "live" : "polling"}`, title: t(streaming ? "header.live_title" : "header.polling_title") },
        t(streaming ? "header.live" : "header.polling"),
      ),
    );
    status.textContent = notice ?? "";
    alert.textContent = error ?? "";
  });
}

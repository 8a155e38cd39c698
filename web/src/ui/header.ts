// The bar across the top: who is signed in, the time controls, the status
// line (the last success or refusal) and signing out.

import type { Context } from "../app";
import { h, replace } from "./dom";
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
    h("button", { type: "button", class: "signout", onclick: () => context.signOut() }, "Sign out"),
  );
  context.store.subscribe(({ identity, error, notice, streaming }) => {
    who.title = `Signed in with credential ${identity.credential_id}`;
    replace(
      who,
      h("span", { class: "party", "data-testid": "party" }, identity.party),
      h("span", { class: "role", "data-testid": "role" }, identity.role),
      identity.coordinator ? h("span", { class: "badge coordinator" }, "coordinator") : null,
      h("span", { class: `badge ${streaming ? "live" : "polling"}`, title: streaming ? "Live event stream connected" : "Refreshing every 15 s" }, streaming ? "live" : "polling"),
    );
    status.textContent = notice ?? "";
    alert.textContent = error ?? "";
  });
}

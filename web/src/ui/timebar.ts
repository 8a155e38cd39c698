// The time controls: the moment the picture shows (live, or as it stood at
// any moment of the past week, replayed by the service with `as_of`), and
// how far ahead of it the map looks (what is planned for the next hours).

import type { Context } from "../app";
import { HOUR, utc } from "../format";
import { t } from "../i18n";
import { h } from "./dom";

const PAST_HOURS = 7 * 24;
const AHEAD: readonly (number | null)[] = [1, 3, 6, 12, 24, 72, null];

export function timeControls(context: Context): HTMLElement {
  const { store } = context;
  const slider = h("input", {
    type: "range",
    id: "as-of",
    min: -PAST_HOURS,
    max: 0,
    step: 0.25,
    value: 0,
    "aria-describedby": "as-of-value",
  });
  const shown = h("output", { id: "as-of-value", for: "as-of", "data-testid": "as-of" }, t("time.live"));
  const liveButton = h("button", { type: "button", class: "small" }, t("time.live_button"));
  const ahead = h(
    "select",
    { id: "ahead", "aria-label": t("time.window_ahead") },
    ...AHEAD.map((hours) =>
      h("option", { value: hours === null ? "all" : String(hours) }, hours === null ? t("time.all") : t("time.next_hours", { hours })),
    ),
  );
  ahead.value = String(store.state.aheadHours ?? "all");

  const momentOf = (): Date | null => {
    const hours = Number(slider.value);
    return hours >= 0 ? null : new Date(Date.now() + hours * HOUR);
  };
  const describe = (): void => {
    const at = momentOf();
    shown.textContent = at ? utc(at) : t("time.live");
  };
  const apply = (): void => {
    describe();
    store.update({ asOf: momentOf(), selected: null });
    void context.refresh();
  };
  slider.addEventListener("input", describe);
  slider.addEventListener("change", apply);
  liveButton.addEventListener("click", () => {
    slider.value = "0";
    apply();
  });
  ahead.addEventListener("change", () => {
    store.update({ aheadHours: ahead.value === "all" ? null : Number(ahead.value) });
  });
  store.subscribe(({ asOf }) => {
    // The moment may be chosen elsewhere (the timeline): the slider follows.
    if (momentOf()?.getTime() !== asOf?.getTime()) {
      slider.value = asOf === null ? "0" : String(Math.max(-PAST_HOURS, (asOf.getTime() - Date.now()) / HOUR));
      shown.textContent = asOf ? utc(asOf) : t("time.live");
    }
    liveButton.disabled = asOf === null;
    document.body.classList.toggle("past", asOf !== null);
  });
  return h(
    "div",
    { class: "time", role: "group", "aria-label": t("time.group") },
    h("label", { for: "as-of" }, t("time.picture_at")),
    slider,
    shown,
    liveButton,
    h("label", { for: "ahead" }, t("time.window")),
    ahead,
  );
}

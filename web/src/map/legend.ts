// The legend: one line per layer with its colour, how many things it holds
// now, and a checkbox that shows or hides it. It folds to its heading, so
// that it does not cover the map; folded at first where the map is small.

import * as L from "leaflet";
import { type MessageKey, t } from "../i18n";
import type { Store } from "../store";
import { h, replace } from "../ui/dom";
import { LAYERS, type ObjectLayers } from "./layers";

export function legendControl(map: L.Map, layers: ObjectLayers, store: Store): L.Control {
  const box = h("section", { class: "legend", "aria-label": t("map.legend"), "data-testid": "legend" });
  L.DomEvent.disableClickPropagation(box);
  L.DomEvent.disableScrollPropagation(box);
  let open = map.getSize().x >= 1000 && map.getSize().y >= 800;
  const rowsBox = h("div", { id: "legend-rows" });
  const fold = h(
    "button",
    {
      type: "button",
      class: "legend-fold",
      "aria-controls": "legend-rows",
      onclick: () => {
        open = !open;
        show();
      },
    },
    t("map.layers"),
  );
  const show = (): void => {
    fold.setAttribute("aria-expanded", String(open));
    rowsBox.hidden = !open;
  };
  show();
  store.subscribe((state) => {
    const counts = layers.counts();
    const rows = LAYERS.filter((l) => !l.coordinatorOnly || state.identity.coordinator).map((info) => {
      const group = layers.groups[info.key];
      const toggle = h("input", {
        type: "checkbox",
        checked: map.hasLayer(group),
        onchange: (e: Event) => {
          if ((e.target as HTMLInputElement).checked) group.addTo(map);
          else group.remove();
        },
      });
      const swatch = h("span", { class: `swatch swatch-${info.key}`, "aria-hidden": "true" });
      return h(
        "label",
        { class: "legend-row", "data-layer": info.key },
        toggle,
        swatch,
        h("span", { class: "legend-name" }, t(`map.layer.${info.key}` as MessageKey)),
        h("span", { class: "legend-count" }, counts[info.key]),
      );
    });
    replace(rowsBox, ...rows);
  });
  box.append(h("h2", {}, fold), rowsBox);
  const Control = L.Control.extend({ onAdd: () => box });
  return new Control({ position: "topright" });
}

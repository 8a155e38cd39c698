// The legend: one line per layer with its colour, how many things it holds
// now, and a checkbox that shows or hides it.

import * as L from "leaflet";
import type { Store } from "../store";
import { h, replace } from "../ui/dom";
import { LAYERS, type ObjectLayers } from "./layers";

export function legendControl(map: L.Map, layers: ObjectLayers, store: Store): L.Control {
  const box = h("section", { class: "legend", "aria-label": "Legend and layers", "data-testid": "legend" });
  L.DomEvent.disableClickPropagation(box);
  L.DomEvent.disableScrollPropagation(box);
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
        h("span", { class: "legend-name" }, info.name),
        h("span", { class: "legend-count" }, counts[info.key]),
      );
    });
    replace(box, h("h2", {}, "Layers"), ...rows);
  });
  const Control = L.Control.extend({ onAdd: () => box });
  return new Control({ position: "topright" });
}

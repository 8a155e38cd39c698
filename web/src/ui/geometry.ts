// A geometry field: its type, its positions typed one a line (degrees or
// MGRS) or drawn on the map.

import type { Context } from "../app";
import { formatPosition, parsePositions } from "../map/coords";
import { type DrawMode, type Drawing, draw } from "../map/draw";
import type { Geometry } from "../types";
import { t, term } from "../i18n";
import { h } from "./dom";

interface GeometryField {
  element: HTMLElement;
  /** The geometry typed or drawn; throws naming what is wrong. */
  read(): Geometry;
}

let next = 0;

export function geometryField(context: Context, modes: readonly DrawMode[] = ["Point", "LineString", "Polygon"]): GeometryField {
  const id = `geometry-${++next}`;
  const type = h(
    "select",
    { id: `${id}-type`, name: "geometry-type" },
    ...modes.map((m) => h("option", { value: m }, term("shape", m))),
  );
  const positions = h("textarea", {
    id: `${id}-positions`,
    name: "positions",
    rows: 3,
    spellcheck: "false",
    placeholder: "34.9355, 43.4712\nor 38S LC 47012 66342",
    "aria-describedby": `${id}-hint`,
  });
  const drawButton = h("button", { type: "button", class: "small" }, t("geometry.draw"));
  let drawing: Drawing | null = null;
  drawButton.addEventListener("click", () => {
    if (drawing) {
      drawing.finish();
      return;
    }
    positions.value = "";
    drawButton.textContent = type.value === "Point" ? t("geometry.click_map") : t("geometry.finish");
    drawing = draw(
      context.map.map,
      type.value as DrawMode,
      (drawn) => (positions.value = drawn.map(formatPosition).join("\n")),
      () => {
        drawing = null;
        drawButton.textContent = t("geometry.draw");
        positions.focus();
      },
    );
  });
  const element = h(
    "fieldset",
    { class: "geometry" },
    h("legend", {}, t("geometry.where")),
    h("label", { for: type.id }, t("geometry.shape")),
    type,
    drawButton,
    h("label", { for: positions.id }, t("geometry.positions")),
    positions,
    h("small", { id: `${id}-hint` }, t("geometry.hint")),
  );
  return {
    element,
    read(): Geometry {
      const list = parsePositions(positions.value);
      const first = list[0];
      if (!first) throw new Error(t("geometry.none"));
      switch (type.value) {
        case "Point":
          if (list.length !== 1) throw new Error(t("geometry.point_one"));
          return { type: "Point", coordinates: first };
        case "LineString":
          if (list.length < 2) throw new Error(t("geometry.line_two"));
          return { type: "LineString", coordinates: list };
        default:
          if (list.length < 3) throw new Error(t("geometry.area_three"));
          return { type: "Polygon", coordinates: [[...list, first]] };
      }
    },
  };
}

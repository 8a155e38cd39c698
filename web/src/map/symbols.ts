/**
 * MIL-STD-2525 symbols for declarations, as TAK devices draw them from the
 * CoT types the service sends (`a-f-G-U-C` and the like): a party's own
 * objects friendly, another party's public ones neutral; a unit, a medical
 * facility or an installation by kind.
 */
import * as L from "leaflet";
import ms from "milsymbol";

/** The 15-character symbol identification code of a declaration. */
export function sidc(own: boolean, kind: string): string {
  const affiliation = own ? "F" : "N";
  const fn = /unit|company|patrol/.test(kind)
    ? "UC----"
    : /hospital|clinic|health|medical/.test(kind)
      ? "IXH---"
      : "I-----";
  return `S${affiliation}GP${fn}-----`;
}

/** A marker drawing the symbol at a point, named for screen readers. */
export function symbolMarker(latlng: L.LatLngExpression, own: boolean, kind: string, label: string): L.Marker {
  const symbol = new ms.Symbol(sidc(own, kind), { size: 18 });
  const anchor = symbol.getAnchor();
  const size = symbol.getSize();
  const icon = L.divIcon({
    className: "symbol",
    // Drawn on a canvas, so that the symbol's own letters (CBT, …) are not
    // text beside the label the marker is named by.
    html: symbol.asCanvas(),
    iconSize: [size.width, size.height],
    iconAnchor: [anchor.x, anchor.y],
  });
  return L.marker(latlng, { icon, title: label, alt: label, keyboard: false });
}

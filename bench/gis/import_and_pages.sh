#!/bin/bash
# Importing 100,000 sites with `deconflict import` (batches of 5,000), then
# pages of 10,000 features: OGC API - Features items, and the same list as
# GeoJSON, KML and CSV. Run from anywhere after `cargo build --release -p deconflict`.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${BIN:-$ROOT/target/release/deconflict}
SITES=${SITES:-100000}
work=$(mktemp -d /tmp/dcfgis.XXXX)
$BIN party add joc --coordinator --data $work >/dev/null
$BIN party add ocha --data $work >/dev/null
OP=$($BIN token create --party ocha --role operator --data $work 2>/dev/null)
VIEW=$($BIN token create --party ocha --role viewer --data $work 2>/dev/null)
$BIN serve --data $work --listen 127.0.0.1:18851 --cot-listen off --cot-tls-listen off \
  --rate-limit-per-s 0 --max-page 10000 --log warn >/dev/null 2>&1 &
P=$!
for i in $(seq 100); do curl -s 127.0.0.1:18851/healthz >/dev/null && break; sleep 0.1; done
# OCHA's template, sites 1 km apart over northern Iraq.
python3 - "$SITES" > $work/nsl.csv <<'PY'
import sys
n = int(sys.argv[1])
print("Name,Type,Latitude,Longitude")
for i in range(n):
    print(f"Site {i},Health facility,{33.0 + (i // 400) * 0.01:.4f},{40.0 + (i % 400) * 0.01:.4f}")
PY
echo "== import of $SITES sites"
/usr/bin/time -f "wall %e s, max RSS of the client %M KB" \
  $BIN import $work/nsl.csv --url http://127.0.0.1:18851 --token $OP --batch 5000 --buffer-m 50
echo "== pages of 10,000 features (p50 and max of 9)"
page() {
  local name=$1 url=$2
  for i in $(seq 9); do
    curl -s -o /dev/null -w '%{time_total} %{size_download}\n' -H "authorization: Bearer $VIEW" "$url"
  done | sort -n | awk -v n="$name" '{t[NR]=$1; s=$2} END {printf "%s: p50 %.0f ms, max %.0f ms, %.1f MB\n", n, t[5]*1000, t[9]*1000, s/1e6}'
}
B=http://127.0.0.1:18851
page "GET /v1/declarations?limit=10000 (JSON)" "$B/v1/declarations?limit=10000"
page "GET /ogc/collections/declarations/items?limit=10000" "$B/ogc/collections/declarations/items?limit=10000"
page "GET /v1/declarations?limit=10000&f=geojson" "$B/v1/declarations?limit=10000&f=geojson"
page "GET /v1/declarations?limit=10000&f=geojson&outline=true" "$B/v1/declarations?limit=10000&f=geojson&outline=true"
page "GET /v1/declarations?limit=10000&f=kml" "$B/v1/declarations?limit=10000&f=kml"
page "GET /v1/declarations?limit=10000&f=csv" "$B/v1/declarations?limit=10000&f=csv"
kill $P; wait $P 2>/dev/null; rm -rf $work

#!/bin/bash
# A page of a list after a 25 s submissions load; BINS="old new" compares two builds.
set -u
LOAD=$(cd "$(dirname "$0")/../.." && pwd)/target/release/examples/load
for BIN in ${BINS:-$(cd "$(dirname "$0")/../.." && pwd)/target/release/deconflict}; do
  work=$(mktemp -d /tmp/dcflist.XXXX)
  $BIN party add joc --coordinator --data $work >/dev/null
  for p in coalition isf pmf; do $BIN party add $p --data $work >/dev/null; done
  T=""; for p in coalition isf pmf; do T="$T,$($BIN token create --party $p --role operator --data $work 2>/dev/null)"; done; T=${T#,}
  JOC=$($BIN token create --party joc --role viewer --data $work 2>/dev/null)
  PMF=$($BIN token create --party pmf --role viewer --data $work 2>/dev/null)
  $BIN serve --data $work --listen 127.0.0.1:18841 --cot-listen off --cot-tls-listen off --rate-limit-per-s 0 --log warn >/dev/null 2>&1 &
  P=$!
  for i in $(seq 100); do curl -s 127.0.0.1:18841/healthz >/dev/null && break; sleep 0.1; done
  $LOAD --url http://127.0.0.1:18841 --token "$T" --connections 32 --seconds 25 --region 38.8,29.1,48.6,37.4 2>&1 | grep connections
  echo "== $BIN"
  for who in JOC PMF; do
    tok=${!who}
    for i in $(seq 15); do curl -s -o /dev/null -w '%{time_total}\n' -H "authorization: Bearer $tok" "http://127.0.0.1:18841/v1/activities?limit=1"; done | sort -n | awk -v w=$who '{a[NR]=$1} END {printf "%s GET /v1/activities?limit=1: p50 %.1f ms, max %.1f ms\n", w, a[int(NR/2)+1]*1000, a[NR]*1000}'
  done
  kill $P; wait $P 2>/dev/null; rm -rf $work
done

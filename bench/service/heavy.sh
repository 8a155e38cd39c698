#!/bin/bash
# Honest writes beside eight clients sending the costliest geometry the service accepts.
# Honest writes while eight clients send the costliest geometry the service accepts.
set -u
BIN=$(cd "$(dirname "$0")/../.." && pwd)/target/release/deconflict
work=$(mktemp -d /tmp/dcfheavy.XXXX)
$BIN party add joc --coordinator --data $work >/dev/null
for p in coalition pmf; do $BIN party add $p --data $work >/dev/null; done
PMF=$($BIN token create --party pmf --role operator --data $work)
COA=$($BIN token create --party coalition --role operator --data $work)
$BIN serve --data $work --listen 127.0.0.1:18831 --cot-listen off --cot-tls-listen off --rate-limit-per-s 0 --log warn >/dev/null 2>&1 &
P=$!
for i in $(seq 100); do curl -s 127.0.0.1:18831/healthz >/dev/null && break; sleep 0.1; done
python3 - "$work" <<'PY'
import json,sys,datetime
now=datetime.datetime.now(datetime.timezone.utc)
t=lambda h:(now+datetime.timedelta(hours=h)).strftime('%Y-%m-%dT%H:%M:%SZ')
n=10000
coords=[[43.0+0.05*i/n, 34.0 if i%2==0 else 34.01] for i in range(n)]
json.dump({"kind":"patrol","label":"heavy","geometry":{"type":"LineString","coordinates":coords},"buffer_m":10,"start":t(1),"end":t(2)},open(sys.argv[1]+"/heavy.json","w"))
json.dump({"kind":"patrol","label":"honest","geometry":{"type":"Point","coordinates":[44.3,33.3]},"buffer_m":100,"start":t(3),"end":t(4)},open(sys.argv[1]+"/honest.json","w"))
PY
measure() {
  for i in $(seq 40); do
    curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -H "authorization: Bearer $COA" -H 'content-type: application/json' --data @$work/honest.json http://127.0.0.1:18831/v1/activities
    sleep 0.05
  done | awk '{print $2}' | sort -n | awk '{a[NR]=$1} END {printf "honest writes: n=%d p50 %.1f ms, max %.1f ms\n", NR, a[int(NR/2)+1]*1000, a[NR]*1000}'
}
echo "alone:"; measure
for c in $(seq 8); do
  ( while true; do curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -H "authorization: Bearer $PMF" -H 'content-type: application/json' --data @$work/heavy.json http://127.0.0.1:18831/v1/activities >> $work/heavy.$c; done ) &
  echo $! >> $work/pids
done
sleep 2
echo "beside eight streams of the costliest accepted geometry:"; measure
kill $(cat $work/pids) 2>/dev/null
cat $work/heavy.* | awk '{s[$1]++; t+=$2; n++} END {for (k in s) printf "heavy: %d answered %s\n", s[k], k; printf "heavy: mean %.0f ms each\n", t/n*1000}'
kill $P; wait $P 2>/dev/null
rm -rf $work

#!/bin/bash
# One node on SQLite, one node on PostgreSQL, three nodes on PostgreSQL, each load on a fresh store:
# durable submissions (the dense box, then all of Iraq) and track reports (HTTP batches and
# Cursor-on-Target); then, on three nodes, the time another node takes to sign checkpoints once the
# leading node is killed. Run as root (PostgreSQL runs as `postgres`), after
#   cargo build --release -p deconflict && cargo build --release -p deconflict-server --example load --example tracks
# WHAT, HOW and TAKEOVERS choose a part: e.g. WHAT=submissions-dense HOW=sqlite TAKEOVERS=0.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=$ROOT/target/release/deconflict
LOAD=$ROOT/target/release/examples/load
TRACKS=$ROOT/target/release/examples/tracks
SECONDS_RUN=${SECONDS_RUN:-20}
IRAQ="--region 38.8,29.1,48.6,37.4"
METRICS=bench-metrics-token-0123456789abcdef
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | tail -1)
work=$(mktemp -d /tmp/dcfbench.XXXX); chmod 755 $work
NODES=()

# Parties and operator tokens on a store (`--data D` or `--store URL`): sets COALITION, ISF, PMF.
parties() {
  $BIN party add joc --coordinator $1 >/dev/null
  for p in coalition isf pmf; do $BIN party add $p $1 >/dev/null; done
  COALITION=$($BIN token create --party coalition --role operator $1)
  ISF=$($BIN token create --party isf --role operator $1)
  PMF=$($BIN token create --party pmf --role operator $1)
}
# A node on port $1 (Cursor-on-Target on $1+1000), the rest its store flags.
serve() {
  local port=$1; shift
  $BIN serve "$@" --listen 127.0.0.1:$port --cot-listen 127.0.0.1:$((port + 1000)) \
    --cot-tls-listen off --rate-limit-per-s 0 --report-backlog 0 --metrics-token $METRICS \
    --log warn >/dev/null 2>&1 &
  NODES+=($!)
  for _ in $(seq 100); do curl -s 127.0.0.1:$port/healthz >/dev/null && break; sleep 0.1; done
}
stop_nodes() { kill "${NODES[@]}" 2>/dev/null; wait "${NODES[@]}" 2>/dev/null; NODES=(); }
# Submissions on every port given, $1 connections each, run together.
submissions() {
  local conns=$1 region=$2; shift 2
  local pids=()
  for port in "$@"; do
    $LOAD --url http://127.0.0.1:$port --token "$COALITION,$ISF,$PMF" --connections $conns \
      --seconds $SECONDS_RUN $region > $work/load.$port 2>&1 &
    pids+=($!)
  done
  wait "${pids[@]}"
  for port in "$@"; do echo "--- node $port"; cat $work/load.$port; done
}
tracks() {
  $TRACKS --url http://127.0.0.1:$1 --cot 127.0.0.1:$(($1 + 1000)) --coalition "$COALITION" \
    --pmf "$PMF" --probe "$ISF" --metrics $METRICS --seconds 10 2>&1
}

mkdir $work/pg; chown postgres $work/pg
runuser -u postgres -- $PGBIN/initdb -D $work/pg/data -A trust -U postgres >/dev/null
runuser -u postgres -- $PGBIN/pg_ctl -D $work/pg/data -l $work/pg/log \
  -o "-c listen_addresses='' -c unix_socket_directories=$work/pg -c fsync=on" -w start >/dev/null
socket=$(python3 -c "import urllib.parse,sys;print(urllib.parse.quote(sys.argv[1],safe=''))" $work/pg)
n=0
# A fresh PostgreSQL database: sets URL.
database() {
  n=$((n + 1))
  psql -h $work/pg -U postgres -qc "create database db$n"
  URL="postgresql://postgres@$socket/db$n"
}
# $1: what to run on the store's nodes ("submissions-dense", ...); $2: sqlite | pg1 | pg3.
run() {
  local what=$1 how=$2 d=$work/d$RANDOM
  mkdir -p $d/a $d/b $d/c
  case $how in
    sqlite) parties "--data $d/a"; serve 18801 --data $d/a; ports=(18801); conns=32 ;;
    pg1) database; parties "--store $URL"; serve 18801 --store $URL --data $d/a; ports=(18801); conns=32 ;;
    pg3) database; parties "--store $URL"
         serve 18801 --store $URL --data $d/a; serve 18802 --store $URL --data $d/b
         serve 18803 --store $URL --data $d/c; ports=(18801 18802 18803); conns=11 ;;
  esac
  echo "=== $what, $how"
  case $what in
    submissions-dense) submissions $conns "" "${ports[@]}" ;;
    submissions-iraq) submissions $conns "$IRAQ" "${ports[@]}" ;;
    tracks) tracks 18801 ;;
  esac
  stop_nodes
}
for what in ${WHAT:-submissions-dense submissions-iraq tracks}; do
  for how in ${HOW:-sqlite pg1 pg3}; do run $what $how; done
done

# Takeover: the first node started holds the lease. Killed, the time until another node has signed a
# checkpoint of an entry written after the kill (the leader signs twice a second while entries land).
# Each round on a fresh database and three fresh nodes.
for round in $(seq ${TAKEOVERS:-3}); do
  database; parties "--store $URL"
  JOC=$($BIN token create --party joc --role viewer --store $URL)
  d=$work/takeover$round; mkdir -p $d/a $d/b $d/c
  serve 18801 --store $URL --data $d/a; serve 18802 --store $URL --data $d/b
  serve 18803 --store $URL --data $d/c
  sleep 1
  start=$(date -u -d '+1 day' +%Y-%m-%dT%H:00:00Z); end=$(date -u -d '+1 day 1 hour' +%Y-%m-%dT%H:00:00Z)
  activity='{"kind":"patrol","label":"after the kill","geometry":{"type":"Point","coordinates":[44.0,33.3]},"buffer_m":100,"start":"'$start'","end":"'$end'"}'
  kill -9 ${NODES[0]}; t0=$(date +%s.%N)
  curl -s -o /dev/null -X POST 127.0.0.1:18802/v1/activities -H "Authorization: Bearer $ISF" \
    -H 'content-type: application/json' -d "$activity"
  head=$(curl -s 127.0.0.1:18802/v1/state -H "Authorization: Bearer $JOC" |
    python3 -c 'import json,sys;print(json.load(sys.stdin)["seq"])')
  signed() { # a checkpoint of the entry or of a few more (a sweep may land meanwhile)
    for size in $(seq $head $((head + 3))); do
      [ "$(curl -s -o /dev/null -w '%{http_code}' "127.0.0.1:18802/v1/log/checkpoint?size=$size" \
        -H "Authorization: Bearer $JOC")" = 200 ] && return 0
    done
    return 1
  }
  until signed; do sleep 0.02; done
  t1=$(date +%s.%N)
  echo "=== takeover, round $round: a checkpoint of entry $head signed $(python3 -c "print(f'{$t1 - $t0:.2f}')") s after the leading node was killed"
  stop_nodes
done
runuser -u postgres -- $PGBIN/pg_ctl -D $work/pg/data -m fast stop >/dev/null
rm -rf $work

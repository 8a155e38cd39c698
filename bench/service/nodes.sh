#!/bin/bash
# One node on SQLite, one node on PostgreSQL, three nodes on PostgreSQL: durable submissions.
set -u
BIN=$(cd "$(dirname "$0")/../.." && pwd)/target/release/deconflict
LOAD=$(cd "$(dirname "$0")/../.." && pwd)/target/release/examples/load
SECONDS_RUN=${SECONDS_RUN:-20}
REGION=${REGION:-}
PGBIN=/usr/lib/postgresql/15/bin
work=$(mktemp -d /tmp/dcfbench.XXXX); chmod 755 $work
tokens() { # $1 = --data D | --store URL
  $BIN party add joc --coordinator $1 >/dev/null
  for p in coalition isf pmf; do $BIN party add $p $1 >/dev/null; done
  T=""
  for p in coalition isf pmf; do T="$T,$($BIN token create --party $p --role operator $1)"; done
  echo ${T#,}
}
serve() { # $1 port, rest: store flags
  local port=$1; shift
  $BIN serve "$@" --listen 127.0.0.1:$port --cot-listen off --cot-tls-listen off --rate-limit-per-s 0 --log warn >/dev/null 2>&1 &
  echo $!
  for i in $(seq 100); do curl -s 127.0.0.1:$port/healthz >/dev/null && break; sleep 0.1; done
}
load() { # ports..., connections each
  local conns=$1; shift
  local pids=()
  for port in "$@"; do
    $LOAD --url http://127.0.0.1:$port --token "$TOK" --connections $conns --seconds $SECONDS_RUN $REGION > $work/load.$port 2>&1 &
    pids+=($!)
  done
  wait "${pids[@]}"
  for port in "$@"; do echo "--- node $port"; cat $work/load.$port; done
}
echo "=== one node, SQLite"
mkdir $work/sqlite
TOK=$(tokens "--data $work/sqlite")
P=$(serve 18801 --data $work/sqlite)
load 32 18801
kill $P; wait $P 2>/dev/null

echo "=== PostgreSQL"
mkdir $work/pg; chown postgres $work/pg
runuser -u postgres -- $PGBIN/initdb -D $work/pg/data -A trust -U postgres >/dev/null
runuser -u postgres -- $PGBIN/pg_ctl -D $work/pg/data -l $work/pg/log -o "-c listen_addresses='' -c unix_socket_directories=$work/pg -c fsync=on" -w start >/dev/null
enc=$(python3 -c "import urllib.parse,sys;print(urllib.parse.quote(sys.argv[1],safe=''))" $work/pg)
for db in one three; do psql -h $work/pg -U postgres -qc "create database $db" ; done
URL1="postgresql://postgres@$enc/one"; URL3="postgresql://postgres@$enc/three"
echo "=== one node, PostgreSQL"
TOK=$(tokens "--store $URL1")
mkdir $work/n0
P=$(serve 18811 --store $URL1 --data $work/n0)
load 32 18811
kill $P; wait $P 2>/dev/null
echo "=== three nodes, PostgreSQL"
TOK=$(tokens "--store $URL3")
mkdir $work/n1 $work/n2 $work/n3
P1=$(serve 18821 --store $URL3 --data $work/n1)
P2=$(serve 18822 --store $URL3 --data $work/n2)
P3=$(serve 18823 --store $URL3 --data $work/n3)
load 11 18821 18822 18823
kill $P1 $P2 $P3; wait 2>/dev/null
runuser -u postgres -- $PGBIN/pg_ctl -D $work/pg/data -m fast stop >/dev/null
rm -rf $work

#!/usr/bin/env bash
# PostGIS against deconflict-geo4d on the same data and the same queries.
# See README.md next to this file. Usage:
#   bench/postgis/run.sh                 # 1,000,000 declarations, 10,000 queries
#   N=100000 Q=2000 bench/postgis/run.sh # smaller
# Environment: N, Q, PORT (default 54329), KEEP=1 keeps the work directory
# and leaves nothing running, WORK=DIR to choose it, LITERAL_Q (default 20).
set -euo pipefail

N=${N:-1000000}
Q=${Q:-10000}
PORT=${PORT:-54329}
LITERAL_Q=${LITERAL_Q:-20}
PG_VERSION=15
PGBIN=/usr/lib/postgresql/$PG_VERSION/bin
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=${WORK:-$(mktemp -d /tmp/deconflict-postgis.XXXXXX)}
mkdir -p "$WORK"
chmod 755 "$WORK"
DATA=$WORK/data
PGDIR=$WORK/pg
PGDATA=$PGDIR/data
SOCK=$PGDIR/sock

say() { printf '\n== %s\n' "$*" >&2; }

# --- 1. PostgreSQL 15 server and PostGIS 3, from Debian, if missing ---------
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
if [ ! -x "$PGBIN/initdb" ] || [ ! -f /usr/share/postgresql/$PG_VERSION/extension/postgis.control ]; then
    say "installing postgresql-$PG_VERSION and postgresql-$PG_VERSION-postgis-3 (apt-get)"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        "postgresql-$PG_VERSION" "postgresql-$PG_VERSION-postgis-3"
fi

# The server refuses to run as root: run it as `postgres` when we are root.
if [ "$(id -u)" -eq 0 ]; then
    as_pg() { runuser -u postgres -- "$@"; }
    PGUSER_OS=postgres
else
    as_pg() { "$@"; }
    PGUSER_OS=$(id -un)
fi

cleanup() {
    if [ -f "$PGDATA/postmaster.pid" ]; then
        as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null 2>&1 || true
    fi
    if [ "${KEEP:-0}" != 1 ]; then rm -rf "$WORK"; else echo "kept $WORK" >&2; fi
}
trap cleanup EXIT

# --- 2. The data, and our side of the run -----------------------------------
say "building the Rust examples (release)"
cd "$ROOT"
cargo build --release -q -p deconflict-geo4d --example export_dataset --example query_latency
TARGET_DIR=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
EXAMPLES=$TARGET_DIR/release/examples

say "exporting $N declarations and $Q queries to $DATA"
"$EXAMPLES/export_dataset" "$DATA" --n "$N" --queries "$Q"

say "deconflict-geo4d: the same $Q queries, single thread (server not running yet)"
"$EXAMPLES/query_latency" --n "$N" --queries "$Q" --hits-out "$DATA/ours_hits.csv" >"$WORK/ours.txt"
cat "$WORK/ours.txt" >&2
OURS=$(grep '^RESULT' "$WORK/ours.txt")
field() { sed -n "s/.*[ ]$1=\([^ ]*\).*/\1/p" <<<"$2"; }
OURS_MEDIAN=$(field median_us "$OURS")
OURS_P99=$(field p99_us "$OURS")
OURS_MEAN=$(field mean_us "$OURS")
OURS_QPS=$(field qps "$OURS")
chmod -R a+rX "$DATA"

# --- 3. A throwaway cluster -------------------------------------------------
say "initialising a throwaway cluster in $PGDATA on port $PORT"
mkdir -p "$PGDATA" "$SOCK"
chown -R "$PGUSER_OS" "$PGDIR"
as_pg "$PGBIN/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$WORK/initdb.log"
as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDIR/postgres.log" -w start -o \
    "-p $PORT -k $SOCK -c listen_addresses='' -c shared_buffers=1GB -c work_mem=64MB \
     -c maintenance_work_mem=1GB -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
     -c max_parallel_workers_per_gather=0 -c max_parallel_maintenance_workers=0 -c jit=off" >/dev/null
psql_() { psql -X -q -v ON_ERROR_STOP=1 -h "$SOCK" -p "$PORT" -U postgres -d postgres "$@"; }

say "loading the same data into PostGIS"
psql_ <<SQL
\timing on
CREATE EXTENSION postgis;
SELECT postgis_full_version();
CREATE TABLE decl (
    id bigint PRIMARY KEY, geog geography NOT NULL, buffer_m float8 NOT NULL,
    alt_lo float8 NOT NULL, alt_hi float8 NOT NULL, t_from bigint NOT NULL, t_to bigint);
CREATE TABLE query (LIKE decl);
\copy decl FROM '$DATA/declarations.csv' WITH (FORMAT csv)
\copy query FROM '$DATA/queries.csv' WITH (FORMAT csv)
CREATE TABLE ours (qid bigint NOT NULL, id bigint NOT NULL);
\copy ours FROM '$DATA/ours_hits.csv' WITH (FORMAT csv)
-- Plain GiST on the geography: what ST_DWithin can use.
CREATE INDEX decl_geog ON decl USING gist (geog);
-- GiST on the box of each buffered geography: the engine's own approach.
CREATE INDEX decl_reach ON decl USING gist (_ST_Expand(geog, buffer_m * 1.01));
VACUUM ANALYZE decl;
ANALYZE query;
ANALYZE ours;
SELECT pg_size_pretty(pg_table_size('decl')) AS table_size,
       pg_size_pretty(pg_relation_size('decl_geog')) AS gist_geog,
       pg_size_pretty(pg_relation_size('decl_reach')) AS gist_reach;
SQL

# The queries, one per loop turn in a PL/pgSQL function (static SQL there is
# a prepared statement), each timed with clock_timestamp() around the one
# SELECT that collects the ids it hits.
#  literal: ST_DWithin(geog, q, buffer + q.buffer) alone, as the rule reads;
#           the distance depends on the row, so GiST cannot be used.
#  maxbuf:  an index-usable ST_DWithin(geog, q, q.buffer + max buffer) first,
#           then the exact ST_DWithin(geog, q, buffer + q.buffer).
#  reach:   the expression index of buffered boxes (&&), then the exact test.
# Boxes are grown by 1 % because PostGIS expands geography boxes with the
# mean Earth radius; the exact test is the same in all three.
psql_ <<'SQL'
CREATE TABLE pg_result (variant text, pass int, qid bigint, us float8, ids bigint[]);
CREATE FUNCTION run_queries(variant text, pass int, lim int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    q record;
    t0 timestamptz;
    t1 timestamptz;
    found_ids bigint[];
    maxbuf float8 := (SELECT max(buffer_m) FROM decl);
BEGIN
    FOR q IN SELECT * FROM query ORDER BY id LIMIT lim LOOP
        IF variant = 'literal' THEN
            t0 := clock_timestamp();
            SELECT coalesce(array_agg(d.id), '{}') INTO found_ids FROM decl d
            WHERE ST_DWithin(d.geog, q.geog, d.buffer_m + q.buffer_m, true)
              AND d.t_from < q.t_to AND (d.t_to IS NULL OR d.t_to > q.t_from)
              AND d.alt_lo <= q.alt_hi AND q.alt_lo <= d.alt_hi;
            t1 := clock_timestamp();
        ELSIF variant = 'maxbuf' THEN
            t0 := clock_timestamp();
            SELECT coalesce(array_agg(d.id), '{}') INTO found_ids FROM decl d
            WHERE ST_DWithin(d.geog, q.geog, (q.buffer_m + maxbuf) * 1.01, true)
              AND ST_DWithin(d.geog, q.geog, d.buffer_m + q.buffer_m, true)
              AND d.t_from < q.t_to AND (d.t_to IS NULL OR d.t_to > q.t_from)
              AND d.alt_lo <= q.alt_hi AND q.alt_lo <= d.alt_hi;
            t1 := clock_timestamp();
        ELSE
            t0 := clock_timestamp();
            SELECT coalesce(array_agg(d.id), '{}') INTO found_ids FROM decl d
            WHERE _ST_Expand(d.geog, d.buffer_m * 1.01) && _ST_Expand(q.geog, q.buffer_m * 1.01)
              AND ST_DWithin(d.geog, q.geog, d.buffer_m + q.buffer_m, true)
              AND d.t_from < q.t_to AND (d.t_to IS NULL OR d.t_to > q.t_from)
              AND d.alt_lo <= q.alt_hi AND q.alt_lo <= d.alt_hi;
            t1 := clock_timestamp();
        END IF;
        INSERT INTO pg_result VALUES (variant, pass, q.id, extract(epoch FROM t1 - t0) * 1e6, found_ids);
    END LOOP;
END $$;
SQL

say "query plans for the first query (literal, maxbuf, reach)"
psql_ <<'SQL'
SELECT max(buffer_m) AS maxbuf FROM decl \gset
SELECT geog AS qg, buffer_m AS qb, t_from AS qf, t_to AS qt, alt_lo AS ql, alt_hi AS qh FROM query WHERE id = 1 \gset
PREPARE lit(geography, float8, bigint, bigint, float8, float8) AS SELECT count(*) FROM decl d WHERE ST_DWithin(d.geog, $1, d.buffer_m + $2, true)
  AND d.t_from < $4 AND (d.t_to IS NULL OR d.t_to > $3) AND d.alt_lo <= $6 AND $5 <= d.alt_hi;
PREPARE mb(geography, float8, bigint, bigint, float8, float8, float8) AS SELECT count(*) FROM decl d WHERE ST_DWithin(d.geog, $1, ($2 + $7) * 1.01, true)
  AND ST_DWithin(d.geog, $1, d.buffer_m + $2, true)
  AND d.t_from < $4 AND (d.t_to IS NULL OR d.t_to > $3) AND d.alt_lo <= $6 AND $5 <= d.alt_hi;
PREPARE re(geography, float8, bigint, bigint, float8, float8) AS SELECT count(*) FROM decl d WHERE _ST_Expand(d.geog, d.buffer_m * 1.01) && _ST_Expand($1, $2 * 1.01)
  AND ST_DWithin(d.geog, $1, d.buffer_m + $2, true)
  AND d.t_from < $4 AND (d.t_to IS NULL OR d.t_to > $3) AND d.alt_lo <= $6 AND $5 <= d.alt_hi;
SET plan_cache_mode = force_generic_plan;
EXPLAIN (COSTS off) EXECUTE lit(:'qg', :qb, :qf, :qt, :ql, :qh);
EXPLAIN (ANALYZE, COSTS off, TIMING off, SUMMARY off) EXECUTE mb(:'qg', :qb, :qf, :qt, :ql, :qh, :maxbuf);
EXPLAIN (ANALYZE, COSTS off, TIMING off, SUMMARY off) EXECUTE re(:'qg', :qb, :qf, :qt, :ql, :qh);
SQL

say "PostGIS: $LITERAL_Q queries literal, then $Q queries maxbuf and reach (a warm-up pass, then a timed pass each)"
psql_ <<SQL
\timing on
SELECT run_queries('literal', 1, $LITERAL_Q);
SELECT run_queries('maxbuf', 0, $Q);
SELECT run_queries('maxbuf', 1, $Q);
SELECT run_queries('reach', 0, $Q);
SELECT run_queries('reach', 1, $Q);
SQL

say "PostGIS latency (timed pass, microseconds per query)"
psql_ -P footer=off <<'SQL'
SELECT variant, count(*) AS queries,
       round(percentile_disc(0.5) WITHIN GROUP (ORDER BY us)::numeric, 1) AS median_us,
       round(percentile_disc(0.99) WITHIN GROUP (ORDER BY us)::numeric, 1) AS p99_us,
       round(avg(us)::numeric, 1) AS mean_us,
       round((count(*) / (sum(us) / 1e6))::numeric) AS qps,
       round(avg(cardinality(ids)), 2) AS avg_hits
FROM pg_result WHERE pass = 1 GROUP BY variant ORDER BY variant;
SQL

say "agreement: our hits against PostGIS 'reach' and 'maxbuf' (same queries)"
psql_ -P footer=off <<'SQL'
CREATE TABLE pg_hits AS
    SELECT variant, qid, unnest(ids) AS id FROM pg_result WHERE pass = 1 AND variant <> 'literal';
SELECT variant, count(*) AS pg_hits FROM pg_hits GROUP BY variant ORDER BY variant;
SELECT count(*) AS our_hits FROM ours;
SELECT 'maxbuf vs reach' AS pair, count(*) AS differing_hits FROM (
    (SELECT qid, id FROM pg_hits WHERE variant = 'maxbuf' EXCEPT ALL SELECT qid, id FROM pg_hits WHERE variant = 'reach')
    UNION ALL
    (SELECT qid, id FROM pg_hits WHERE variant = 'reach' EXCEPT ALL SELECT qid, id FROM pg_hits WHERE variant = 'maxbuf')) x;
SELECT 'literal vs reach' AS pair, count(*) AS differing_queries
FROM pg_result l JOIN pg_result r ON r.qid = l.qid AND r.variant = 'reach' AND r.pass = 1
WHERE l.variant = 'literal' AND l.pass = 1
  AND NOT (l.ids @> r.ids AND r.ids @> l.ids);
CREATE TABLE disagreement AS
SELECT coalesce(o.qid, p.qid) AS qid, coalesce(o.id, p.id) AS id,
       CASE WHEN p.id IS NULL THEN 'ours only' ELSE 'PostGIS only' END AS side
FROM ours o
FULL JOIN (SELECT qid, id FROM pg_hits WHERE variant = 'reach') p ON p.qid = o.qid AND p.id = o.id
WHERE o.id IS NULL OR p.id IS NULL;
SELECT count(*) AS disagreeing_hits,
       count(DISTINCT qid) AS queries_affected,
       (SELECT count(*) FROM query) - count(DISTINCT qid) AS queries_identical
FROM disagreement;
-- Every disagreement, measured by PostGIS: how far from the limit is it?
SELECT x.side, GeometryType(d.geog) AS kind, x.qid, x.id,
       round((d.buffer_m + q.buffer_m)::numeric, 2) AS limit_m,
       round(ST_Distance(d.geog, q.geog, true)::numeric, 3) AS postgis_m,
       round((ST_Distance(d.geog, q.geog, true) - d.buffer_m - q.buffer_m)::numeric, 3) AS excess_m
FROM disagreement x JOIN decl d ON d.id = x.id JOIN query q ON q.id = x.qid
ORDER BY abs(ST_Distance(d.geog, q.geog, true) - d.buffer_m - q.buffer_m) DESC
LIMIT 50;
SQL

PG=$(psql_ -At -F ' ' -c "SELECT round(avg(us)::numeric, 2), round((count(*) / (sum(us) / 1e6))::numeric),
        percentile_disc(0.5) WITHIN GROUP (ORDER BY us), percentile_disc(0.99) WITHIN GROUP (ORDER BY us)
    FROM pg_result WHERE pass = 1 AND variant = 'reach'")
PG_MB=$(psql_ -At -c "SELECT round((count(*) / (sum(us) / 1e6))::numeric) FROM pg_result WHERE pass = 1 AND variant = 'maxbuf'")
read -r PG_MEAN PG_QPS PG_MEDIAN PG_P99 <<<"$PG"
DIS=$(psql_ -At -c "SELECT count(*) FROM disagreement")

say "summary ($N declarations, $Q activity-circle queries, one thread each)"
awk -v oq="$OURS_QPS" -v om="$OURS_MEDIAN" -v o99="$OURS_P99" -v omean="$OURS_MEAN" \
    -v pq="$PG_QPS" -v pm="$PG_MEDIAN" -v p99="$PG_P99" -v pmean="$PG_MEAN" -v pmb="$PG_MB" -v dis="$DIS" 'BEGIN {
    printf "deconflict-geo4d  : %9.0f queries/s  median %8.2f us  p99 %8.2f us  mean %8.2f us\n", oq, om, o99, omean
    printf "PostGIS (reach)   : %9.0f queries/s  median %8.2f us  p99 %8.2f us  mean %8.2f us\n", pq, pm, p99, pmean
    printf "PostGIS (maxbuf)  : %9.0f queries/s\n", pmb
    printf "throughput ratio  : %.1fx over the faster PostGIS variant (target >= 20x: %s)\n", oq / (pq > pmb ? pq : pmb), (oq / (pq > pmb ? pq : pmb) >= 20 ? "met" : "MISSED")
    printf "hits that disagree: %d (listed above with PostGIS distances)\n", dis
}'

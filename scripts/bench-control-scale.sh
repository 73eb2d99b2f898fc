#!/usr/bin/env bash
# Issue 12: control planes in processes of their own on one PostgreSQL, driven by `fogline sim --control`.
#   scripts/bench-control-scale.sh heap   DEVICES   one replica, heap capped at 256 MiB, GC log kept: the peak heap
#   scripts/bench-control-scale.sh one    DEVICES   one replica: polls/s, poll p99 and the roll-out time
#   scripts/bench-control-scale.sh two    DEVICES   two replicas sharing the database and an S3-compatible store (s3rver)
# POLL_INTERVAL (s, default 2), WARM_UP, MEASURE (s), CANARY (default 1%) and DEVICE_TIMEOUT (s, default 600) change
# the simulator's settings; PORT (default 8180) is the first replica's, the second takes the next.
# Each run uses a fresh database and prints the simulator's summary and the load average at its start and end; the
# work folder is target/bench-control-<mode>. Every JVM gets an explicit heap: a replica 1 GiB (256 MiB in heap mode),
# the simulator SIM_HEAP (default 3g; 100,000 devices are 100,000 virtual threads).
set -euo pipefail
mode=$1
devices=$2
interval=${POLL_INTERVAL:-2}
port=${PORT:-8180}
cd "$(dirname "$0")/.."
work=$PWD/target/bench-control-$mode
rm -rf "$work"
mkdir -p "$work"
echo "== $(date -u +%FT%TZ) start, commit $(git rev-parse --short HEAD), load average $(cut -d' ' -f1-3 /proc/loadavg)"
database=fogline_bench_$mode
psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $database" -c "CREATE DATABASE $database"
url="jdbc:postgresql://127.0.0.1:5432/$database?user=postgres"
token=bench-admin-token
./fogline bundle keygen --out "$work/signing-key.json" >/dev/null
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT
s3=()
replicas=1
if [[ $mode == two ]]; then
  replicas=2
  node control/src/test/s3/node_modules/s3rver/bin/s3rver.js -d "$work/s3" -a 127.0.0.1 -p 4568 \
    --configure-bucket fogline >"$work/s3rver.log" 2>&1 &
  pids+=($!)
  s3=(--s3-bucket fogline --s3-endpoint http://127.0.0.1:4568)
  export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER
fi
controls=()
for ((r = 0; r < replicas; r++)); do
  dir=$work/replica-$r
  mkdir -p "$dir"
  ./fogline bundle trust --trusted-keys "$dir/trust-store.json" --add "$work/signing-key.pub.json" >/dev/null
  heap=(-Xmx1g)
  [[ $mode == heap ]] && heap=(-Xmx256m "-Xlog:gc:file=$dir/gc.log")
  FOGLINE_JAVA_OPTS="${heap[*]:-}" ./fogline control --http-port $((port + r)) --data-dir "$dir" --database "$url" \
    --admin-token $token --poll-interval "$interval" "${s3[@]}" >"$dir/control.log" 2>&1 &
  pids+=($!)
  controls+=(--control "http://127.0.0.1:$((port + r))")
done
for ((r = 0; r < replicas; r++)); do
  until curl -s -o /dev/null "http://127.0.0.1:$((port + r))/api/v1/models"; do sleep 1; done
done
FOGLINE_JAVA_OPTS="-Xmx${SIM_HEAP:-3g}" ./fogline sim "${controls[@]}" --admin-token $token --signing-key "$work/signing-key.json" --devices "$devices" \
  --poll-interval "$interval" --warm-up "${WARM_UP:-15}" --measure "${MEASURE:-30}" --canary "${CANARY:-1%}" --factor 4 \
  --device-timeout "${DEVICE_TIMEOUT:-600}" \
  --work "$work/sim" | tee "$work/sim.log"
echo "== $(date -u +%FT%TZ) end, load average $(cut -d' ' -f1-3 /proc/loadavg)"
if [[ $mode == heap ]]; then
  # Each collection's line reads "Pause Young|Full (<cause>) <in use before>M-><in use after>M(<committed>M) <pause>ms";
  # what a full collection leaves is the live set.
  sed -nE 's/.*Pause (Young|Full).* ([0-9]+)M->([0-9]+)M\(([0-9]+)M\) ([0-9.]+)ms/\1 \2 \3 \4 \5/p' "$work/replica-0/gc.log" |
    awk '{ n++; if ($2 > before) before = $2; if ($4 > committed) committed = $4; if ($5 > pause) pause = $5
           if ($1 == "Full") { full++; live = live (full > 1 ? ", " : "") $3 " MiB" } else if ($3 > young) young = $3 }
         END { printf "== control plane heap (-Xmx256m): %d collections, %d of them full; live set after each full"\
               " collection: %s; most left after a young collection %d MiB; most in use before a collection %d MiB;"\
               " most committed %d MiB; longest pause %.0f ms\n", n, full, (full ? live : "none"), young, before,
               committed, pause }'
fi

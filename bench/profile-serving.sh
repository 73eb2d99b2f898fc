#!/usr/bin/env bash
# Where a lone request's microseconds go in the node: runs `fogline bench serving --scenarios telemetry` (the tiny MLP
# at one client, binary HTTP and gRPC, telemetry off and on) with JDK Flight Recorder in every JVM it starts, sampling
# each thread by the CPU time it uses (JDK 25's jdk.CPUTimeSample, native frames included), then prints for each node
# where its request threads' CPU time went (JfrBreakdown: ONNX Runtime, socket I/O, Fogline's code, its observers,
# Netty/Vert.x/gRPC) and the hottest Fogline methods. The benchmark's own figures (per-thread-group CPU µs per request)
# print as usual. Usage: bench/profile-serving.sh [OUT_DIR] [more fogline bench serving options]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=$(realpath -m "${1:-target/profile-serving}")
shift || true
mkdir -p "$out"
rm -f "$out"/*.jfr
# shellcheck source=scripts/jdk.sh
source "$root/scripts/jdk.sh"
fogline_find_jdk
# %p: the benchmark's JVM and each node's write a recording of their own, named by process id.
export FOGLINE_JAVA_OPTS="-XX:StartFlightRecording:jdk.CPUTimeSample#enabled=true,jdk.CPUTimeSample#throttle=1ms,settings=profile,filename=$out/%p.jfr -Xlog:jfr+startup=warning"
"$root/fogline" bench serving --scenarios telemetry --warmup 1 --measure 4 --repetitions 1 "$@" | tee "$out/bench.log"
for recording in "$out"/*.jfr; do
  info=$("$JAVA_HOME/bin/jfr" print --events jdk.JVMInformation "$recording")
  # The benchmark's own recording has no node in it.
  grep -q 'fogline.jar node' <<<"$info" || continue
  grep -q -- '--control' <<<"$info" && telemetry="telemetry on" || telemetry="telemetry off"
  echo
  build=$(grep -o '[^ "]*/fogline.jar node' <<<"$info" | sed 's| node$||')
  echo "### Node $(basename "$recording" .jfr), $telemetry, $build"
  echo
  "$JAVA_HOME/bin/java" -cp "$root/cli/target/fogline.jar" io.fogline.bench.serving.JfrBreakdown "$recording"
done | tee "$out/profile.md"

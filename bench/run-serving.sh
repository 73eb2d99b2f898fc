#!/usr/bin/env bash
# Builds the node jar and the bench module, then runs the serving benchmark with the codec micro-benchmarks
# (`fogline bench serving` runs the rest from the jar alone); it replaces the
# "## Serving (issue 2)" section of docs/benchmarks.md. Arguments go to ServingBenchmark (--help lists them).
# Run it on a quiet machine: the load generator and the node share the cores with everything else.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
# shellcheck source=scripts/jdk.sh
source scripts/jdk.sh
fogline_find_jdk
./mvnw -q -B package -DskipTests -pl cli,bench -am
# ONNX Runtime 1.29 crashes in its telemetry code when the command line is long, as this class path makes it.
export ORT_DISABLE_TELEMETRY=1
# The flags of ./fogline, so that the in-process ONNX Runtime peer runs on the JVM setup the node runs on.
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC \
  -cp "bench/target/fogline-bench-0.1.0-SNAPSHOT.jar:$(cat bench/target/classpath.txt)" \
  io.fogline.bench.serving.ServingBenchmark "$@"

#!/usr/bin/env bash
# Measures issue 3 (training on Fashion-MNIST, INT8 quantization of the MLP and of all-MiniLM-L6-v2 beside its
# published twin) and writes the figures into docs/benchmarks.md. Takes about five minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/jdk.sh
fogline_find_jdk
scripts/install-test-deps.sh
classpath_file=$(mktemp)
trap 'rm -f "$classpath_file"' EXIT
./mvnw -q -pl core,learn,optimize -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$classpath_file" >/dev/null
commit=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- learn optimize || echo "+changes")
# Fogline's own modules from this checkout, never from a local repository another build may have installed into.
libraries=$(tr ':' '\n' <"$classpath_file" | grep -v '/io/fogline/' | paste -sd:)
classpath=optimize/target/test-classes:optimize/target/classes:learn/target/classes:core/target/classes:$libraries
ORT_DISABLE_TELEMETRY=1 "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector \
  -Xmx4g -cp "$classpath" \
  io.fogline.optimize.bench.LearnOptimizeBenchmark docs/benchmarks.md "$commit"

#!/usr/bin/env bash
# Measures what the Vector API kernels of commit ea21bc8 are worth to CNN training: CPU seconds of one warm epoch over
# the first 6,000 training images with the learn module of ea21bc8's parent (scalar loops) and of this checkout, each
# model in a JVM of its own, alternating. CPU seconds rather than wall time, so that other work on the cores matters
# less. Usage: scripts/cnn-kernels/before-after.sh [MODEL...] (default cnn:16,32 cnn:32,64); about 5 CPU minutes.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/jdk.sh
fogline_find_jdk
before=$(mktemp -d)
trap 'rm -rf "$before"' EXIT
git archive ea21bc8^ | tar -x -C "$before"
(cd "$before" && ./mvnw -B -ntp -q -o -pl learn -am compile -Dspotless.check.skip=true)
./mvnw -B -ntp -q -o -pl learn -am compile -Dspotless.check.skip=true
models=("$@")
[[ ${#models[@]} -gt 0 ]] || models=(cnn:16,32 cnn:32,64)
for model in "${models[@]}"; do
  for side in before after; do
    root=.
    [[ $side == before ]] && root=$before
    echo "$side (load $(cut -d' ' -f1-3 /proc/loadavg))"
    "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector -Xmx2g \
      -cp "$root/learn/target/classes:$root/core/target/classes" scripts/cnn-kernels/CnnEpochTimer.java "$model" 6000 \
      2>/dev/null
  done
done

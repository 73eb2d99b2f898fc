#!/usr/bin/env bash
# Writes the "Smaller models for the edge (issue 15)" section of a markdown file from the reports that
# scripts/benchmark-edge-models.sh left in its work folder (and the parent's training output in WORK/parent.log, where a
# parent trained elsewhere leaves it too). Usage: edge-models-report.sh WORK REPORT.md
set -euo pipefail
work=$1
report=$2
heading="## Smaller models for the edge (issue 15)"

# One markdown row per step of an optimize report: size, compression, latency, speed-up, accuracy, points lost.
steps_table() {
  echo "| step | size | smaller | latency (ORT) | faster | accuracy | points lost |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  jq -r '.steps[0].quality as $q0 | .steps[] | "| \(.step) | \(.size_bytes) B | \(.compression * 100 | round / 100)× | \(.latency_ms * 10000 | round / 10000) ms | \(.speedup * 100 | round / 100)× | \(.quality * 10000 | round / 100)% | \(($q0 - .quality) * 10000 | round / 100) |"' "$1"
}

verdict_8x() {
  jq -r '.steps[0] as $a | .steps[-1] as $b | ($a.size_bytes / $b.size_bytes) as $x | (($a.quality - $b.quality) * 100) as $lost
    | if $x >= 8 and $lost <= 2 then "**Target met**" else "**Target not met**" end
      + " (≥ 8× smaller, ≤ 2 points lost): \($x * 100 | round / 100)× smaller, \($lost * 100 | round / 100) points lost, "
      + "\($b.latency_ms * 10000 | round / 10000) ms in ONNX Runtime against \($a.latency_ms * 10000 | round / 10000) ms for the teacher."' "$1"
}

# The student's architecture, as its distillation step recorded it.
student_spec() {
  jq -r '.steps[1].step | sub("^distilled "; "")' "$1"
}

calibration_table() {
  echo "| model | calibration | accuracy before | accuracy after | points lost | latency |"
  echo "|---|---|---:|---:|---:|---:|"
  for model in parent edge claim; do
    for method in minmax percentile entropy; do
      local file=$work/calibration-$model/$method.onnx.report.json
      [[ -f $file ]] || continue
      jq -r --arg name "$(model_name "$model")" --arg method "$method" \
        '"| \($name) | \($method) | \(.quality.before * 10000 | round / 100)% | \(.quality.after * 10000 | round / 100)% | \(.quality.points_lost) | \(.latency_ms.after * 10000 | round / 10000) ms |"' "$file"
    done
  done
}

model_name() {
  case $1 in
    parent) echo "CNN parent" ;;
    edge) echo "CNN edge student" ;;
    claim) echo "pruned MLP student" ;;
  esac
}

calibration_winner() {
  for model in parent edge claim; do
    local best="" best_accuracy=-1
    for method in minmax percentile entropy; do
      local file=$work/calibration-$model/$method.onnx.report.json
      [[ -f $file ]] || continue
      local accuracy
      accuracy=$(jq -r '.quality.after' "$file")
      if awk -v a="$accuracy" -v b="$best_accuracy" 'BEGIN { exit !(a > b) }'; then
        best=$method
        best_accuracy=$accuracy
      fi
    done
    [[ -n $best ]] && printf -- '- %s: **%s** wins (%.2f%%).\n' "$(model_name "$model")" "$best" \
      "$(awk -v a="$best_accuracy" 'BEGIN { print a * 100 }')"
  done
}

section=$(
  echo "$heading"
  echo
  echo "\`scripts/benchmark-edge-models.sh\`, one run: every model trained by Fogline's trainer on Fashion-MNIST's 60,000"
  echo "training images (a tenth held out for validation), measured on all 10,000 test images. Latency: median of 200"
  echo "single-image runs in ONNX Runtime (CPU, 1 intra-op thread), all steps of a table interleaved in one run."
  echo
  echo "### The strong parent"
  echo
  epochs=$(grep -o -m1 'for [0-9]* epochs' "$work/parent.log" 2>/dev/null | cut -d' ' -f2)
  echo "\`fogline train --model cnn:32,64:dense=128:dropout=0.3 --augmentation shift=2,mirror --epochs ${epochs:-25}\` (Adam 1e-3,"
  if grep -q '^test accuracy' "$work/parent.log" 2>/dev/null; then
    echo "cosine): $(grep -h '^test accuracy' "$work/parent.log" | tail -1 | sed "s|$work/||")."
    echo "Training took $(awk '/^epoch/ { total += $(NF - 1) } END { printf "%.0f s", total }' "$work/parent.log") of wall"
    echo "time on the 2 shared cores; per epoch:"
  else
    echo "cosine) had not finished when this section was written; the epochs it had done:"
  fi
  echo
  echo '```'
  grep -h '^epoch' "$work"/parent.log 2>/dev/null || true
  echo '```'
  echo
  echo "### The 8× claim: the MLP 256-128 distilled into mlp:256,128 → pruned 50 % → INT8"
  echo
  if [[ -f $work/claim/int8.onnx.report.json ]]; then
    echo "The first row is the teacher the student was distilled from (\`$(jq -r '.steps[0].model' "$work/claim/int8.onnx.report.json" | sed "s|$work/||")\`)."
    echo
    steps_table "$work/claim/int8.onnx.report.json"
    echo
    verdict_8x "$work/claim/int8.onnx.report.json"
  else
    echo "Not finished in this run (part \`claim\`)."
  fi
  echo
  if [[ -f $work/edge/int8.onnx.report.json ]]; then
    echo "### The edge student: the CNN parent distilled into $(student_spec "$work/edge/int8.onnx.report.json") → INT8"
    echo
    echo "The first row is the parent, the teacher; the last row is the model the cascade below serves at the edge."
    echo
    steps_table "$work/edge/int8.onnx.report.json"
    echo
    verdict_8x "$work/edge/int8.onnx.report.json"
  else
    echo "### The edge student"
    echo
    echo "Not finished in this run (part \`edge\`)."
  fi
  echo
  echo "### Calibration: min-max, percentile (99.99) and entropy (KL), static INT8"
  echo
  echo "1,000 training images calibrate; accuracy on the 10,000 test images."
  echo
  calibration_table
  echo
  calibration_winner
  echo
  echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') at commit \`$(git rev-parse --short HEAD)\` on $(nproc) cores,"
  echo "CPU $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); step wall times and load averages in"
  echo "the run's timings.txt:"
  echo
  echo '```'
  awk '!/kept from an earlier run/ && (!/waiting for the parent/ || !seen++)' "$work/timings.txt"
  echo '```'
)

# Replaces the section (up to the next heading of its level) or appends it.
awk -v heading="$heading" -v section="$section" '
  $0 == heading { print section; skipping = 1; done = 1; next }
  skipping && /^## / { skipping = 0; print "" }
  !skipping { print }
  END { if (!done) { print ""; print section } }
' "$report" >"$report.tmp"
mv "$report.tmp" "$report"

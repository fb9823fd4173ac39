#!/usr/bin/env bash
# Training-step table of docs/BENCHMARKS.md: one `./bench/run step` process per (patch, normalization),
# because peak RSS (VmHWM) is per process. Prints the Markdown table and writes every row to a CSV.
#   bench/model_steps.sh                       # 64³ and 128³, all six normalizations
#   PATCHES=64 NORMS="none layer" bench/model_steps.sh
# Environment (defaults in brackets):
#   PATCHES ["64 128"]   NORMS ["none layer layer-channel instance group batch"]
#   STEPS_64 [5] WARMUP_64 [1]   STEPS_128 [2] WARMUP_128 [1]   (STEPS_<p>/WARMUP_<p> for any other patch: 5 / 1)
#   BATCH [2] DEPTH [3] WIDTH [8] THREADS [0 = all cores]
#   CSV [/tmp/brainseg-model-steps-<date>.csv]
# A configuration that fails (e.g. out of memory) prints a "failed" row and the script goes on.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
patches=${PATCHES:-"64 128"}
norms=${NORMS:-"none layer layer-channel instance group batch"}
csv=${CSV:-/tmp/brainseg-model-steps-$(date +%Y%m%d-%H%M%S).csv}
STEPS_64=${STEPS_64:-5}; WARMUP_64=${WARMUP_64:-1}
STEPS_128=${STEPS_128:-2}; WARMUP_128=${WARMUP_128:-1}

"$root/bench/run" --version >/dev/null || exit 1   # build once, before the timed processes
export BRAINSEG_NO_BUILD=1
header=--header
for p in $patches; do
  steps_var="STEPS_$p"; warmup_var="WARMUP_$p"
  steps=${!steps_var:-5}; warmup=${!warmup_var:-1}
  for n in $norms; do
    "$root/bench/run" step --patch "$p" --normalization "$n" --steps "$steps" --warmup "$warmup" \
        --batch "${BATCH:-2}" --depth "${DEPTH:-3}" --width "${WIDTH:-8}" --threads "${THREADS:-0}" \
        --csv "$csv" $header
    rc=$?
    if [ "$rc" -eq 0 ]; then
      header=   # printed once, above the first row that succeeded
    else
      echo "| ${p}³ | $n | failed (exit code $rc; see stderr) |"
    fi
  done
done
echo "CSV: $csv" >&2

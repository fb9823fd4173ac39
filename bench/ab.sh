#!/usr/bin/env bash
# Before/after comparison of two builds of brainseg on one benchmark, alternating A and B process by
# process (a shared machine's load then hits both alike), for the "Optimizations" table of
# docs/BENCHMARKS.md. Each build is a directory holding brainseg-bench.jar and its lib/ (snapshot one with
# bench/snapshot.sh NAME after `mvn -q -B -DskipTests package -pl bench -am`).
#   bench/ab.sh /tmp/perf-jars/base /tmp/perf-jars/fused 5 median_s -- step --patch 64 --normalization layer --steps 3
# Runs ROUNDS × (A, B) with `--csv` added, then prints the medians of column COL of the two CSVs and B/A,
# and the load average before and after.
set -euo pipefail
a=$1; b=$2; rounds=$3; col=$4; shift 4
[ "$1" = "--" ] && shift
out=$(mktemp -d /tmp/brainseg-ab.XXXXXX)
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for ((r = 0; r < rounds; r++)); do
  for side in A B; do
    dir=$a; [ "$side" = B ] && dir=$b
    java ${JAVA_OPTS:--Xmx8g} -Dai.djl.offline=true -Djava.awt.headless=true -jar "$dir/brainseg-bench.jar" "$@" \
        --csv "$out/$side.csv" 2>/dev/null | grep '^| [0-9]' | sed "s/^/$side /" || true
  done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$out/A.csv" "$out/B.csv" "$col" <<'PY'
import csv, statistics, sys
a, b, col = sys.argv[1:]
def vals(p):
    return [float(r[col]) for r in csv.DictReader(open(p))]
va, vb = vals(a), vals(b)
ma, mb = statistics.median(va), statistics.median(vb)
print(f"A {col}: median {ma:.4f} over {len(va)} ({' '.join(f'{v:.3f}' for v in va)})")
print(f"B {col}: median {mb:.4f} over {len(vb)} ({' '.join(f'{v:.3f}' for v in vb)})")
print(f"B / A = {mb / ma:.3f}")
PY
echo "CSVs: $out"

#!/usr/bin/env bash
# Freezes the current build of the benchmarks (bench/target/brainseg-bench.jar and its lib/) as /tmp/perf-jars/NAME, for
# bench/ab.sh: brainseg's own jars are copied, third-party ones linked.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
d=/tmp/perf-jars/$1
rm -rf "$d"; mkdir -p "$d/lib"
cp "$root/bench/target/brainseg-bench.jar" "$d/"
for f in "$root"/bench/target/lib/*; do
  b=$(basename "$f")
  case $b in
    brainseg-*) cp "$f" "$d/lib/" ;;
    *) ln -s "$(readlink -f "$f")" "$d/lib/$b" ;;
  esac
done
echo "$d"

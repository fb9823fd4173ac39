#!/usr/bin/python3
"""Sums two PyTorch profiler traces (ours and the peer's, from `./bench/run peer --profile DIR`) per
operator and prints them side by side as a Markdown table.

Self time: an operator's time minus the time of the operators it called (per thread, by nesting of
the trace's intervals), so that the rows add up to the profiled operation's time on each thread.

Usage:
  bench/profile_table.py DIR/ours-forward-64-2-layer.json DIR/peer-forward-64-2-layer.json [--top 15]
"""
import argparse
import json
import sys
from collections import defaultdict


def events(path):
    """The complete ('X') events of a Chrome trace: PyTorch writes a list, or an object with traceEvents."""
    try:
        with open(path) as f:
            data = json.load(f)
    except (OSError, ValueError) as e:
        raise SystemExit("%s: not a readable Chrome trace (%s)" % (path, e))
    if isinstance(data, dict):
        data = data.get("traceEvents", [])
    out = []
    for e in data:
        if isinstance(e, dict) and e.get("ph") == "X" and "dur" in e and "ts" in e:
            out.append((str(e.get("tid")), float(e["ts"]), float(e["dur"]), str(e.get("name"))))
    if not out:
        raise SystemExit("%s: no operator events" % path)
    return out


def self_times(evs):
    """Per operator name: (self ms, calls); and the summed time of the outermost operators, ms."""
    by_tid = defaultdict(list)
    for tid, ts, dur, name in evs:
        by_tid[tid].append((ts, dur, name))
    self_us = defaultdict(float)
    calls = defaultdict(int)
    outer_us = 0.0
    for items in by_tid.values():
        items.sort(key=lambda x: (x[0], -x[1]))
        stack = []  # [end, name]
        for ts, dur, name in items:
            while stack and stack[-1][0] <= ts:
                stack.pop()
            if stack:
                self_us[stack[-1][1]] -= dur
            else:
                outer_us += dur
            self_us[name] += dur
            calls[name] += 1
            stack.append((ts + dur, name))
    return {n: (self_us[n] / 1e3, calls[n]) for n in self_us}, outer_us / 1e3


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("ours")
    ap.add_argument("peer")
    ap.add_argument("--top", type=int, default=15, help="rows, by the larger of the two self times")
    a = ap.parse_args()
    ours, ours_total = self_times(events(a.ours))
    peer, peer_total = self_times(events(a.peer))
    names = sorted(set(ours) | set(peer), key=lambda n: -max(ours.get(n, (0, 0))[0], peer.get(n, (0, 0))[0]))
    print("| operator | ours self ms (calls) | peer self ms (calls) | ours / peer |")
    print("|---|---|---|---|")
    shown_o = shown_p = 0.0
    for n in names[:a.top]:
        o, oc = ours.get(n, (0.0, 0))
        p, pc = peer.get(n, (0.0, 0))
        shown_o += o
        shown_p += p
        ratio = "%.2f" % (o / p) if p > 0.05 else "—"
        print("| `%s` | %.1f (%d) | %.1f (%d) | %s |" % (n, o, oc, p, pc, ratio))
    print("| other operators | %.1f | %.1f | |" % (ours_total - shown_o, peer_total - shown_p))
    print("| **all, summed over threads** | **%.1f** | **%.1f** | **%.2f** |" % (ours_total, peer_total,
                                                                            ours_total / peer_total))
    return 0


if __name__ == "__main__":
    sys.exit(main())

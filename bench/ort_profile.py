#!/usr/bin/env python3
"""Where a training step's time goes: ONNX Runtime's profile of StepBench, per node type and shape.

Reads the Chrome-trace JSON that ORT writes when a session is created with profiling on (StepBench
--profile PREFIX writes PREFIX_<date>.json when its session closes) and sums the kernel time of every
node, including the nodes of the training Loop's body, (a) per operator type and (b) per operator
and input shapes, as milliseconds per training step and as a share of all kernel time.

The conv nodes are named by what they compute, from their shapes (vaelab's ConvGradients):
a Conv whose kernel is [M, batch, H', W'] (the output gradient, batch and channel axes swapped) is a
weight gradient; a ConvTranspose whose weight is a conv layer's is that conv's input gradient or a
decoder layer's forward, and a Conv on a decoder map is a ConvTranspose's input gradient; those two
are told apart by the layer table the shapes identify (bench/convnets.py), so the table shows the shapes.

  python3 bench/ort_profile.py /tmp/prof/mnist-conv_2026-...json --steps 20 --batch 128 [--top 25]
"""

import argparse
import collections
import json
import sys


def node_events(trace):
    """The kernel-time events of the trace: (operator, input shapes, microseconds)."""
    for e in trace:
        if e.get("cat") != "Node" or not e.get("name", "").endswith("_kernel_time"):
            continue
        args = e.get("args", {})
        shapes = tuple(tuple(next(iter(s.values()))) for s in args.get("input_type_shape", []))
        yield args.get("op_name", "?"), shapes, e["dur"]


def role(op, shapes, batch):
    """What a conv node computes in a training step, from its shapes; other nodes keep their type."""
    if op in ("Conv", "FusedConv") and len(shapes) > 1 and len(shapes[1]) == 4:
        if shapes[1][1] == batch and shapes[0][1] == batch:
            return f"{op} (weight grad: batch-axis conv)"
        return f"{op} (forward, or a ConvTranspose's input grad)"
    if op == "ConvTranspose":
        return "ConvTranspose (forward, or a Conv's input grad)"
    return op


CONTAINERS = {"Loop", "If", "Scan"}  # their time includes their body's nodes, which are counted themselves


def summarize(events, steps, batch):
    by_op, by_shape = collections.Counter(), collections.Counter()
    counts = collections.Counter()
    for op, shapes, dur in events:
        if op in CONTAINERS:
            continue
        by_op[role(op, shapes, batch)] += dur
        by_shape[(op, shapes)] += dur
        counts[(op, shapes)] += 1
    total = sum(by_op.values())
    return by_op, by_shape, counts, total


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("trace", help="ORT profile JSON")
    p.add_argument("--steps", type=int, required=True, help="training steps the profiled session ran (all calls)")
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--top", type=int, default=25, help="rows of the per-shape table")
    args = p.parse_args()
    with open(args.trace) as f:
        trace = json.load(f)
    by_op, by_shape, counts, total = summarize(node_events(trace), args.steps, args.batch)
    if total == 0:
        raise SystemExit(f"{args.trace}: no node kernel times (was the session profiled?)")
    ms = lambda us: us / 1000 / args.steps
    loops = sum(dur for op, _, dur in node_events(trace) if op in CONTAINERS)
    print(f"kernel time {ms(total):.1f} ms per step over {args.steps} steps (Loop/If/Scan nodes, {ms(loops):.1f} ms "
          "per step with their bodies, are not counted again)\n")
    print(f"| node type | ms/step | share |\n| --- | ---: | ---: |")
    for op, us in by_op.most_common():
        if us / total >= 0.002:
            print(f"| {op} | {ms(us):.2f} | {100 * us / total:.1f}% |")
    print(f"\n| node | input shapes | calls/step | ms/step | share |\n| --- | --- | ---: | ---: | ---: |")
    for (op, shapes), us in by_shape.most_common(args.top):
        shape_text = " ".join("x".join(map(str, s)) or "scalar" for s in shapes)
        print(f"| {op} | {shape_text} | {counts[(op, shapes)] / args.steps:g} | {ms(us):.2f} | {100 * us / total:.1f}% |")


if __name__ == "__main__":
    sys.exit(main())

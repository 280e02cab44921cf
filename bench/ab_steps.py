#!/usr/bin/env python3
"""A/B of two engine variants on one conv net's training step, in back-to-back pairs.

Runs StepBench (see bench/harness.py --conv) alternately with JVM options A and B, the same seed
and data, R times; prints each pair's seconds per 1000 images and their ratio B/A, the sgemm rate
(bench/flops_floor.py on the net's GEMM shapes) and the load average before and after, and the
largest relative difference of the per-step losses between A and B (the same run must train to
the same numbers up to float rounding). On a shared machine only the paired ratios mean much.

  bench/ab_steps.py --net mnist-conv --a -Dvaelab.conv.weightGradient=conv --b "" --repeats 3
  bench/ab_steps.py --net burgess --a-jar /tmp/base/modules/cli/target/vaelab-cli.jar --repeats 3   # two builds
"""

import argparse
import json
import os
import statistics
import subprocess
import sys

import benchlib
import harness


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--net", default="mnist-conv", choices=sorted(harness.convnets.NETS))
    p.add_argument("--a", default="", help="JVM options of variant A (space-separated)")
    p.add_argument("--b", default="", help="JVM options of variant B (space-separated)")
    p.add_argument("--a-jar", default=None, help="the CLI jar of variant A (default: the one ./vaelab built)")
    p.add_argument("--b-jar", default=None, help="the CLI jar of variant B, e.g. another commit's build")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--calls", type=int, default=3)
    p.add_argument("--steps-per-call", type=int, default=10)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--floor-repeats", type=int, default=3)
    args = p.parse_args()
    for side in ("a_jar", "b_jar"):
        jar = getattr(args, side)
        if jar and not os.path.isfile(jar):
            p.error(f"--{side.replace('_', '-')} {jar}: no such file (build that commit first: mvn -q -o package -DskipTests)")
    return args


def sgemm_rate(args, env):
    argv = [harness.PYTHON, "bench/flops_floor.py", "--net", args.net, "--threads", str(args.threads),
            "--repeats", str(args.floor_repeats)]
    out = subprocess.run(argv, cwd=harness.ROOT, env=env, capture_output=True, text=True, check=True).stdout
    return json.loads(out)["workload_sgemm_gflops_per_s"]


def step_bench(args, env, jvm_options, jar=None):
    argv = harness.step_bench_command(args.net, args.threads, args.calls, args.steps_per_call)
    if jar:
        argv[argv.index(harness.VAELAB_JAR)] = os.path.abspath(jar)
    argv[1:1] = [o for o in jvm_options.split() if o]
    out = subprocess.run(argv, cwd=harness.ROOT, env=env, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"StepBench {' '.join(jvm_options.split())} failed:\n{out.stderr[-2000:]}")
    return harness.step_bench_metrics(out.stdout)


def main():
    args = parse_args()
    env = harness.child_env(args.threads)
    before = (sgemm_rate(args, env), os.getloadavg()[0])
    pairs, worst = [], 0.0
    for repeat in range(args.repeats):
        a, b = step_bench(args, env, args.a, args.a_jar), step_bench(args, env, args.b, args.b_jar)
        ratio = b["seconds_per_1000_images"] / a["seconds_per_1000_images"]
        worst = max(worst, max(abs(x - y) / max(abs(x), 1e-6) for x, y in zip(a["losses"], b["losses"])))
        pairs.append(ratio)
        print(f"pair {repeat}: A {a['seconds_per_1000_images']:.3f}  B {b['seconds_per_1000_images']:.3f} s/1000 images, "
              f"B/A {ratio:.3f}, load {os.getloadavg()[0]:.1f}", flush=True)
    after = (sgemm_rate(args, env), os.getloadavg()[0])
    print(f"{args.net}: B/A per pair {' '.join(f'{r:.3f}' for r in pairs)}, median {statistics.median(pairs):.3f} "
          f"(< 1: B is faster); A = [{args.a}]{' ' + args.a_jar if args.a_jar else ''}, "
          f"B = [{args.b}]{' ' + args.b_jar if args.b_jar else ''}")
    print(f"losses: largest relative difference A vs B over {len(a['losses'])} steps: {worst:.2e}")
    print(f"sgemm on the net's GEMM shapes: {before[0]:.1f} GFLOP/s before (load {before[1]:.1f}), "
          f"{after[0]:.1f} after (load {after[1]:.1f}); machine: {benchlib.machine_info()['cpu']}")


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Runs vaelab and eager PyTorch on the same workload in one go, alternating, and compares them.

The workload is the classic PyTorch examples/vae on MNIST (bench/mnist-vae-bench.yaml for vaelab,
bench/pytorch_mnist_vae.py --drop-last for PyTorch): both train on the same 55000 images (the last
5000 held out), drop the last partial batch, and use the same threads.

Seven modes:
  speed (default)  R repeats of A B (vaelab run, then PyTorch run) of E epochs each; prints the median
                   seconds per epoch of each, the ratio PyTorch/vaelab (> 1: vaelab is faster), the
                   peak RSS of each process tree, the test loss each reaches, and the distance of each
                   from the FLOP floor (bench/flops_floor.py, measured at the start of the same run).
  --quality        10 epochs x 3 seeds for each, alternating; prints each seed's final test loss, the
                   means and their difference; the target is |vaelab mean - PyTorch mean| <= 1 nat.
  --sweep          vaelab only: the 8-run sweep of bench/sweep-bench.yaml, R repeats of (--parallel 1,
                   --parallel 2) alternating, each into a fresh results root; prints the wall seconds of
                   each, and how much faster (or slower) running two at once is than one after another.
  --literature     vaelab only: experiments/mnist-vae.yaml on dynamically binarized MNIST, its test NLL
                   (importance-weighted, --iw-samples samples) beside Burda et al. (2016), Table 1.
  --conv           the conv nets (bench/convnets.py: the MNIST conv VAE, the Burgess 64x64 net): per layer the
                   exact FLOPs of a training step and the sgemm rate on its GEMM shapes, the floor, vaelab's
                   StepBench and Debian PyTorch in s/1000 images and s/epoch, x floor, paired ratios, peak RSS.
  --load           the speed workload with 0, 2 and 4 competing busy processes (--busy), vaelab with ORT's
                   threads waiting as -Dvaelab.ort.allowSpinning says (auto, 0, 1: --spinning) and PyTorch side
                   by side: median s/epoch per level and each side's slowdown against running alone (fair
                   share: <= 2.5x with 2, <= 4x with 4).
  --zoo            vaelab only: issue 3's quality claims on full runs: the CVAE's class grid recognised
                   (>= 90%) by a classifier of real digits, and the test KL falling across β in 0.5..16.

Peak RSS comes from os.wait4 on each child, i.e. the kernel's maximum resident set size over the
process and the children it waited for (the vaelab launcher and its JVM); no `time` package needed.

If vaelab is not built or fails, the harness says so and still runs the PyTorch side. Raw logs,
the configs it ran, each vaelab run's results root and report.json go to
results/bench/<UTC timestamp>-<mode>/; --out copies the report elsewhere (bench/reference/ holds the
committed PyTorch reference).

  bench/harness.py                        # speed: 3 repeats x 3 epochs each
  bench/harness.py --quality              # quality: 3 seeds x 10 epochs each
  bench/harness.py --quality --only pytorch --out bench/reference/pytorch-mnist-vae-quality.json
  bench/harness.py --sweep --repeats 1    # sweep throughput: 8 runs at --parallel 1 and at --parallel 2
  bench/harness.py --literature           # test NLL (k = 1000) next to the IWAE paper's Table 1
  bench/harness.py --conv                 # conv nets: both, 3 repeats, against their per-layer floor
  bench/harness.py --zoo                  # CVAE class-grid recognition, test KL across β (full runs)
"""

import argparse
import csv
import datetime
import glob
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

import benchlib
import convnets

ROOT = benchlib.REPO_ROOT
BENCH_CONFIG = os.path.join(ROOT, "bench", "mnist-vae-bench.yaml")
SWEEP_CONFIG = os.path.join(ROOT, "bench", "sweep-bench.yaml")
VAELAB = os.environ.get("VAELAB_BENCH_LAUNCHER", "./vaelab")
VAELAB_JAR = os.environ.get("VAELAB_BENCH_JAR", "modules/cli/target/vaelab-cli.jar")  # what ./vaelab builds and runs  # override to try a differently built CLI
PYTHON = os.environ.get("VAELAB_BENCH_PYTHON", "/usr/bin/python3")  # Debian's python3-torch lives here
OPENBLAS_OPENMP = "/usr/lib/x86_64-linux-gnu/openblas-openmp"  # the BLAS that plays well with torch's OpenMP
QUALITY_TARGET_NATS = 1.0
LITERATURE_CONFIG = os.path.join(ROOT, "experiments", "mnist-vae.yaml")
CVAE_CONFIG = os.path.join(ROOT, "experiments", "mnist-cvae.yaml")
BETA_KL_CONFIG = os.path.join(ROOT, "bench", "beta-kl-sweep.yaml")
CLASS_GRID_TARGET = 0.90
# Burda, Grosse & Salakhutdinov (2016), "Importance Weighted Autoencoders", Table 1: test NLL in nats
# on dynamically binarized MNIST, evaluated with 5000 importance samples; the architectures differ
# from ours (theirs: 2 deterministic layers of 200 units, 50 latent units, trained for 3280 passes).
# Transcribed from the paper; they could not be re-checked against the table from this machine.
BURDA_2016_TABLE_1 = [
    ("VAE, 1 stochastic layer, k = 1", 86.76),
    ("IWAE, 1 stochastic layer, k = 50", 84.78),
    ("VAE, 2 stochastic layers, k = 1", 85.33),
    ("IWAE, 2 stochastic layers, k = 50", 82.90),
]


def vaelab_command(config, data_root, threads, results_root):
    """The one place that knows vaelab's command line: train the workload in `config` once.

    Each run gets a fresh results root: vaelab names a run by a hash of its resolved config and
    does not train a finished run again, so a shared root would turn a repeat into a no-op.
    """
    return [VAELAB, "run", config, "--data-dir", data_root, "--threads", str(threads), "--results", results_root]


def vaelab_sweep_command(config, data_root, parallel, results_root):
    """The sweep side of vaelab's command line: run the sweep in `config` with `parallel` runs at once.

    vaelab divides the machine's cores among the parallel runs itself (ONNX Runtime threads per run =
    cores / parallel); a fresh results root keeps it from skipping runs a previous repeat finished.
    """
    return [VAELAB, "sweep", config, "--parallel", str(parallel), "--data-dir", data_root, "--results", results_root]


def sweep_finished_runs(experiment_dir):
    """How many runs the sweep's summary.csv lists as finished (see README, "Sweeps")."""
    with open(os.path.join(experiment_dir, "summary.csv"), newline="") as f:
        return sum(1 for row in csv.DictReader(f) if row["status"] == "finished")


def vaelab_metrics(run_dir):
    """vaelab's numbers for one run, from the files it wrote (see bench/README.md, "vaelab's side").

    Seconds per epoch: the metric `train/epoch_seconds` in metrics.csv, one value per epoch.
    Test loss: `test/loss` from summary.json, else minus its `test/elbo`.
    """
    epoch_seconds = []
    with open(os.path.join(run_dir, "metrics.csv"), newline="") as f:
        for row in csv.reader(f):
            if row[0] == "train/epoch_seconds":
                epoch_seconds.append(float(row[1]))
    with open(os.path.join(run_dir, "summary.json")) as f:
        summary = json.load(f)
    test_loss = summary["test/loss"] if "test/loss" in summary else -summary["test/elbo"]
    return {"epoch_seconds": epoch_seconds, "test_loss": test_loss}


def run_literature(runner):
    """Literature mode: experiments/mnist-vae.yaml with dynamic binarization, its test NLL bound
    (importance-weighted, --iw-samples samples) printed beside Burda et al. (2016), Table 1."""
    args = runner.args
    with open(LITERATURE_CONFIG) as f:
        text = f.read()
    text = text.replace("binarize: none", "binarize: dynamic")
    text = re.sub(r"(?m)^eval:.*$", "", text)
    text += f"eval:       {{iw_samples: {args.iw_samples}}}\n"
    if args.epochs:
        text = re.sub(r"epochs: \d+", f"epochs: {args.epochs}", text)
    config = os.path.join(runner.out_dir, "mnist-vae-dynamic.yaml")
    with open(config, "w") as f:
        f.write(text)
    prefix = os.path.join(runner.out_dir, "literature")
    results_root = prefix + "-results"
    argv = vaelab_command(config, args.data_dir, args.threads, results_root)
    rc, wall, rss, _ = measure(argv, runner.env, prefix)
    if rc != 0:
        log(tail(prefix + ".stderr"))
        raise SystemExit(f"vaelab exited with {rc}; log: {os.path.relpath(prefix, ROOT)}.stderr")
    experiment_dir = os.path.join(results_root, "mnist-vae")
    run_dir = os.path.join(experiment_dir, sorted(os.listdir(experiment_dir))[0])
    with open(os.path.join(run_dir, "summary.json")) as f:
        summary = json.load(f)
    nll, elbo = summary["test/nll_iw"], summary["test/elbo"]
    rows = [f"{'test NLL on dynamically binarized MNIST, nats':<56}{'NLL':>8}",
            f"{'vaelab, experiments/mnist-vae.yaml, k = ' + str(args.iw_samples):<56}{nll:>8.2f}"
            f"   (-ELBO {-elbo:.2f}; 784-400-20, 10 epochs, wall {wall:.0f} s)"]
    rows += [f"{'Burda et al. 2016, ' + name:<56}{value:>8.2f}" for name, value in BURDA_2016_TABLE_1]
    rows.append("Burda et al. trained 3280 passes with 50 latent units and evaluated with k = 5000; the gap is "
                "mostly training length and architecture, not the bound")
    runner.runs.append({"impl": "vaelab", "command": argv, "rc": rc, "wall_s": wall, "peak_rss_mib": rss,
                        "summary": summary, "log": os.path.relpath(prefix, ROOT)})
    return rows, {"nll_iw": nll, "elbo": elbo, "iw_samples": args.iw_samples, "burda_2016_table_1": BURDA_2016_TABLE_1}


def run_zoo(runner):
    """Zoo mode: issue 3's quality claims on full runs. experiments/mnist-cvae.yaml: its class grid
    must be recognised as its rows' digits at least 90% of the time (vaelab measures this itself as
    probe/class_grid_accuracy, with a logistic regression trained on real digits); and the β sweep of
    bench/beta-kl-sweep.yaml: the test KL must fall as β goes 0.5, 1, 4, 16."""
    args = runner.args
    prefix = os.path.join(runner.out_dir, "cvae")
    argv = vaelab_command(CVAE_CONFIG, args.data_dir, args.threads, prefix + "-results")
    rc, wall, rss, _ = measure(argv, runner.env, prefix)
    if rc != 0:
        log(tail(prefix + ".stderr"))
        raise SystemExit(f"the CVAE run exited with {rc}; log: {os.path.relpath(prefix, ROOT)}.stderr")
    experiment_dir = os.path.join(prefix + "-results", "mnist-cvae")
    with open(os.path.join(experiment_dir, sorted(os.listdir(experiment_dir))[0], "summary.json")) as f:
        cvae = json.load(f)
    grid, ceiling = cvae["probe/class_grid_accuracy"], cvae["probe/class_grid_classifier_accuracy"]
    rows = [f"CVAE (experiments/mnist-cvae.yaml, {wall:.0f} s): class grid recognised {100 * grid:.0f}% "
            f"(the classifier scores {100 * ceiling:.1f}% on real test digits); target >= {100 * CLASS_GRID_TARGET:.0f}%: "
            + ("MET" if grid >= CLASS_GRID_TARGET else "NOT MET")]

    prefix = os.path.join(runner.out_dir, "beta-kl")
    argv = vaelab_sweep_command(BETA_KL_CONFIG, args.data_dir, 2, prefix + "-results")
    rc, wall, _, _ = measure(argv, runner.env, prefix)
    if rc != 0:
        log(tail(prefix + ".stderr"))
        raise SystemExit(f"the β sweep exited with {rc}; log: {os.path.relpath(prefix, ROOT)}.stderr")
    kl = {}
    experiment_dir = os.path.join(prefix + "-results", "beta-kl")
    for name in os.listdir(experiment_dir):
        run_dir = os.path.join(experiment_dir, name)
        if os.path.exists(os.path.join(run_dir, "summary.json")):
            with open(os.path.join(run_dir, "config.yaml")) as f:
                beta = float(re.search(r"(?ms)^beta:.*?value: ([0-9.eE+-]+)", f.read()).group(1))
            with open(os.path.join(run_dir, "summary.json")) as f:
                kl[beta] = json.load(f)["test/kl"]
    betas = sorted(kl)
    falling = all(kl[a] > kl[b] for a, b in zip(betas, betas[1:]))
    rows.append(f"β sweep (bench/beta-kl-sweep.yaml, {wall:.0f} s): test KL "
                + ", ".join(f"β={b:g}: {kl[b]:.2f}" for b in betas)
                + "; falls monotonically: " + ("MET" if falling else "NOT MET"))
    runner.runs.append({"impl": "vaelab", "cvae_summary": cvae, "beta_kl": kl})
    return rows, {"class_grid_accuracy": grid, "classifier_accuracy": ceiling, "test_kl_by_beta": kl,
                  "class_grid_met": grid >= CLASS_GRID_TARGET, "kl_falls": falling}


def step_bench_command(net, threads, calls, steps_per_call, seed=0, profile=None):
    """vaelab's side of the conv mode: StepBench times the net's training step (the graphs, Adam and
    chunked ORT calls of `vaelab run`) on generated images; the jar is the one ./vaelab built."""
    argv = ["java", "-Xmx1g", "-XX:+UseSerialGC", "-cp", VAELAB_JAR, "dev.vaelab.train.bench.StepBench",
            "--model", convnets.model_yaml(net), "--shape", convnets.shape_arg(net), "--batch", "128",
            "--calls", str(calls), "--steps-per-call", str(steps_per_call), "--threads", str(threads),
            "--seed", str(seed)]
    return argv + (["--profile", profile] if profile else [])


def step_bench_metrics(stdout):
    """The JSON line StepBench (or pytorch_conv_vae.py) printed: seconds per 1000 images, losses."""
    lines = [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]
    if len(lines) != 1:
        raise ValueError(f"expected one JSON line, got {len(lines)}")
    return lines[0]


def conv_layer_table(gemms, batch=128):
    """Per layer: GFLOP of one step's forward, input-grad and weight-grad GEMMs and their sgemm rate."""
    by_layer = {}
    for g in gemms:
        if g["batch"] != batch:
            continue
        row = by_layer.setdefault(g["layer"], {"forward": 0.0, "input grad": 0.0, "weight grad": 0.0, "seconds": 0.0})
        row[g["pass"]] = g["flops"] / 1e9
        row["seconds"] += g["seconds"]
    rows = [f"{'layer':<14}{'fwd GFLOP':>11}{'in-grad':>10}{'w-grad':>10}{'sgemm GFLOP/s':>15}   (one step, batch {batch})"]
    for layer, r in by_layer.items():
        total = r["forward"] + r["input grad"] + r["weight grad"]
        rows.append(f"{layer:<14}{r['forward']:>11.4f}{r['input grad']:>10.4f}{r['weight grad']:>10.4f}"
                    f"{total / r['seconds']:>15.1f}")
    total = sum(r["forward"] + r["input grad"] + r["weight grad"] for r in by_layer.values())
    rows.append(f"{'step total':<14}{total:>31.4f} GFLOP")
    return rows


def run_conv(runner):
    """Conv mode: for each net, the FLOP floor (per layer), then R repeats of (vaelab StepBench,
    PyTorch steps) alternating, then the floor again; seconds per 1000 images and per epoch, the
    multiple of the floor, paired ratios, peak RSS."""
    args = runner.args
    rows, summary = [], {}
    for net in args.nets:
        spec = convnets.NETS[net]
        floor = flops_floor(runner, net=net)
        records = []
        for repeat in range(args.repeats):
            for impl in ("vaelab", "pytorch"):
                if args.only and args.only != impl:
                    continue
                if impl == "vaelab" and runner.vaelab_unavailable:
                    continue
                # the floor again right before each of vaelab's repeats but the first (measured just before it)
                repeat_floor = (floor if repeat == 0 or not args.floor_per_repeat or impl != "vaelab"
                                else flops_floor(runner, f"before repeat {repeat}", net=net, tag=f"repeat{repeat}"))
                prefix = os.path.join(runner.out_dir, f"conv-{net}-{impl}-repeat{repeat}")
                argv = (step_bench_command(net, args.threads, args.calls, args.steps_per_call, seed=repeat)
                        if impl == "vaelab" else
                        [PYTHON, "bench/pytorch_conv_vae.py", "--net", net, "--threads", str(args.threads),
                         "--steps", str(args.torch_steps), "--warmup", "1", "--seed", str(repeat)])
                rc, wall, rss, stdout = measure(argv, runner.env, prefix)
                if rc != 0:
                    log(tail(prefix + ".stderr"))
                    raise SystemExit(f"{impl} conv steps of {net} failed ({rc}); log: {os.path.relpath(prefix, ROOT)}.stderr")
                metrics = step_bench_metrics(stdout)
                record = {"impl": impl, "net": net, "repeat": repeat, "command": argv, "wall_s": wall, "peak_rss_mib": rss,
                          "s_per_1000_images": metrics["seconds_per_1000_images"], "losses": metrics["losses"],
                          "load_average_after": os.getloadavg(), "log": os.path.relpath(prefix, ROOT)}
                if impl == "vaelab" and args.floor_per_repeat:
                    record["floor_s_per_1000_images"] = repeat_floor["floor_seconds_per_1000_images"]
                    record["floor_sgemm_gflops_per_s"] = repeat_floor["workload_sgemm_gflops_per_s"]
                    # and right after it: whether the machine held its speed while vaelab ran
                    after = flops_floor(runner, f"after repeat {repeat}", net=net, tag=f"repeat{repeat}-after")
                    record["floor_after_s_per_1000_images"] = after["floor_seconds_per_1000_images"]
                    record["floor_after_sgemm_gflops_per_s"] = after["workload_sgemm_gflops_per_s"]
                log(f"  {net} {impl:<7} repeat {repeat}: {record['s_per_1000_images']:.3f} s per 1000 images, "
                    f"peak RSS {rss:.0f} MiB, load {record['load_average_after'][0]:.1f}")
                records.append(record)
        floor_after = flops_floor(runner, "after the runs (only to show drift)", net=net)
        runner.runs.extend(records)
        net_rows, net_summary = conv_summary(net, spec, floor, floor_after, records)
        rows += [f"== {net}: {convnets.model_yaml(net)} on {convnets.shape_arg(net)}, "
                 f"{convnets.forward_macs_per_image(net) / 1e6:.2f} M multiply-adds per image forward"]
        rows += conv_layer_table(floor["gemms"]) + net_rows
        summary[net] = net_summary
    return rows, summary


def conv_summary(net, spec, floor, floor_after, records):
    """Seconds per 1000 images and per epoch for each side, times the floor, paired ratios."""
    floor_1000 = floor["floor_seconds_per_1000_images"]
    epoch_k = spec["epoch_images"] / 1000
    summary = {"floor_s_per_1000_images": floor_1000, "epoch_images": spec["epoch_images"],
               "epoch_tflop": floor["epoch_gflop"] / 1000, "sgemm_gflops_per_s": floor["workload_sgemm_gflops_per_s"],
               "sgemm_gflops_per_s_after": floor_after["workload_sgemm_gflops_per_s"]}
    rows = [f"{'':<26}{'s/1000 img':>12}{'s/epoch':>10}{'x floor':>9}{'peak RSS MiB':>14}   ({spec['epoch_name']})",
            f"{'floor':<26}{floor_1000:>12.3f}{floor_1000 * epoch_k:>10.1f}{1:>9.2f}"]
    for impl in ("vaelab", "pytorch"):
        mine = [r for r in records if r["impl"] == impl]
        if mine:
            median = statistics.median(r["s_per_1000_images"] for r in mine)
            summary[impl] = {"median_s_per_1000_images": median, "s_per_epoch": median * epoch_k,
                             "times_floor": median / floor_1000, "peak_rss_mib": max(r["peak_rss_mib"] for r in mine),
                             "s_per_1000_images": [r["s_per_1000_images"] for r in mine]}
            rows.append(f"{impl + ' (median of ' + str(len(mine)) + ')':<26}{median:>12.3f}{median * epoch_k:>10.1f}"
                        f"{median / floor_1000:>9.2f}{summary[impl]['peak_rss_mib']:>14.0f}")
    per_repeat = [r for r in records if r["impl"] == "vaelab" and "floor_s_per_1000_images" in r]
    if per_repeat:
        ratios = [r["s_per_1000_images"] / r["floor_s_per_1000_images"] for r in per_repeat]
        summary["vaelab"]["times_floor_per_repeat"] = ratios
        summary["vaelab"]["floor_sgemm_gflops_per_s_per_repeat"] = [r["floor_sgemm_gflops_per_s"] for r in per_repeat]
        rows.append(times_floor_row(ratios, summary["vaelab"]["floor_sgemm_gflops_per_s_per_repeat"]))
        rows += steady_rows(summary["vaelab"], per_repeat, lambda r: r["s_per_1000_images"], "s_per_1000_images")
    pairs = [p["s_per_1000_images"] / v["s_per_1000_images"]
             for v, p in zip([r for r in records if r["impl"] == "vaelab"], [r for r in records if r["impl"] == "pytorch"])]
    if pairs:
        summary["paired_ratios"] = pairs
        rows.append(f"paired ratio PyTorch/vaelab per repeat: {' '.join(f'{p:.2f}' for p in pairs)} (> 1: vaelab is faster)")
    rows.append(f"floor: {floor['epoch_gflop'] / 1000:.3f} TFLOP per epoch at {floor['workload_sgemm_gflops_per_s']:.1f} GFLOP/s "
                f"sgemm on these GEMM shapes ({floor_after['workload_sgemm_gflops_per_s']:.1f} after the runs); "
                f"load average {os.getloadavg()[0]:.1f}")
    return rows, summary


def times_floor_row(ratios, rates):
    """vaelab's multiple of the floor per repeat, each against the floor measured right before it."""
    return (f"vaelab x floor per repeat, each against the floor measured just before it: "
            f"{' '.join(f'{r:.2f}' for r in ratios)} (median {statistics.median(ratios):.2f}; "
            f"sgemm {' '.join(f'{g:.1f}' for g in rates)} GFLOP/s)")


STEADY_TOLERANCE = 0.10  # a repeat ran on a steady machine where the floor's rate after it is within 10% of before


def steady_repeats(seconds, floors, rates):
    """Which repeats the machine held its speed through, and vaelab's multiple of the floor in those.

    seconds[i]: vaelab's time of repeat i; floors[i]: the floor's time (same unit) measured right before and right
    after it; rates[i]: the floor's sgemm rates then. A repeat is steady where the rate after is within
    STEADY_TOLERANCE of the rate before; its multiple of the floor is then taken against the mean of the two floors,
    the best estimate of the machine's rate while it ran. Every repeat stays in the report; the others are named
    with their two rates, as minutes in which this machine's speed moved (it drifts by a third within minutes).
    """
    steady = []
    for i, (took, (before, after), (rate_before, rate_after)) in enumerate(zip(seconds, floors, rates, strict=True)):
        if abs(rate_after / rate_before - 1) <= STEADY_TOLERANCE:
            steady.append({"repeat": i, "times_floor": took / ((before + after) / 2),
                           "sgemm_gflops_per_s": [rate_before, rate_after]})
    moved = [i for i in range(len(seconds)) if i not in {s["repeat"] for s in steady}]
    row = (f"steady repeats (the floor's rate after within {STEADY_TOLERANCE:.0%} of before): {len(steady)} of "
           f"{len(seconds)}")
    if steady:
        row += (": vaelab x floor " + " ".join(f"{s['times_floor']:.2f}" for s in steady)
                + " against the mean of each one's two floors (sgemm "
                + ", ".join(f"{s['sgemm_gflops_per_s'][0]:.1f}->{s['sgemm_gflops_per_s'][1]:.1f}" for s in steady) + ")")
    if moved:
        row += "; the machine's speed moved in " + ", ".join(
            f"repeat {i} ({rates[i][0]:.1f}->{rates[i][1]:.1f} GFLOP/s)" for i in moved)
    return row, steady


def steady_rows(vaelab_summary, records, seconds_of, unit):
    """steady_repeats' row for the records bracketed by floors (their floor_{unit} and floor_after_{unit} keys), its
    result kept in vaelab_summary["steady"]; no row where no record was bracketed."""
    bracketed = [r for r in records if f"floor_after_{unit}" in r]
    if not bracketed:
        return []
    row, steady = steady_repeats(
        [seconds_of(r) for r in bracketed],
        [(r[f"floor_{unit}"], r[f"floor_after_{unit}"]) for r in bracketed],
        [(r["floor_sgemm_gflops_per_s"], r["floor_after_sgemm_gflops_per_s"]) for r in bracketed])
    vaelab_summary["steady"] = steady
    return [row]


# An epoch after a repeat's first that took this many times its side's median fell into one of this machine's
# slow phases: seconds-long stretches in which both sides' epochs take 1.5-1.8x as long. Phases this short pass
# between two floors of 17-30 s each, so steady_repeats does not see them (bench/README.md, rounds T and U).
SLOW_EPOCH_FACTOR = 1.25


def slow_epochs(runs):
    """The epochs of each side that fell into a slow phase, and a row naming them.

    runs: the speed mode's runs in order. An epoch is slow where it took more than SLOW_EPOCH_FACTOR times the
    median of all its side's epochs; each repeat's first epoch is left out (it warms up). A run without slow epochs
    on either side, and with every repeat steady, is a quiet one: its figures are the machine's steady speed.
    """
    found = {}
    for impl in ("vaelab", "pytorch"):
        side = [r for r in runs if r["impl"] == impl and r.get("epoch_seconds")]
        if not side:
            continue
        median = statistics.median(s for r in side for s in r["epoch_seconds"])
        found[impl] = [{"repeat": i, "epoch": e + 1, "seconds": s}
                       for i, r in enumerate(side) for e, s in enumerate(r["epoch_seconds"])
                       if e > 0 and s > SLOW_EPOCH_FACTOR * median]
    head = (f"slow epochs (after each repeat's first, over {SLOW_EPOCH_FACTOR:.2f}x their side's median: "
            f"the machine's slow phases): ")
    named = [f"{impl} repeat {x['repeat']} epoch {x['epoch']} ({x['seconds']:.2f} s)"
             for impl, xs in found.items() for x in xs]
    return head + (", ".join(named) if named else "none"), found


FAIR_SHARE_LIMITS = {2: 2.5, 4: 4.0}  # issue 16: the slowdown vaelab may show with N busy processes


def busy_processes(count):
    """`count` processes that each keep a core busy (pure Python loops), as competing jobs would."""
    return [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(count)]


def stop(processes):
    for p in processes:
        p.kill()
        p.wait()


# -Dvaelab.ort.allowSpinning's values, as the load mode's report names them
SPINNING_NAMES = {"auto": "auto", "0": "off", "1": "on"}


def run_load(runner):
    """Load mode: the speed workload's epoch time with 0, 2, 4 competing busy processes, vaelab (with
    ORT's threads waiting each way asked: chosen per call, asleep, spinning) and PyTorch side by side,
    each level's runs back to back."""
    args = runner.args
    spinning = args.spinning
    java_options = os.environ.get("VAELAB_JAVA_OPTS", "")
    for busy in args.busy:
        hogs = busy_processes(busy)
        try:
            log(f"with {busy} busy processes:")
            for repeat in range(args.repeats):
                if args.only != "pytorch":
                    for spin in spinning:
                        runner.env["VAELAB_JAVA_OPTS"] = f"{java_options} -Dvaelab.ort.allowSpinning={spin}".strip()
                        runner.run_vaelab(repeat, args.epochs)
                        runner.runs[-1].update(busy=busy, spinning=spin)
                    runner.env["VAELAB_JAVA_OPTS"] = java_options
                if args.only != "vaelab":
                    runner.run_pytorch(repeat, args.epochs)
                    runner.runs[-1].update(busy=busy)
        finally:
            stop(hogs)
    return load_summary(runner.runs)


def load_summary(runs):
    """Median s/epoch per side and busy level, and each side's slowdown against no competition."""
    sides = {}
    for r in runs:
        if r.get("epoch_seconds") and "busy" in r:
            side = r["impl"] + (f", spinning {SPINNING_NAMES[str(r['spinning'])]}" if r["impl"] == "vaelab" else "")
            sides.setdefault(side, {}).setdefault(r["busy"], []).extend(r["epoch_seconds"])
    levels = sorted({busy for by_busy in sides.values() for busy in by_busy})
    summary, rows = {}, [f"{'s/epoch, median (x alone)':<28}" + "".join(f"{str(b) + ' busy':>18}" for b in levels)]
    for side, by_busy in sides.items():
        medians = {busy: statistics.median(seconds) for busy, seconds in by_busy.items()}
        alone = medians.get(0)
        slowdown = {busy: m / alone for busy, m in medians.items()} if alone else {}
        summary[side] = {"median_s_per_epoch": medians, "slowdown": slowdown}
        rows.append(f"{side:<28}" + "".join(
            f"{medians[b]:>10.3f} ({slowdown[b]:.2f}x)" if b in slowdown else f"{medians[b]:>18.3f}" if b in medians
            else f"{'-':>18}" for b in levels))
    for side, s in summary.items():
        if side.startswith("vaelab"):
            for busy, limit in FAIR_SHARE_LIMITS.items():
                if busy in s["slowdown"]:
                    met = s["slowdown"][busy] <= limit
                    s.setdefault("fair", {})[busy] = met
                    rows.append(f"{side} with {busy} busy: {s['slowdown'][busy]:.2f}x alone, target <= {limit}x: "
                                + ("MET" if met else "NOT MET"))
    return rows, summary


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    p.add_argument("--quality", action="store_true", help="quality mode: final test loss over several seeds")
    p.add_argument("--sweep", action="store_true",
                   help="sweep mode: vaelab's 8-run sweep at --parallel 1 and --parallel 2")
    p.add_argument("--literature", action="store_true",
                   help="literature mode: test NLL of experiments/mnist-vae.yaml, dynamically binarized, beside Burda et al. 2016")
    p.add_argument("--zoo", action="store_true",
                   help="zoo mode: the CVAE's class-grid recognition and the test KL across β, on full runs")
    p.add_argument("--conv", action="store_true",
                   help="conv mode: the conv nets' training steps (vaelab StepBench, PyTorch) against their per-layer FLOP floor")
    p.add_argument("--nets", nargs="+", choices=[n for n in convnets.NETS if n != "mnist-mlp"],
                   default=["mnist-conv", "burgess"], help="conv mode: which nets")
    p.add_argument("--calls", type=int, default=4, help="conv mode: vaelab's timed ORT calls (after one warm-up call)")
    p.add_argument("--steps-per-call", type=int, default=10, help="conv mode: training steps per ORT call")
    p.add_argument("--torch-steps", type=int, default=10, help="conv mode: PyTorch's timed steps (after 1 warm-up step)")
    p.add_argument("--floor-repeats", type=int, help="timed repeats per GEMM in flops_floor.py (its default: 9)")
    p.add_argument("--floor-per-repeat", action=argparse.BooleanOptionalAction, default=True,
                   help="speed and conv modes: measure the floor again right before and right after each of vaelab's "
                        "repeats, print vaelab's multiple of the floor per repeat against the floor before it, and "
                        "name the repeats through which the machine held its speed (this machine's speed drifts "
                        "by a third within minutes; default on)")
    p.add_argument("--load", action="store_true",
                   help="load mode: epoch time with 0, 2 and 4 competing busy processes, vaelab and PyTorch")
    p.add_argument("--settle", type=float, default=60,
                   help="seconds between the CLI's build (its jar's time) and the first measurement: right after a "
                        "Maven build this machine ran the MLP 1.7x slower for the first run (default 60)")
    p.add_argument("--busy", type=int, nargs="+", default=[0, 2, 4], help="load mode: busy processes per level")
    p.add_argument("--spinning", choices=list(SPINNING_NAMES), nargs="+", default=list(SPINNING_NAMES),
                   help="load mode: vaelab's -Dvaelab.ort.allowSpinning values to run: auto (the default: chosen per "
                        "call by measurement), 0 (threads sleep), 1 (threads spin); default all three")
    p.add_argument("--iw-samples", type=int, default=1000, help="literature mode: importance samples (Burda et al.: 5000)")
    p.add_argument("--repeats", type=int, default=3, help="speed mode: A B pairs")
    p.add_argument("--epochs", type=int, help="epochs per run (default: 3 for speed, 10 for quality)")
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2], help="quality mode: seeds")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--validation", type=int, default=5000, help="last training images held out by both sides")
    p.add_argument("--data-dir", default=benchlib.default_data_root(),
                   help="data root holding mnist/ (default $VAELAB_DATA or ../shared/data)")
    p.add_argument("--only", choices=["vaelab", "pytorch"], help="run one side only")
    p.add_argument("--out", help="also write the report JSON here")
    args = p.parse_args()
    if sum([args.sweep, args.quality, args.literature, args.zoo, args.conv, args.load]) > 1:
        p.error("--sweep, --quality, --literature, --zoo, --conv and --load are different modes; choose one")
    if args.sweep and args.only == "pytorch":
        p.error("--sweep measures vaelab's sweep runner; there is no PyTorch side")
    args.epochs = args.epochs or (10 if args.quality or args.literature else 3)
    args.data_dir = os.path.abspath(args.data_dir)
    return args


def log(message=""):
    print(message, file=sys.stderr, flush=True)


def child_env(threads):
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), OPENBLAS_NUM_THREADS=str(threads))
    if os.path.isdir(OPENBLAS_OPENMP):
        env["LD_LIBRARY_PATH"] = os.pathsep.join(filter(None, [OPENBLAS_OPENMP, env.get("LD_LIBRARY_PATH")]))
    env.pop("MLFLOW_TRACKING_URI", None)  # a benchmark run must not log to a tracking server
    return env


def measure(argv, env, log_prefix):
    """Runs argv from the repo root; returns exit code, wall seconds, peak RSS (MiB) and its stdout."""
    with open(log_prefix + ".stdout", "w") as out, open(log_prefix + ".stderr", "w") as err:
        began = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - began
    proc.returncode = os.waitstatus_to_exitcode(status)
    with open(log_prefix + ".stdout") as f:
        stdout = f.read()
    return proc.returncode, wall, usage.ru_maxrss / 1024, stdout


def tail(path, lines=15):
    with open(path) as f:
        return "".join(f.readlines()[-lines:])


def settle_seconds(built_at, now, settle):
    """Seconds still to wait so that the first measurement starts {settle} s after the build that wrote the jar."""
    return max(0.0, settle - (now - built_at))


class Runner:
    """Runs one side of one A/B pair and records it; remembers why vaelab cannot run, if it cannot."""

    def __init__(self, args, out_dir):
        self.args, self.out_dir, self.env = args, out_dir, child_env(args.threads)
        self.runs, self.vaelab_unavailable = [], None

    def check_vaelab(self):
        """Builds vaelab through its launcher (outside any measurement); None when it is ready, else why not."""
        if not os.access(os.path.join(ROOT, VAELAB), os.X_OK):
            return f"{VAELAB} does not exist yet (or is not executable)"
        log(f"building vaelab through its launcher ({VAELAB} --help), not measured ...")
        prefix = os.path.join(self.out_dir, "vaelab-build")
        rc, wall, _, _ = measure([VAELAB, "--help"], self.env, prefix)
        if rc != 0:
            log(tail(prefix + ".stderr"))
            return f"{VAELAB} --help exited with {rc} after {wall:.0f} s (log: {os.path.relpath(prefix, ROOT)}.stderr)"
        jar = os.path.join(ROOT, VAELAB_JAR)
        wait = settle_seconds(os.path.getmtime(jar), time.time(), self.args.settle) if os.path.exists(jar) else 0
        if wait > 0:
            log(f"the CLI was built {self.args.settle - wait:.0f} s ago: waiting {wait:.0f} s, as this machine runs "
                f"about 1.7x slower for a minute after a Maven build (bench/README.md, --settle)")
            time.sleep(wait)
        return None

    def config_for(self, seed, epochs):
        """A copy of the bench config with this seed, epoch count and validation size, kept with the run's logs."""
        with open(BENCH_CONFIG) as f:
            text = f.read()
        text = re.sub(r"(?m)^seed: .*$", f"seed: {seed}", text)
        text = re.sub(r"(?m)^  epochs: .*$", f"  epochs: {epochs}", text)
        text = re.sub(r"validation: \d+", f"validation: {self.args.validation}", text)
        folder = os.path.join(self.out_dir, f"config-seed{seed}-epochs{epochs}")
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, os.path.basename(BENCH_CONFIG))
        with open(path, "w") as f:
            f.write(text)
        return path

    def run_vaelab(self, seed, epochs):
        if self.vaelab_unavailable:
            return
        prefix = os.path.join(self.out_dir, f"vaelab-seed{seed}-run{len(self.runs)}")
        results_root = prefix + "-results"
        argv = vaelab_command(self.config_for(seed, epochs), self.args.data_dir, self.args.threads, results_root)
        rc, wall, rss, _ = measure(argv, self.env, prefix)
        record = {"impl": "vaelab", "seed": seed, "epochs": epochs, "command": argv, "rc": rc, "wall_s": wall,
                  "peak_rss_mib": rss, "load_average_after": os.getloadavg(), "log": os.path.relpath(prefix, ROOT)}
        run_dirs = glob.glob(os.path.join(results_root, "*", "*", "metrics.csv"))
        run_dir = os.path.dirname(run_dirs[0]) if len(run_dirs) == 1 else None
        if rc != 0 or run_dir is None:
            why = f"exited with {rc}" if rc != 0 else f"wrote {len(run_dirs)} <experiment>/<run>/metrics.csv under {results_root}, not 1"
            log(tail(prefix + ".stderr"))
            self.vaelab_unavailable = f"vaelab {why} (log: {record['log']}.stderr)"
            log(f"{self.vaelab_unavailable}; skipping its remaining runs")
        else:
            record.update(vaelab_metrics(run_dir), run_dir=os.path.relpath(run_dir, ROOT))
            if len(record["epoch_seconds"]) != epochs:
                log(f"vaelab reported {len(record['epoch_seconds'])} values of train/epoch_seconds for {epochs} "
                    "epochs; using wall-clock seconds / epochs instead (includes JVM start, graph build, eval)")
                record["epoch_seconds"], record["epoch_seconds_from_wall"] = [wall / epochs] * epochs, True
            report_run(record)
        self.runs.append(record)

    def run_pytorch(self, seed, epochs):
        argv = [PYTHON, "bench/pytorch_mnist_vae.py", "--epochs", str(epochs), "--seed", str(seed),
                "--threads", str(self.args.threads), "--validation", str(self.args.validation), "--drop-last",
                "--data-dir", self.args.data_dir]
        prefix = os.path.join(self.out_dir, f"pytorch-seed{seed}-run{len(self.runs)}")
        rc, wall, rss, stdout = measure(argv, self.env, prefix)
        record = {"impl": "pytorch", "seed": seed, "epochs": epochs, "command": argv, "rc": rc, "wall_s": wall,
                  "peak_rss_mib": rss, "load_average_after": os.getloadavg(), "log": os.path.relpath(prefix, ROOT)}
        if rc != 0:
            raise SystemExit(f"the PyTorch run failed ({rc}):\n{tail(prefix + '.stderr')}")
        lines = [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]
        final = lines[-1]
        record.update(epoch_seconds=[r["seconds"] for r in lines if r["event"] == "epoch"],
                      train_loss=[r["train_loss"] for r in lines if r["event"] == "epoch"],
                      test_loss=final["test_loss"], self_reported_rss_mib=final["peak_rss_mib"],
                      torch=final["torch"], blas=final["blas"])
        report_run(record)
        self.runs.append(record)

    def side(self, impl):
        return [r for r in self.runs if r["impl"] == impl and r.get("test_loss") is not None]


def report_run(r):
    seconds = r["epoch_seconds"]
    log(f"  {r['impl']:<7} seed {r['seed']}: {statistics.median(seconds):.3f} s/epoch (median of {len(seconds)}), "
        f"test loss {r['test_loss']:.3f}, peak RSS {r['peak_rss_mib']:.0f} MiB, wall {r['wall_s']:.1f} s")


def flops_floor(runner, when="before the runs", net="mnist-mlp", tag=None):
    # the floor's rate is the faster of OpenBLAS and ONNX Runtime per shape, ORT timed through the same jar
    argv = [PYTHON, "bench/flops_floor.py", "--threads", str(runner.args.threads), "--net", net, "--ort-jar", VAELAB_JAR]
    if net.startswith("mnist"):
        argv += ["--train-size", str(60000 - runner.args.validation)]
    if getattr(runner.args, "floor_repeats", None):
        argv += ["--repeats", str(runner.args.floor_repeats)]
    suffix = ("" if net == "mnist-mlp" else "-" + net) + (f"-{tag}" if tag else "" if when == "before the runs" else "-after")
    rc, _, _, stdout = measure(argv, runner.env, os.path.join(runner.out_dir, "flops-floor" + suffix))
    if rc != 0:
        raise SystemExit(f"bench/flops_floor.py failed ({rc})")
    floor = json.loads(stdout)
    log(f"FLOP floor of {net} {when}: {floor['epoch_gflop']:.2f} GFLOP per epoch at {floor['workload_sgemm_gflops_per_s']:.1f} "
        f"GFLOP/s = {floor['floor_seconds_per_epoch']:.3f} s per epoch")
    return floor


def paired_ratios(runs):
    """PyTorch's median s/epoch over vaelab's for each repeat (a vaelab run and the PyTorch run right
    after it), so that a change in the machine's speed between repeats cancels within each pair."""
    ratios, pending = [], None
    for r in runs:
        if r.get("epoch_seconds") is None or r.get("test_loss") is None:
            pending = None
        elif r["impl"] == "vaelab":
            pending = r
        elif pending is not None:
            ratios.append(statistics.median(r["epoch_seconds"]) / statistics.median(pending["epoch_seconds"]))
            pending = None
    return ratios


def speed_summary(runner, floor, floor_after=None):
    rows, summary = [], {}
    for impl in ("vaelab", "pytorch"):
        runs = runner.side(impl)
        if not runs:
            continue
        seconds = [s for r in runs for s in r["epoch_seconds"]]
        median = statistics.median(seconds)
        summary[impl] = {"median_s_per_epoch": median, "min_s_per_epoch": min(seconds),
                         "max_s_per_epoch": max(seconds), "epochs_measured": len(seconds),
                         "peak_rss_mib": max(r["peak_rss_mib"] for r in runs),
                         "mean_test_loss": statistics.mean(r["test_loss"] for r in runs),
                         "times_floor": median / floor["floor_seconds_per_epoch"],
                         "seconds_from_wall": any(r.get("epoch_seconds_from_wall") for r in runs)}
    cols = list(summary)
    table = [("", cols),
             ("s/epoch, median", [f"{summary[c]['median_s_per_epoch']:.3f}" for c in cols]),
             ("s/epoch, min-max", [f"{summary[c]['min_s_per_epoch']:.2f}-{summary[c]['max_s_per_epoch']:.2f}"
                                   for c in cols]),
             ("epochs measured", [str(summary[c]["epochs_measured"]) for c in cols]),
             ("x FLOP floor", [f"{summary[c]['times_floor']:.2f}" for c in cols]),
             ("peak RSS, MiB", [f"{summary[c]['peak_rss_mib']:.0f}" for c in cols]),
             (f"test loss, {runner.args.epochs} ep", [f"{summary[c]['mean_test_loss']:.3f}" for c in cols])]
    for label, values in table:
        rows.append(f"{label:<20}" + "".join(f"{v:>14}" for v in values))
    rows.append(f"FLOP floor: {floor['epoch_gflop']:.2f} GFLOP/epoch / {floor['workload_sgemm_gflops_per_s']:.1f} "
                f"GFLOP/s sgemm = {floor['floor_seconds_per_epoch']:.3f} s/epoch")
    if len(cols) == 2:
        summary["ratio_pytorch_over_vaelab"] = (summary["pytorch"]["median_s_per_epoch"]
                                                / summary["vaelab"]["median_s_per_epoch"])
        rows.append(f"ratio PyTorch/vaelab: {summary['ratio_pytorch_over_vaelab']:.2f} (> 1: vaelab is faster)")
        pairs = paired_ratios(runner.runs)
        if pairs:
            summary["paired_ratios"] = pairs
            rows.append(f"paired ratio per repeat: {' '.join(f'{p:.2f}' for p in pairs)} "
                        f"(median {statistics.median(pairs):.2f}, min {min(pairs):.2f})")
    per_repeat = [r for r in runner.side("vaelab") if "floor_seconds_per_epoch" in r]
    if per_repeat:
        ratios = [statistics.median(r["epoch_seconds"]) / r["floor_seconds_per_epoch"] for r in per_repeat]
        summary["vaelab"]["times_floor_per_repeat"] = ratios
        summary["vaelab"]["floor_sgemm_gflops_per_s_per_repeat"] = [r["floor_sgemm_gflops_per_s"] for r in per_repeat]
        rows.append(times_floor_row(ratios, summary["vaelab"]["floor_sgemm_gflops_per_s_per_repeat"]))
        rows += steady_rows(summary["vaelab"], per_repeat, lambda r: statistics.median(r["epoch_seconds"]),
                            "seconds_per_epoch")
    row, found = slow_epochs(runner.runs)
    rows.append(row)
    summary["slow_epochs"] = found
    if "steady" in summary.get("vaelab", {}):
        quiet = not any(found.values()) and len(summary["vaelab"]["steady"]) == len(per_repeat)
        summary["quiet"] = quiet
        rows.append("quiet run (every repeat steady, no slow epoch): " + ("yes" if quiet else "no"))
    if floor_after is not None:
        before, after = floor["workload_sgemm_gflops_per_s"], floor_after["workload_sgemm_gflops_per_s"]
        summary["sgemm_gflops_per_s_after"] = after
        rows.append(f"sgemm rate {before:.1f} GFLOP/s before the runs, {after:.1f} after"
                    + (": the machine's speed changed during the run" if abs(after / before - 1) > 0.1 else ""))
    if summary.get("vaelab", {}).get("seconds_from_wall"):
        rows.append("vaelab's seconds are wall-clock/epochs (no train/epoch_seconds metric): an upper bound")
    return rows, summary


def quality_summary(runner):
    rows, summary = [], {}
    by_seed = {impl: {r["seed"]: r["test_loss"] for r in runner.side(impl)} for impl in ("vaelab", "pytorch")}
    rows.append(f"{'seed':<8}{'vaelab':>12}{'pytorch':>12}   final test loss per example after epochs: {runner.args.epochs}")
    for seed in runner.args.seeds:
        cells = [f"{by_seed[i][seed]:.3f}" if seed in by_seed[i] else "-" for i in ("vaelab", "pytorch")]
        rows.append(f"{seed:<8}" + "".join(f"{c:>12}" for c in cells))
    for impl, losses in by_seed.items():
        if losses:
            summary[impl] = {"test_loss_by_seed": losses, "mean_test_loss": statistics.mean(losses.values()),
                             "stdev_test_loss": statistics.stdev(losses.values()) if len(losses) > 1 else 0.0,
                             "median_s_per_epoch": statistics.median(
                                 s for r in runner.side(impl) for s in r["epoch_seconds"])}
    rows.append(f"{'mean':<8}" + "".join(f"{summary[i]['mean_test_loss']:>12.3f}" if i in summary else f"{'-':>12}"
                                         for i in ("vaelab", "pytorch")))
    if "vaelab" in summary and "pytorch" in summary:
        diff = summary["vaelab"]["mean_test_loss"] - summary["pytorch"]["mean_test_loss"]
        summary["difference_vaelab_minus_pytorch"] = diff
        summary["within_target"] = abs(diff) <= QUALITY_TARGET_NATS
        rows.append(f"vaelab - pytorch: {diff:+.3f} nats; target |difference| <= {QUALITY_TARGET_NATS} nat: "
                    + ("MET" if summary["within_target"] else "NOT MET"))
    return rows, summary


def run_sweeps(runner):
    """Sweep mode: R repeats of (--parallel 1, --parallel 2), alternating, each into a fresh results root."""
    args = runner.args
    records = []
    for repeat in range(args.repeats):
        for parallel in (1, 2):
            prefix = os.path.join(runner.out_dir, f"sweep-parallel{parallel}-repeat{repeat}")
            results_root = prefix + "-results"
            argv = vaelab_sweep_command(SWEEP_CONFIG, args.data_dir, parallel, results_root)
            rc, wall, rss, _ = measure(argv, runner.env, prefix)
            experiment_dir = os.path.join(results_root, "sweep-bench")
            finished = sweep_finished_runs(experiment_dir) if os.path.exists(os.path.join(experiment_dir, "summary.csv")) else 0
            record = {"impl": "vaelab-sweep", "parallel": parallel, "repeat": repeat, "command": argv, "rc": rc,
                      "wall_s": wall, "peak_rss_mib": rss, "finished_runs": finished,
                      "load_average_after": os.getloadavg(), "log": os.path.relpath(prefix, ROOT)}
            log(f"  sweep --parallel {parallel}, repeat {repeat}: {wall:.1f} s, {finished}/8 runs finished, rc {rc}")
            if rc != 0 or finished != 8:
                log(tail(prefix + ".stderr"))
                raise SystemExit(f"the sweep at --parallel {parallel} did not finish its 8 runs (rc {rc}); "
                                 f"log: {record['log']}.stderr")
            records.append(record)
    runner.runs.extend(records)
    return sweep_summary(records)


def sweep_summary(records):
    """The median wall seconds at each parallelism and the speed-up of running two at once."""
    summary = {}
    for parallel in (1, 2):
        walls = [r["wall_s"] for r in records if r["parallel"] == parallel]
        summary[f"parallel{parallel}"] = {"median_wall_s": statistics.median(walls), "walls_s": walls,
                                          "runs_per_minute": 8 * 60 / statistics.median(walls)}
    serial, parallel = summary["parallel1"]["median_wall_s"], summary["parallel2"]["median_wall_s"]
    summary["speedup_parallel2_over_parallel1"] = serial / parallel
    rows = [f"{'sweep of 8 runs':<28}{'wall s, median':>16}{'runs/min':>10}",
            f"{'--parallel 1 (all cores each)':<28}{serial:>16.1f}{summary['parallel1']['runs_per_minute']:>10.2f}",
            f"{'--parallel 2 (cores shared)':<28}{parallel:>16.1f}{summary['parallel2']['runs_per_minute']:>10.2f}"]
    if parallel <= serial:
        rows.append(f"--parallel 2 is {serial / parallel:.2f}x as fast as --parallel 1 ({serial - parallel:.1f} s "
                    f"saved, {100 * (1 - parallel / serial):.0f}% less wall time)")
    else:
        rows.append(f"--parallel 2 is SLOWER than --parallel 1 by {parallel - serial:.1f} s ({parallel / serial:.2f}x the "
                    "wall time); on 2 cores it must not be")
    summary["parallel_not_slower"] = parallel <= serial
    return rows, summary


def main():
    args = parse_args()
    mode = ("quality" if args.quality else "sweep" if args.sweep else "literature" if args.literature
            else "zoo" if args.zoo else "conv" if args.conv else "load" if args.load else "speed")
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    out_dir = os.path.join(ROOT, "results", "bench", f"{stamp}-{mode}")
    os.makedirs(out_dir)
    runner = Runner(args, out_dir)
    threads = f"{os.cpu_count()} cores divided among the parallel runs" if args.sweep else f"{args.threads} threads"
    log(f"vaelab bench, {mode} mode, {threads}, data {args.data_dir}, logs in {os.path.relpath(out_dir, ROOT)}")
    if not (args.sweep or args.literature or args.zoo or args.conv):
        log(f"both sides train on the first {60000 - args.validation} MNIST training images and drop the last partial batch")
    if args.only != "pytorch":
        runner.vaelab_unavailable = runner.check_vaelab()
        if runner.vaelab_unavailable:
            log(f"vaelab is not available, running the PyTorch side only: {runner.vaelab_unavailable}")
    if args.only == "vaelab" and runner.vaelab_unavailable:
        raise SystemExit(1)
    if args.conv or args.load:
        rows, summary = run_conv(runner) if args.conv else run_load(runner)
        print("\n".join(rows), flush=True)
        report = {"mode": mode, "repeats": args.repeats, "epochs": args.epochs, "busy": args.busy,
                  "nets": {n: convnets.NETS[n] for n in args.nets} if args.conv else None,
                  "machine": benchlib.machine_info(), "vaelab_unavailable": runner.vaelab_unavailable,
                  "summary": summary, "runs": runner.runs, "table": rows}
        write_report(out_dir, report, args.out)
        return
    if args.sweep or args.literature or args.zoo:
        if runner.vaelab_unavailable:
            raise SystemExit(f"{mode} mode measures vaelab only, which is not available: {runner.vaelab_unavailable}")
        rows, summary = (run_sweeps(runner) if args.sweep else run_literature(runner) if args.literature
                         else run_zoo(runner))
        print("\n".join(rows), flush=True)
        report = {"mode": mode, "repeats": args.repeats, "data_dir": args.data_dir,
                  "config": {"sweep": SWEEP_CONFIG, "literature": LITERATURE_CONFIG,
                             "zoo": [CVAE_CONFIG, BETA_KL_CONFIG]}[mode],
                  "machine": benchlib.machine_info(), "summary": summary, "runs": runner.runs, "table": rows}
        write_report(out_dir, report, args.out)
        return

    floor = None if args.quality else flops_floor(runner)
    pairs = [(seed, args.epochs) for seed in args.seeds] if args.quality else [(r, args.epochs) for r in range(args.repeats)]
    for seed, epochs in pairs:  # alternate A B A B, so slow drifts of the machine hit both sides alike
        if args.only != "pytorch":
            # the floor again right before each of vaelab's repeats but the first (measured just before it)
            repeat_floor = (floor if args.quality or seed == 0 or not args.floor_per_repeat
                            else flops_floor(runner, f"before repeat {seed}", tag=f"repeat{seed}"))
            runner.run_vaelab(seed, epochs)
            if repeat_floor is not None and args.floor_per_repeat and runner.runs and runner.runs[-1]["impl"] == "vaelab":
                runner.runs[-1]["floor_seconds_per_epoch"] = repeat_floor["floor_seconds_per_epoch"]
                runner.runs[-1]["floor_sgemm_gflops_per_s"] = repeat_floor["workload_sgemm_gflops_per_s"]
                # and right after it: whether the machine held its speed while vaelab ran
                after = flops_floor(runner, f"after repeat {seed}", tag=f"repeat{seed}-after")
                runner.runs[-1]["floor_after_seconds_per_epoch"] = after["floor_seconds_per_epoch"]
                runner.runs[-1]["floor_after_sgemm_gflops_per_s"] = after["workload_sgemm_gflops_per_s"]
        if args.only != "vaelab":
            runner.run_pytorch(seed, epochs)

    floor_after = None if args.quality else flops_floor(runner, "after the runs (only to show drift)")
    rows, summary = quality_summary(runner) if args.quality else speed_summary(runner, floor, floor_after)
    print("\n".join(rows), flush=True)
    if runner.vaelab_unavailable and args.only != "pytorch":
        print(f"vaelab: not measured: {runner.vaelab_unavailable}", flush=True)
    pytorch_runs = runner.side("pytorch")
    report = {"mode": mode, "threads": args.threads, "epochs": args.epochs, "validation": args.validation,
              "drop_last": True, "batch_size": 128, "data_dir": args.data_dir,
              "torch": pytorch_runs[0]["torch"] if pytorch_runs else None,
              "blas": pytorch_runs[0]["blas"] if pytorch_runs else None,
              "machine": benchlib.machine_info(), "vaelab_unavailable": runner.vaelab_unavailable,
              "summary": summary, "flops_floor": floor, "runs": runner.runs, "table": rows}
    write_report(out_dir, report, args.out)


def write_report(out_dir, report, copy_to):
    """report.json in the run's folder, and a copy where --out asks."""
    path = os.path.join(out_dir, "report.json")
    with open(path, "w") as f:
        json.dump(report, f, indent=2)
    if copy_to:
        shutil.copyfile(path, copy_to)
    log(f"report: {os.path.relpath(path, ROOT)}" + (f" and {copy_to}" if copy_to else ""))


if __name__ == "__main__":
    main()

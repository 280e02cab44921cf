"""The physical floor of one training epoch of a bench workload on this machine.

Counts the GEMM FLOPs of one epoch exactly and divides them by this machine's sgemm rate measured
on those very GEMM shapes, so the floor is what a perfect implementation that spent time only in
matrix products would need. `--net mnist-mlp` (the default) is the MNIST MLP VAE of the speed mode
(bench/pytorch_mnist_vae.py); `--net mnist-conv` and `--net burgess` are the conv mode's nets, whose
layers and im2col GEMM shapes bench/convnets.py derives (forward, input grad and weight grad of
every conv, transposed conv and dense layer, printed per layer).

The count, per Linear layer (in -> out) and batch of B examples:
  forward       Y  = X · Wᵀ      2·B·in·out
  input grad    dX = dY · W      2·B·in·out   (not for the first layer: the data needs no gradient)
  weight grad   dW = dYᵀ · X     2·B·in·out
Element-wise work (biases, activations, loss, Adam) is not counted: it is memory-bound and small
in FLOPs, which is exactly why the distance to this floor shows how much time goes elsewhere.

The rate, per GEMM shape: the faster of two sgemm implementations on the workload's own shapes and
transpositions, each timed as the median of several repeats on `--threads` threads:
  - numpy.matmul on float32 (OpenBLAS sgemm, the library PyTorch's side uses here);
  - ONNX Runtime's Gemm (its MLAS kernels, what vaelab runs), through the CLI jar's
    dev.vaelab.train.bench.GemmRate (`--ort-jar`, default modules/cli/target/vaelab-cli.jar; `--no-ort`
    leaves it out, and the floor then says so).
A floor taken from the slower one would not be a floor: on some machines MLAS runs these shapes at
several times OpenBLAS's rate (bench/README.md), and vaelab then "beats" an OpenBLAS-only floor.

Prints a table on stderr and one JSON object on stdout. Run it like the PyTorch script:
  LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp /usr/bin/python3 bench/flops_floor.py --threads 2
"""

import argparse
import ctypes
import json
import os
import statistics
import subprocess
import sys
import time

import benchlib
import convnets

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# The reference workload's Linear layers: (name, in, out). fc21/fc22 are the mu and logvar heads.
LAYERS = [("fc1", 784, 400), ("fc21", 400, 20), ("fc22", 400, 20), ("fc3", 20, 400), ("fc4", 400, 784)]


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--net", choices=sorted(convnets.NETS), default="mnist-mlp",
                   help="the workload (default: the speed mode's MNIST MLP VAE)")
    p.add_argument("--threads", type=int, default=2, help="BLAS threads")
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--train-size", type=int,
                   help="training images per epoch (default: 55000 for the MNIST nets, 737280 for burgess)")
    p.add_argument("--keep-last", action="store_true",
                   help="count the last partial batch (the classic example); by default it is dropped, like vaelab")
    p.add_argument("--repeats", type=int, default=9, help="timed repeats per GEMM; the median counts")
    p.add_argument("--ort-jar", default=os.path.join(ROOT, "modules", "cli", "target", "vaelab-cli.jar"),
                   help="the vaelab CLI jar whose GemmRate times ONNX Runtime's sgemm (default: the built CLI)")
    p.add_argument("--no-ort", action="store_true", help="time OpenBLAS only (the floor is then OpenBLAS's)")
    return p.parse_args()


def step_gemms(net, batch):
    """The GEMMs of one training step: (layer, pass, m, k, n, transpose a, transpose b) for (m x k)·(k x n)."""
    if net != "mnist-mlp":
        return [(g["layer"], g["pass"], g["m"], g["k"], g["n"], g["trans_a"], g["trans_b"])
                for g in convnets.step_gemms(net, batch)]
    gemms = []
    for i, (name, n_in, n_out) in enumerate(LAYERS):
        gemms.append((name, "forward", batch, n_in, n_out, False, True))        # X[B,in] · W[out,in]ᵀ
        if i > 0:
            gemms.append((name, "input grad", batch, n_out, n_in, False, False))  # dY[B,out] · W[out,in]
        gemms.append((name, "weight grad", n_out, batch, n_in, True, False))     # dY[B,out]ᵀ · X[B,in]
    return gemms


def time_gemm(np, m, k, n, trans_a, trans_b, repeats):
    """Median seconds of one (m x k)·(k x n) float32 product with the given operand layouts."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal((k, m) if trans_a else (m, k), dtype=np.float32)
    b = rng.standard_normal((n, k) if trans_b else (k, n), dtype=np.float32)
    a, b = (a.T if trans_a else a), (b.T if trans_b else b)  # transposed views: sgemm gets the trans flag
    out = np.empty((m, n), dtype=np.float32)
    for _ in range(3):
        np.matmul(a, b, out=out)
    inner, elapsed = 1, 0.0
    while elapsed < 0.02:  # enough calls per repeat that the timer's resolution does not matter
        inner *= 2
        began = time.perf_counter()
        for _ in range(inner):
            np.matmul(a, b, out=out)
        elapsed = time.perf_counter() - began
    samples = []
    for _ in range(repeats):
        began = time.perf_counter()
        for _ in range(inner):
            np.matmul(a, b, out=out)
        samples.append((time.perf_counter() - began) / inner)
    return statistics.median(samples)


def ort_rates(jar, shapes, threads, repeats):
    """{(m, k, n, trans_a, trans_b): seconds} of ONNX Runtime's Gemm on each shape, from GemmRate."""
    if not os.path.isfile(jar):
        raise SystemExit(f"flops_floor.py: {jar} is missing; build it with ./vaelab --help, or pass --no-ort")
    spec = ",".join(f"{m}x{k}x{n}:{'T' if ta else 'N'}{'T' if tb else 'N'}" for m, k, n, ta, tb in shapes)
    argv = ["java", "-Xmx2g", "-cp", jar, "dev.vaelab.train.bench.GemmRate", "--threads", str(threads),
            "--repeats", str(repeats), "--shapes", spec]
    done = subprocess.run(argv, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"flops_floor.py: GemmRate failed ({done.returncode}): {done.stderr.strip()[-400:]}")
    timed = json.loads(done.stdout.strip().splitlines()[-1])["shapes"]
    return {shape: row["seconds"] for shape, row in zip(shapes, timed)}


def openblas_threads():
    """Threads the loaded OpenBLAS will use, asked from the library itself (None if it is not OpenBLAS)."""
    for path in benchlib.loaded_blas():
        try:
            return ctypes.CDLL(path).openblas_get_num_threads()
        except (OSError, AttributeError):
            continue
    return None


def main():
    args = parse_args()
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):  # read when OpenBLAS loads, i.e. at numpy import
        os.environ[var] = str(args.threads)
    import numpy as np

    if args.train_size is None:
        args.train_size = 55000 if args.net.startswith("mnist") else convnets.NETS[args.net]["epoch_images"]
    full, partial = divmod(args.train_size, args.batch_size)
    batches = [(args.batch_size, full)] + ([(partial, 1)] if args.keep_last and partial else [])
    peak = 2048
    gemms = [(batch, count, gemm) for batch, count in batches for gemm in step_gemms(args.net, batch)]
    shapes = sorted({tuple(g[2:]) for _, _, g in gemms} | {(peak, peak, peak, False, False)})
    ort = {} if args.no_ort else ort_rates(args.ort_jar, shapes, args.threads, args.repeats)
    rows, epoch_flops, epoch_seconds = [], 0, 0.0
    for batch, count, (layer, stage, m, k, n, trans_a, trans_b) in gemms:
        openblas = time_gemm(np, m, k, n, trans_a, trans_b, args.repeats)
        mlas = ort.get((m, k, n, trans_a, trans_b))
        seconds = min(openblas, mlas) if mlas else openblas
        flops = 2 * m * k * n
        rows.append({"gemm": f"{layer} {stage}", "layer": layer, "pass": stage, "batch": batch, "m": m, "k": k, "n": n, "flops": flops,
                     "seconds": seconds, "gflops_per_s": flops / seconds / 1e9,
                     "openblas_gflops_per_s": flops / openblas / 1e9,
                     "ort_gflops_per_s": flops / mlas / 1e9 if mlas else None})
        epoch_flops += count * flops
        epoch_seconds += count * seconds
    peak_seconds = time_gemm(np, peak, peak, peak, False, False, 3)
    peak_ort = ort.get((peak, peak, peak, False, False))

    for r in rows:
        ort_rate = f"{r['ort_gflops_per_s']:6.1f}" if r["ort_gflops_per_s"] else "     -"
        log(f"{r['gemm']:<26} B={r['batch']:<4} {r['m']:>6}x{r['k']:<6}·{r['k']:>6}x{r['n']:<5} "
            f"{r['flops'] / 1e6:9.2f} MFLOP {r['seconds'] * 1e6:9.1f} us  {r['gflops_per_s']:6.1f} GFLOP/s "
            f"(OpenBLAS {r['openblas_gflops_per_s']:6.1f}, ORT {ort_rate})")
    steps = sum(count for _, count in batches)
    images = sum(batch * count for batch, count in batches)
    result = {
        "event": "flops_floor",
        "net": args.net,
        "epoch_images": images,
        "step_gflop": sum(r["flops"] for r in rows if r["batch"] == args.batch_size) / 1e9,
        "floor_seconds_per_1000_images": epoch_seconds / images * 1000,
        "threads": args.threads,
        "openblas_threads": openblas_threads(),
        "batch_size": args.batch_size,
        "train_size": args.train_size,
        "steps_per_epoch": steps,
        "drop_last": not args.keep_last,
        "epoch_gflop": epoch_flops / 1e9,
        "workload_sgemm_gflops_per_s": epoch_flops / epoch_seconds / 1e9,
        "floor_seconds_per_epoch": epoch_seconds,
        "square_2048_sgemm_gflops_per_s": 2 * peak ** 3 / peak_seconds / 1e9,
        "square_2048_ort_gflops_per_s": 2 * peak ** 3 / peak_ort / 1e9 if peak_ort else None,
        "rate_source": "OpenBLAS" if args.no_ort else "the faster of OpenBLAS and ONNX Runtime per shape",
        "gemms": rows,
        "numpy": np.__version__,
        "blas": benchlib.loaded_blas(),
        "machine": benchlib.machine_info(),
    }
    log(f"epoch: {steps} steps, {result['epoch_gflop']:.2f} GFLOP in GEMMs")
    square_ort = f", ORT {result['square_2048_ort_gflops_per_s']:.1f}" if peak_ort else ""
    log(f"sgemm on the workload's shapes: {result['workload_sgemm_gflops_per_s']:.1f} GFLOP/s, {result['rate_source']} "
        f"({args.threads} threads; 2048^3 square: OpenBLAS {result['square_2048_sgemm_gflops_per_s']:.1f}{square_ort} GFLOP/s)")
    log(f"floor: {epoch_seconds:.3f} s per epoch")
    print(json.dumps(result), flush=True)


def log(message):
    print(message, file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()

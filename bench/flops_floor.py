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

The rate: numpy.matmul on float32 (OpenBLAS sgemm) with the workload's shapes and transpositions,
each timed as the median of several repeats, on `--threads` BLAS threads.

Prints a table on stderr and one JSON object on stdout. Run it like the PyTorch script:
  LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp /usr/bin/python3 bench/flops_floor.py --threads 2
"""

import argparse
import ctypes
import json
import os
import statistics
import sys
import time

import benchlib
import convnets

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
    rows, epoch_flops, epoch_seconds = [], 0, 0.0
    for batch, count in batches:
        for layer, stage, m, k, n, trans_a, trans_b in step_gemms(args.net, batch):
            seconds = time_gemm(np, m, k, n, trans_a, trans_b, args.repeats)
            flops = 2 * m * k * n
            rows.append({"gemm": f"{layer} {stage}", "layer": layer, "pass": stage, "batch": batch, "m": m, "k": k, "n": n, "flops": flops,
                         "seconds": seconds, "gflops_per_s": flops / seconds / 1e9})
            epoch_flops += count * flops
            epoch_seconds += count * seconds
    peak = 2048
    peak_seconds = time_gemm(np, peak, peak, peak, False, False, 3)

    for r in rows:
        log(f"{r['gemm']:<26} B={r['batch']:<4} {r['m']:>6}x{r['k']:<6}·{r['k']:>6}x{r['n']:<5} "
            f"{r['flops'] / 1e6:9.2f} MFLOP {r['seconds'] * 1e6:9.1f} us  {r['gflops_per_s']:6.1f} GFLOP/s")
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
        "gemms": rows,
        "numpy": np.__version__,
        "blas": benchlib.loaded_blas(),
        "machine": benchlib.machine_info(),
    }
    log(f"epoch: {steps} steps, {result['epoch_gflop']:.2f} GFLOP in GEMMs")
    log(f"sgemm on the workload's shapes: {result['workload_sgemm_gflops_per_s']:.1f} GFLOP/s "
        f"({args.threads} threads; 2048^3 square: {result['square_2048_sgemm_gflops_per_s']:.1f} GFLOP/s)")
    log(f"floor: {epoch_seconds:.3f} s per epoch")
    print(json.dumps(result), flush=True)


def log(message):
    print(message, file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()

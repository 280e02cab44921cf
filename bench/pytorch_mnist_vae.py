"""The benchmark's reference workload in eager PyTorch: the classic PyTorch examples/vae on MNIST.

MNIST pixels in [0, 1], not binarized; encoder 784-400 ReLU with two heads 400-20 (mu, logvar);
decoder 20-400 ReLU-784 giving Bernoulli logits; loss = BCE + KL summed over the batch
(binary_cross_entropy_with_logits(reduction='sum'), numerically the example's BCE on a sigmoid);
Adam lr 1e-3, batch 128, reshuffled each epoch, PyTorch's default nn.Linear init.

Differences from the example, all chosen so that vaelab and PyTorch train on exactly the same thing:
- `--validation N` holds out the last N training images, as vaelab does (the harness uses 5000,
  so both train on the same 55000 images; 0 trains on all 60000 like the example).
- `--drop-last` drops the last partial batch, as the vaelab engine does; the example keeps it,
  and so does this script without the flag.
- Batches are sliced from in-memory tensors instead of going through a DataLoader, so the epoch
  time measures the training computation, not Python data loading (as vaelab's does).

Per epoch it reports the seconds spent in the training loop only (no data loading, no evaluation)
and the training loss per example; at the end the test loss per example (the negative ELBO with
one reparameterization sample, averaged over the 10000 test images) and the peak RSS.
stdout carries one JSON object per line (one per epoch, then a final one); stderr carries the
same for humans.

Run it with Debian's torch and the OpenMP OpenBLAS (see bench/README.md):
  LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp OMP_NUM_THREADS=2 \
    /usr/bin/python3 bench/pytorch_mnist_vae.py --threads 2 --epochs 1
"""

import argparse
import json
import os
import resource
import sys
import time

import benchlib


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--threads", type=int, default=2, help="intra-op threads (torch and OpenMP)")
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--validation", type=int, default=0,
                   help="hold out the last N training images, as vaelab does (the harness uses 5000)")
    p.add_argument("--drop-last", action="store_true",
                   help="drop the last partial batch, as the vaelab engine does (the example keeps it)")
    p.add_argument("--data-dir", default=benchlib.default_data_root(),
                   help="data root holding mnist/ (default $VAELAB_DATA or ../shared/data)")
    return p.parse_args()


def log(message):
    print(message, file=sys.stderr, flush=True)


def emit(record):
    print(json.dumps(record), flush=True)


def main():
    args = parse_args()
    # OpenMP reads this when torch loads; set it before the import so OpenBLAS agrees with torch.
    os.environ["OMP_NUM_THREADS"] = str(args.threads)
    import torch
    import torch.nn.functional as F
    from torch import nn

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)

    class VAE(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(784, 400)
            self.fc21 = nn.Linear(400, 20)
            self.fc22 = nn.Linear(400, 20)
            self.fc3 = nn.Linear(20, 400)
            self.fc4 = nn.Linear(400, 784)

        def forward(self, x):
            h = F.relu(self.fc1(x))
            mu, logvar = self.fc21(h), self.fc22(h)
            z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
            return self.fc4(F.relu(self.fc3(z))), mu, logvar

    def loss_function(logits, x, mu, logvar):
        bce = F.binary_cross_entropy_with_logits(logits, x, reduction="sum")
        kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
        return bce + kld

    train_np, test_np = benchlib.load_mnist(args.data_dir, args.validation)
    train, test = torch.from_numpy(train_np), torch.from_numpy(test_np)
    model = VAE()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    n, b = len(train), args.batch_size
    starts = range(0, n - b + 1 if args.drop_last else n, b)
    log(f"pytorch {torch.__version__}, {args.threads} threads, seed {args.seed}, {n} train / {len(test)} test images, "
        f"batch {b}, {len(starts)} steps per epoch, drop-last {'on (like vaelab)' if args.drop_last else 'off (like the example)'}")

    for epoch in range(1, args.epochs + 1):
        model.train()
        total, seen = 0.0, 0
        began = time.perf_counter()
        order = torch.randperm(n)
        for start in starts:
            x = train[order[start:start + b]]
            optimizer.zero_grad()
            logits, mu, logvar = model(x)
            loss = loss_function(logits, x, mu, logvar)
            loss.backward()
            optimizer.step()
            total += loss.item()
            seen += len(x)
        seconds = time.perf_counter() - began
        emit({"event": "epoch", "epoch": epoch, "seconds": seconds, "train_loss": total / seen, "examples": seen})
        log(f"epoch {epoch}: {seconds:.3f} s, train loss {total / seen:.4f} per example")

    model.eval()
    with torch.no_grad():
        test_total = 0.0
        for start in range(0, len(test), 1000):
            x = test[start:start + 1000]
            logits, mu, logvar = model(x)
            test_total += loss_function(logits, x, mu, logvar).item()
    test_loss = test_total / len(test)
    peak_rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    emit({"event": "final", "test_loss": test_loss, "peak_rss_mib": peak_rss_mib, "epochs": args.epochs,
          "seed": args.seed, "threads": args.threads, "batch_size": b, "drop_last": args.drop_last,
          "validation": args.validation, "train_examples": n, "test_examples": len(test),
          "torch": torch.__version__, "blas": benchlib.loaded_blas(), "machine": benchlib.machine_info()})
    log(f"test loss {test_loss:.4f} per example (negative ELBO, 1 sample), peak RSS {peak_rss_mib:.0f} MiB")


if __name__ == "__main__":
    main()

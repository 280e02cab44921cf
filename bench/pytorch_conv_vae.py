"""The conv mode's PyTorch side: training steps of a bench/convnets.py net in eager PyTorch.

The same net vaelab's StepBench trains (conv encoder with ReLU, dense layers, mu/log-variance;
decoder mirrored with transposed convolutions, Bernoulli logits; loss = BCE + KL summed over the
batch; Adam lr 1e-3; PyTorch's default init), on the same kind of generated data: seeded uniform
bytes as pixels in [0, 1] and standard normal noise. Times `--steps` steps after `--warmup` steps
and prints one JSON object on stdout: seconds per step and per 1000 images, the losses, peak RSS.

This is Debian's python3-torch 1.13 with the OpenMP OpenBLAS (see bench/README.md), not a pip
wheel: on the quiet machine it took 110 s per MNIST conv epoch, mostly in its transposed
convolutions (issue 16), so it is no anchor for what the machine can do; the FLOP floor is.

  LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp /usr/bin/python3 bench/pytorch_conv_vae.py \\
      --net mnist-conv --threads 2 --steps 20
"""

import argparse
import json
import os
import resource
import sys
import time

import benchlib
import convnets


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--net", choices=[n for n in convnets.NETS if n != "mnist-mlp"], required=True)
    p.add_argument("--steps", type=int, default=20, help="timed training steps")
    p.add_argument("--warmup", type=int, default=3, help="untimed steps first")
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    return p.parse_args()


def build(net, torch, nn):
    """The net of convnets.layers(net) as (encoder, decoder) nn.Sequential."""
    spec, layers = convnets.NETS[net], convnets.layers(net)
    encoder, decoder = [], []
    last = len(layers) - 1
    for i, l in enumerate(layers):
        side = encoder if l.name.startswith("enc") else decoder
        if l.kind == "conv":
            side += [nn.Conv2d(l.c_in, l.c_out, l.kernel, l.stride, l.padding), nn.ReLU()]
        elif l.kind == "deconv":
            side.append(nn.ConvTranspose2d(l.c_in, l.c_out, l.kernel, l.stride, l.padding, l.output_padding))
            if i < last:
                side.append(nn.ReLU())
        else:
            if l.name == "enc fc0" and spec["channels"]:
                side.append(nn.Flatten())
            side.append(nn.Linear(l.c_in, l.c_out))
            if l.name != "enc out":
                side.append(nn.ReLU())
            if l.name == "dec project":
                channels = spec["channels"][-1]
                side.append(nn.Unflatten(1, (channels, layers[i + 1].h_in, layers[i + 1].w_in)))
    return nn.Sequential(*encoder), nn.Sequential(*decoder)


def main():
    args = parse_args()
    os.environ["OMP_NUM_THREADS"] = str(args.threads)  # read when torch loads
    import torch
    import torch.nn.functional as F
    from torch import nn

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    spec = convnets.NETS[args.net]
    encoder, decoder = build(args.net, torch, nn)
    params = list(encoder.parameters()) + list(decoder.parameters())
    optimizer = torch.optim.Adam(params, lr=1e-3)
    b, latent = args.batch_size, spec["latent"]
    generator = torch.Generator().manual_seed(args.seed + 1)

    def step():
        x = torch.randint(0, 256, (b,) + spec["image"], generator=generator).float() / 255
        eps = torch.randn(b, latent, generator=generator)
        optimizer.zero_grad()
        stats = encoder(x)
        mu, logvar = stats[:, :latent], stats[:, latent:]
        logits = decoder(mu + eps * torch.exp(0.5 * logvar))
        loss = (F.binary_cross_entropy_with_logits(logits, x, reduction="sum")
                - 0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())) / b
        loss.backward()
        optimizer.step()
        return loss.item()

    losses = [step() for _ in range(args.warmup)]
    began = time.perf_counter()
    losses += [step() for _ in range(args.steps)]
    seconds = (time.perf_counter() - began) / args.steps
    print(json.dumps({"event": "conv_steps", "net": args.net, "batch": b, "steps": args.steps,
                      "seconds_per_step": seconds, "seconds_per_1000_images": seconds * 1000 / b, "losses": losses,
                      "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "torch": torch.__version__, "blas": benchlib.loaded_blas(), "machine": benchlib.machine_info()}),
          flush=True)
    print(f"pytorch {torch.__version__}, {args.net}: {seconds:.3f} s per step of {b}, "
          f"{seconds * 1000 / b:.3f} s per 1000 images", file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()

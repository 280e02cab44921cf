"""The nets the bench measures, as layers, and the exact GEMM work of one training step of each.

One description per net serves all three sides: vaelab's model YAML (for StepBench), the PyTorch
module (bench/pytorch_conv_vae.py builds it from the same layers) and the FLOP count and GEMM
shapes of the floor (bench/flops_floor.py).

Layers follow vaelab's ConvNetwork and Mlp: the encoder is the convolutions (with ReLU), flatten,
the dense hidden layers (ReLU) and a dense layer to 2·latent (mu and log-variance); the decoder is
the dense hidden layers, a dense "project" layer (ReLU) to the smallest feature map, then one
transposed convolution per encoder convolution in reverse, the last to the image's channels
(Bernoulli logits, one per pixel).

The GEMMs of a training step, with B images per batch. A convolution C -> M with a k x k kernel
and an H' x W' output is, unrolled over the batch (im2col), the product
  forward       Y[B·H'W', M]   = col(X)[B·H'W', C·k·k] · Wᵀ[C·k·k, M]
  input grad    dcol[B·H'W', C·k·k] = dY[B·H'W', M] · W[M, C·k·k]       (then col2im)
  weight grad   dW[M, C·k·k]   = dYᵀ[M, B·H'W'] · col(X)[B·H'W', C·k·k]
and a transposed convolution C -> M from an H x W input is the adjoint of the convolution M -> C,
so its forward is that convolution's input-gradient product and vice versa (same 2·B·HW·C·M·k·k
FLOPs for each of the three). Dense layers in -> out: 2·B·in·out each. The encoder's first layer
needs no input gradient (the data has none). Everything else (bias, activations, loss, Adam,
im2col/col2im copies) is not counted: it is memory-bound work, which is what the distance to the
floor measures.
"""

from collections import namedtuple

# kind: "conv", "deconv" or "dense"; for conv layers c_in -> c_out with kernel/stride/padding and the
# spatial size of the input (h_in, w_in) and output (h_out, w_out); for dense layers c_in -> c_out.
Layer = namedtuple("Layer", "name kind c_in c_out kernel stride padding h_in w_in h_out w_out output_padding")

# name: (channels, height, width, latent, conv channels, kernel, stride, padding, hidden, images per epoch)
NETS = {
    # experiments/mnist-conv-vae.yaml; 55000 training images (5000 held out), 429 full batches
    "mnist-conv": dict(image=(1, 28, 28), latent=16, channels=[32, 64], kernel=4, stride=2, padding=1, hidden=[256],
                       epoch_images=429 * 128, epoch_name="MNIST epoch (429 x 128 images)",
                       yaml_network="{type: conv, channels: [32, 64], kernel: 4, stride: 2, hidden: [256], activation: relu}"),
    # Burgess et al. (2018), the dSprites net: preset: burgess, latent 10, on 64x64 grey images;
    # an epoch is the 737280 dSprites images (5760 batches of 128)
    "burgess": dict(image=(1, 64, 64), latent=10, channels=[32, 32, 32, 32], kernel=4, stride=2, padding=1,
                    hidden=[256, 256], epoch_images=737280, epoch_name="dSprites epoch (737280 images)",
                    yaml_network="{type: conv, preset: burgess}"),
    # the MLP workload of the speed mode (bench/mnist-vae-bench.yaml), as the same kind of description
    "mnist-mlp": dict(image=(1, 28, 28), latent=20, channels=[], kernel=0, stride=0, padding=0, hidden=[400],
                      epoch_images=429 * 128, epoch_name="MNIST epoch (429 x 128 images)",
                      yaml_network="{type: mlp, hidden: [400], activation: relu}"),
}


def model_yaml(net):
    """vaelab's model section for this net (what StepBench --model takes)."""
    spec = NETS[net]
    return (f"{{type: vae, latent_dim: {spec['latent']}, encoder: {spec['yaml_network']}, "
            f"decoder: {spec['yaml_network']}}}")


def shape_arg(net):
    c, h, w = NETS[net]["image"]
    return f"{c}x{h}x{w}"


def layers(net):
    """The net's layers in forward order, encoder then decoder, with every feature map's size."""
    spec = NETS[net]
    c, h, w = spec["image"]
    k, s, p = spec["kernel"], spec["stride"], spec["padding"]
    out = []
    maps = [(h, w)]
    c_in = c
    for i, c_out in enumerate(spec["channels"]):
        h_in, w_in = maps[-1]
        h_out, w_out = (h_in + 2 * p - k) // s + 1, (w_in + 2 * p - k) // s + 1
        out.append(Layer(f"enc conv{i}", "conv", c_in, c_out, k, s, p, h_in, w_in, h_out, w_out, 0))
        maps.append((h_out, w_out))
        c_in = c_out
    flat = c_in * maps[-1][0] * maps[-1][1]
    for i, units in enumerate(spec["hidden"]):
        out.append(Layer(f"enc fc{i}", "dense", flat, units, 0, 0, 0, 0, 0, 0, 0, 0))
        flat = units
    out.append(Layer("enc out", "dense", flat, 2 * spec["latent"], 0, 0, 0, 0, 0, 0, 0, 0))
    flat = spec["latent"]
    for i, units in enumerate(spec["hidden"]):
        out.append(Layer(f"dec fc{i}", "dense", flat, units, 0, 0, 0, 0, 0, 0, 0, 0))
        flat = units
    if spec["channels"]:
        depth = len(spec["channels"])
        smallest = maps[depth]
        c_in = spec["channels"][-1]
        out.append(Layer("dec project", "dense", flat, c_in * smallest[0] * smallest[1], 0, 0, 0, 0, 0, 0, 0, 0))
        for step, layer in enumerate(range(depth - 1, -1, -1)):
            c_out = spec["channels"][layer - 1] if layer > 0 else c
            (h_in, w_in), (h_out, w_out) = maps[layer + 1], maps[layer]
            left = (h_out + 2 * p - k) % s  # the rows the encoder's convolution left over, given back
            out.append(Layer(f"dec deconv{step}", "deconv", c_in, c_out, k, s, p, h_in, w_in, h_out, w_out, left))
            c_in = c_out
    else:
        out.append(Layer("dec out", "dense", flat, c * h * w, 0, 0, 0, 0, 0, 0, 0, 0))
    return out


def step_gemms(net, batch):
    """The GEMMs of one training step: dicts with layer, pass, m, k, n, trans_a, trans_b, flops."""
    gemms = []
    for i, l in enumerate(layers(net)):
        if l.kind == "dense":
            rows = [("forward", batch, l.c_in, l.c_out, False, True),      # X[B,in] · W[out,in]ᵀ
                    ("input grad", batch, l.c_out, l.c_in, False, False),  # dY[B,out] · W[out,in]
                    ("weight grad", l.c_out, batch, l.c_in, True, False)]  # dY[B,out]ᵀ · X[B,in]
        elif l.kind == "conv":
            pixels, taps = batch * l.h_out * l.w_out, l.c_in * l.kernel * l.kernel
            rows = [("forward", pixels, taps, l.c_out, False, True),
                    ("input grad", pixels, l.c_out, taps, False, False),
                    ("weight grad", l.c_out, pixels, taps, True, False)]
        else:  # deconv: the adjoint of a convolution c_out -> c_in over the output map
            pixels, taps = batch * l.h_in * l.w_in, l.c_out * l.kernel * l.kernel
            rows = [("forward", pixels, l.c_in, taps, False, False),
                    ("input grad", pixels, taps, l.c_in, False, True),
                    ("weight grad", l.c_in, pixels, taps, True, False)]
        for label, m, k, n, ta, tb in rows:
            if i == 0 and label == "input grad":
                continue  # the data needs no gradient
            gemms.append({"layer": l.name, "kind": l.kind, "pass": label, "m": m, "k": k, "n": n,
                          "trans_a": ta, "trans_b": tb, "flops": 2 * m * k * n})
    return gemms


def forward_macs_per_image(net):
    """Multiply-adds of one image's forward pass (the issue's 5.03 M for mnist-conv)."""
    return sum(g["flops"] for g in step_gemms(net, 1) if g["pass"] == "forward") // 2

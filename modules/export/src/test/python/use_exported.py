"""Encodes images and decodes latent codes with vaelab's exported files in Python's onnxruntime,
knowing nothing but the files: shapes, scaling and labels come from their vaelab.* metadata.

    python3 use_exported.py encoder.onnx decoder.onnx inputs.json

inputs.json: {"count": N, "images": [N*C*H*W values, pixel/255], "labels": [N] or null, "z": [N*L]}
Prints {"metadata": {...}, "mu": [...], "logvar": [...], "mean": [...]} as JSON.
"""
import json
import sys

import numpy as np
import onnxruntime as ort


def open_model(path, role):
    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    meta = session.get_modelmeta().custom_metadata_map
    if meta.get("vaelab.role") != role:
        raise SystemExit(f"{path} is a {meta.get('vaelab.role')}, not a {role}")
    return session, meta


def main(encoder_path, decoder_path, inputs_path):
    with open(inputs_path) as f:
        inputs = json.load(f)
    encoder, meta = open_model(encoder_path, "encoder")
    decoder, decoder_meta = open_model(decoder_path, "decoder")
    c, h, w = json.loads(meta["vaelab.image_shape"])
    latent = int(meta["vaelab.latent_dim"])
    classes = json.loads(meta["vaelab.label_names"])
    n = inputs["count"]

    # x is [N, C*H*W], or [N, C, H, W] for a model that reads images as images: the file says which
    x_shape = next(i for i in encoder.get_inputs() if i.name == "x").shape
    x = np.asarray(inputs["images"], dtype=np.float32).reshape(n, *x_shape[1:])
    encoder_feeds = {"x": x}
    decoder_feeds = {"z": np.asarray(inputs["z"], dtype=np.float32).reshape(n, latent)}
    if meta["vaelab.conditional"] == "true":
        y = np.eye(len(classes), dtype=np.float32)[inputs["labels"]]
        encoder_feeds["y"] = y
        decoder_feeds["y"] = y
    mu, logvar = encoder.run(["mu", "logvar"], encoder_feeds)
    mean = decoder.run(["mean"], decoder_feeds)[0]
    json.dump({
        "metadata": {"model": meta["vaelab.model"], "latent_dim": latent, "image_shape": [c, h, w],
                     "x_dims": [n, *x_shape[1:]], "outputs": list(json.loads(decoder_meta["vaelab.outputs"]))},
        "mu": mu.ravel().tolist(), "logvar": logvar.ravel().tolist(), "mean": mean.ravel().tolist(),
    }, sys.stdout)


if __name__ == "__main__":
    main(*sys.argv[1:4])

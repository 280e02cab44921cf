// Encodes images and decodes latent codes with vaelab's exported files in onnxruntime-node, knowing
// nothing but the files: shapes, scaling and labels come from their vaelab.* metadata.
//   node use-exported.mjs encoder.onnx decoder.onnx inputs.json
// inputs.json: {"count": N, "images": [N*C*H*W values, pixel/255], "labels": [N] or null, "z": [N*L]}
// Prints {"metadata": {...}, "mu": [...], "logvar": [...], "mean": [...]} as JSON.
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { vaelabMetadata } from './vaelab-metadata.mjs';

const [encoderPath, decoderPath, inputsPath] = process.argv.slice(2);
const inputs = JSON.parse(readFileSync(inputsPath, 'utf8'));

async function open(path, role) {
  const bytes = readFileSync(path);
  const meta = vaelabMetadata(bytes);
  if (meta['vaelab.role'] !== role) throw new Error(`${path} is a ${meta['vaelab.role']}, not a ${role}`);
  return { meta, session: await ort.InferenceSession.create(bytes) };
}

function oneHot(labels, classes) {
  const y = new Float32Array(labels.length * classes);
  labels.forEach((label, i) => { y[i * classes + label] = 1; });
  return new ort.Tensor('float32', y, [labels.length, classes]);
}

const encoder = await open(encoderPath, 'encoder');
const decoder = await open(decoderPath, 'decoder');
const meta = encoder.meta;
const [C, H, W] = JSON.parse(meta['vaelab.image_shape']);
const L = Number(meta['vaelab.latent_dim']);
const classes = JSON.parse(meta['vaelab.label_names']).length;
const conditional = meta['vaelab.conditional'] === 'true';
const n = inputs.count;

// x is [N, C*H*W], or [N, C, H, W] for a model that reads images as images: the file says which
const xRank = encoder.session.inputMetadata.find((m) => m.name === 'x').shape.length;
const xDims = xRank === 4 ? [n, C, H, W] : [n, C * H * W];
const encoderFeeds = { x: new ort.Tensor('float32', Float32Array.from(inputs.images), xDims) };
const decoderFeeds = { z: new ort.Tensor('float32', Float32Array.from(inputs.z), [n, L]) };
if (conditional) {
  encoderFeeds.y = oneHot(inputs.labels, classes);
  decoderFeeds.y = oneHot(inputs.labels, classes);
}
const posterior = await encoder.session.run(encoderFeeds);
const likelihood = await decoder.session.run(decoderFeeds);
console.log(JSON.stringify({
  metadata: { model: meta['vaelab.model'], latent_dim: L, image_shape: [C, H, W], x_dims: xDims,
              outputs: Object.keys(JSON.parse(decoder.meta['vaelab.outputs'])) },
  mu: Array.from(posterior.mu.data),
  logvar: Array.from(posterior.logvar.data),
  mean: Array.from(likelihood.mean.data),
}));

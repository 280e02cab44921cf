"""Writes a dSprites-sized .npz in chunks, never holding the array: imgs uint8 [N, 64, 64] in {0, 1}
(one lit pixel an image), latents_classes int64 [N, 6] in dSprites' ranges; zip64, deflated.
A benchmark input for `dataset: numpy` on a member larger than the heap (see bench/numpy-large.yaml):

    python3 bench/numpy-large.py /tmp/large.npz 737280
    java -Xmx256m -XX:+UseSerialGC -jar modules/cli/target/vaelab-cli.jar run bench/numpy-large.yaml --results /tmp/r
"""
import sys
import zipfile

import numpy as np

path, n = sys.argv[1], int(sys.argv[2])
rng = np.random.default_rng(0)
with zipfile.ZipFile(path, 'w', compression=zipfile.ZIP_DEFLATED, compresslevel=1) as z:
    with z.open('imgs.npy', 'w', force_zip64=True) as f:
        np.lib.format.write_array_header_1_0(f, {'descr': '|u1', 'fortran_order': False, 'shape': (n, 64, 64)})
        for start in range(0, n, 8192):
            count = min(8192, n - start)
            block = np.zeros((count, 64, 64), np.uint8)
            index = np.arange(count)
            block[index, (start + index) % 64, (start + index) // 64 % 64] = 1
            f.write(block.tobytes())
    classes = np.stack([np.zeros(n, np.int64)] + [rng.integers(0, k, n) for k in (3, 6, 40, 32, 32)], axis=1)
    with z.open('latents_classes.npy', 'w', force_zip64=True) as f:
        np.lib.format.write_array(f, classes)

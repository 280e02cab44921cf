"""Small helpers shared by the benchmark scripts in bench/.

Paths (repository root, data root), reading MNIST from its IDX gzip files without torchvision,
and provenance: which BLAS library a process actually loaded and what machine it ran on, so that
every recorded number says where it came from.
"""

import datetime
import gzip
import os
import platform
import struct

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def default_data_root():
    """The data root: $VAELAB_DATA, else ../shared/data relative to the repository root."""
    return os.environ.get("VAELAB_DATA") or os.path.normpath(os.path.join(REPO_ROOT, "..", "shared", "data"))


def read_idx_images(path):
    """Reads an IDX3 gzip file (magic 0x00000803) as float32 rows in [0, 1], shape [N, rows*cols]."""
    import numpy as np  # here, not at the top: callers set BLAS thread variables before numpy loads
    with gzip.open(path, "rb") as f:
        magic, n, rows, cols = struct.unpack(">IIII", f.read(16))
        if magic != 0x00000803:
            raise ValueError(f"{path}: not an IDX3 image file (magic {magic:#010x})")
        pixels = np.frombuffer(f.read(n * rows * cols), dtype=np.uint8)
    if pixels.size != n * rows * cols:
        raise ValueError(f"{path}: truncated, expected {n * rows * cols} pixels, got {pixels.size}")
    images = pixels.reshape(n, rows * cols).astype(np.float32)
    images /= 255.0  # in place: one float copy, so the peak RSS does not count a temporary
    return images


def load_mnist(data_root, validation):
    """MNIST pixels in [0, 1], not binarized: (train, test), the last `validation` training images held out."""
    folder = os.path.join(data_root, "mnist")
    train = read_idx_images(os.path.join(folder, "train-images-idx3-ubyte.gz"))
    test = read_idx_images(os.path.join(folder, "t10k-images-idx3-ubyte.gz"))
    if not 0 <= validation < len(train):
        raise ValueError(f"validation must be in [0, {len(train)}), got {validation}")
    return train[: len(train) - validation], test


def loaded_blas():
    """Paths of the BLAS/OpenBLAS shared libraries this process has mapped (call after first use)."""
    with open("/proc/self/maps") as maps:
        paths = {line.split()[-1] for line in maps if "blas" in line.rsplit("/", 1)[-1]}
    return sorted(p for p in paths if p.startswith("/"))


def machine_info():
    """Where and when a measurement ran: host, CPU model, logical CPUs, load average, UTC time."""
    cpu = platform.processor()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), cpu)
    except OSError:
        pass
    return {
        "host": platform.node(),
        "cpu": cpu,
        "logical_cpus": os.cpu_count(),
        "load_average_1_5_15": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "date_utc": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    }

"""PyTorch side of the image-encoder benchmark.

    python3 bench_torch.py MODEL_DIR THREADS BATCH RUNS [COMPARE_DIR]

Builds the dual-path vision tower in float32 from an OpenCLIP hub model
directory and times BATCH images on the CPU with THREADS threads: one
warm-up call, then RUNS timed calls. It prints one JSON line with images/s
and the peak resident memory of this process. With COMPARE_DIR, which contains
input.npy and the ONNX encoder's normalised outputs as .npy files, it also
reports the max abs difference of each output against PyTorch.
"""

import json
import os
import resource
import sys
import time

import numpy as np
import torch

from vision_tower import load_tower


def peak_rss_mib():
    """Peak resident memory of this process in MiB.

    On Linux VmHWM from /proc/self/status, because ru_maxrss survives execve
    and so includes the size of the parent at fork time.
    """
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    # ru_maxrss is in kilobytes on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    model_dir, threads, batch, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    compare_dir = sys.argv[5] if len(sys.argv) > 5 else None
    torch.set_num_threads(threads)
    tower, _ = load_tower(model_dir, torch.float32)
    with open(os.path.join(model_dir, "open_clip_config.json")) as f:
        size = json.load(f)["model_cfg"]["vision_cfg"]["image_size"]

    pixels = torch.randn(batch, 3, size, size, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        tower(pixels)
        start = time.perf_counter()
        for _ in range(runs):
            tower(pixels)
        elapsed = time.perf_counter() - start
    result = {"torch": torch.__version__, "imagesPerSecond": batch * runs / elapsed}

    if compare_dir is not None:
        reference = torch.from_numpy(np.load(os.path.join(compare_dir, "input.npy")))
        with torch.no_grad():
            outputs = tower(reference)
        result["maxAbsDiff"] = {
            name: float(np.abs(np.load(os.path.join(compare_dir, f"{name}.npy")) - t.numpy()).max())
            for name, t in outputs.items()
        }
    result["peakRssMiB"] = peak_rss_mib()
    print(json.dumps(result))


if __name__ == "__main__":
    main()

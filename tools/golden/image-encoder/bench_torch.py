"""PyTorch side of the image-encoder benchmark.

    python3 bench_torch.py MODEL_DIR THREADS RUNS_B1 RUNS_B8 [COMPARE_DIR]

Builds the dual-path vision tower in float32 from an OpenCLIP hub model
directory, times batch 1 and batch 8 on the CPU with THREADS threads (one
warm-up call, then RUNS_* timed calls), and prints one JSON line with
images/s and the peak resident memory of this process. With COMPARE_DIR,
which holds input.npy and the ONNX encoder's normalised outputs as .npy,
it also reports the max abs difference of each output against PyTorch.
"""

import json
import os
import resource
import sys
import time

import numpy as np
import torch

from vision_tower import load_tower


def images_per_second(tower, batch, runs, size):
    pixels = torch.randn(batch, 3, size, size, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        tower(pixels)
        start = time.perf_counter()
        for _ in range(runs):
            tower(pixels)
        elapsed = time.perf_counter() - start
    return batch * runs / elapsed


def main():
    model_dir, threads, runs_b1, runs_b8 = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    compare_dir = sys.argv[5] if len(sys.argv) > 5 else None
    torch.set_num_threads(threads)
    tower, _ = load_tower(model_dir, torch.float32)
    with open(os.path.join(model_dir, "open_clip_config.json")) as f:
        size = json.load(f)["model_cfg"]["vision_cfg"]["image_size"]

    result = {
        "torch": torch.__version__,
        "threads": threads,
        "batch1": images_per_second(tower, 1, runs_b1, size),
        "batch8": images_per_second(tower, 8, runs_b8, size),
    }
    if compare_dir is not None:
        pixels = torch.from_numpy(np.load(os.path.join(compare_dir, "input.npy")))
        with torch.no_grad():
            outputs = tower(pixels)
        result["maxAbsDiff"] = {
            name: float(np.abs(np.load(os.path.join(compare_dir, f"{name}.npy")) - t.numpy()).max())
            for name, t in outputs.items()
        }
    # ru_maxrss is in kilobytes on Linux.
    result["peakRssMiB"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


if __name__ == "__main__":
    main()

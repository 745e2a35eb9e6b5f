"""PyTorch side of the text-encoder benchmark.

    python3 bench_torch.py WEIGHTS HEADS ACTIVATION WORK_DIR THREADS RUNS

Builds the text tower (text_tower.py) in float32 from the text tensors of the
safetensors file WEIGHTS, reads WORK_DIR/embeddings.npy (prompts, 77, width),
WORK_DIR/eot.npy and WORK_DIR/feature_gradient.npy, and times one
forward+VJP step with autograd on the CPU with THREADS threads: features,
then torch.autograd.grad(features, E, dFeatures). It times the full 77
positions (what open_clip runs) and the positions up to the last
end-of-text token; one warm-up step, then the median of RUNS steps, as wall
time and as CPU time of this process (all threads).

When WORK_DIR holds onnx_features.npy and onnx_gradient.npy it reports their
max abs difference from PyTorch's, relative to PyTorch's max abs value.
Prints one JSON line.
"""

import json
import os
import statistics
import sys
import time

import numpy as np
import torch

from text_tower import TextTower, read_text_safetensors


def step(tower, embeddings, eot, feature_gradient):
    e = embeddings.clone().requires_grad_(True)
    start = time.perf_counter()
    cpu_start = time.process_time()
    features = tower(e, eot)
    forward = time.perf_counter() - start
    (gradient,) = torch.autograd.grad(features, e, feature_gradient)
    total = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    return features.detach(), gradient, {"forward": forward, "step": total, "stepCpu": cpu}


def timed(tower, embeddings, eot, feature_gradient, runs):
    step(tower, embeddings, eot, feature_gradient)
    times = [step(tower, embeddings, eot, feature_gradient)[2] for _ in range(runs)]
    return {key: statistics.median(t[key] for t in times) for key in times[0]}


def relative_difference(ours, reference):
    return float(np.abs(ours - reference).max() / np.abs(reference).max())


def main():
    weights_path, heads, activation, work_dir = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    threads, runs = int(sys.argv[5]), int(sys.argv[6])
    torch.set_num_threads(threads)
    tower = TextTower(read_text_safetensors(weights_path), heads, activation)

    embeddings = torch.from_numpy(np.load(os.path.join(work_dir, "embeddings.npy")))
    eot = torch.from_numpy(np.load(os.path.join(work_dir, "eot.npy")).astype(np.int64))
    feature_gradient = torch.from_numpy(np.load(os.path.join(work_dir, "feature_gradient.npy")))
    keep = int(eot.max()) + 1

    result = {
        "torch": torch.__version__,
        "threads": threads,
        "full": timed(tower, embeddings, eot, feature_gradient, runs),
        "truncated": timed(tower, embeddings[:, :keep].contiguous(), eot, feature_gradient, runs),
    }

    onnx_features = os.path.join(work_dir, "onnx_features.npy")
    onnx_gradient = os.path.join(work_dir, "onnx_gradient.npy")
    if os.path.exists(onnx_features) and os.path.exists(onnx_gradient):
        features, gradient, _ = step(tower, embeddings, eot, feature_gradient)
        result["relativeDifference"] = {
            "features": relative_difference(np.load(onnx_features), features.numpy()),
            "gradient": relative_difference(np.load(onnx_gradient), gradient.numpy()),
        }
    print(json.dumps(result))


if __name__ == "__main__":
    main()

"""Time scikit-learn and the numpy AUPRO on the data of the metrics bench.

Usage: python3 bench_reference.py DATA_DIR TASK, where TASK is "auroc"
(sklearn roc_auc_score over all pixels) or "aupro" (reference.aupro_sweep,
limit 0.3). DATA_DIR contains meta.json ({"count", "height", "width"}),
maps.f32 (little-endian float32, count x height x width) and masks.u8.
Prints one JSON line: value, seconds (wall time of the metric only, data
already loaded), cpuSeconds (CPU time of this process over the same span),
peakRssMb (peak resident memory of this process), loadedRssMb (peak after
loading the data).
"""

import json
import os
import resource
import sys
import time

import numpy as np
from sklearn.metrics import roc_auc_score

# No __pycache__ beside the scripts: the repository does not ignore it.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reference  # noqa: E402


def main():
    directory, task = sys.argv[1], sys.argv[2]
    with open(os.path.join(directory, "meta.json")) as file:
        meta = json.load(file)
    shape = (meta["count"], meta["height"], meta["width"])
    maps = np.fromfile(os.path.join(directory, "maps.f32"), dtype="<f4").reshape(shape)
    masks = np.fromfile(os.path.join(directory, "masks.u8"), dtype=np.uint8).reshape(shape)
    loaded_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    start = time.perf_counter()
    cpu_start = time.process_time()
    if task == "auroc":
        value = roc_auc_score(masks.ravel() > 0, maps.ravel())
    elif task == "aupro":
        labels, ids, sizes = reference.flat_regions(list(masks))
        value = reference.aupro_sweep(maps.ravel(), labels, ids, sizes, 0.3)
    else:
        raise SystemExit(f"unknown task {task!r}; expected auroc or aupro")
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu_start

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({
        "value": float(value),
        "seconds": seconds,
        "cpuSeconds": cpu_seconds,
        "peakRssMb": peak / 1024,
        "loadedRssMb": loaded_rss / 1024,
    }))


if __name__ == "__main__":
    main()

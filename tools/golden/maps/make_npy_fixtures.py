#!/usr/bin/env python3
"""Writes .npy files with NumPy's own np.save, so the tests of the .npy
encoder and decoder of apps/devprompt compare against NumPy byte for byte.

Run from the repository root with python3-numpy installed:

    python3 tools/golden/maps/make_npy_fixtures.py
"""

import os

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
OUT_DIR = os.path.join(ROOT, "apps", "devprompt", "test", "fixtures", "npy")


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    arrays = {
        # Values with exact float32 forms, so the tests can state them.
        "f4-2x3.npy": np.array([[0.5, -1.25, 3.0], [1e-3, 65504.0, -0.0]], dtype=np.float32),
        "f4-5.npy": np.arange(5, dtype=np.float32) / 4,
        "f4-1x1x225.npy": (np.arange(225, dtype=np.float32) / 225).reshape(1, 1, 225),
        "f8-2x2.npy": np.array([[0.1, 0.2], [0.3, 1e300]], dtype=np.float64),
    }
    for name, array in arrays.items():
        path = os.path.join(OUT_DIR, name)
        np.save(path, array)
        print(f"wrote {os.path.relpath(path, ROOT)} ({os.path.getsize(path)} bytes)")


if __name__ == "__main__":
    main()

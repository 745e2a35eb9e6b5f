"""Write the golden fixtures of @devprompt/metrics.

Run from the repository root with Debian's python3-numpy, -scipy, -sklearn
and -skimage installed (name /usr/bin/python3 when another python3 comes
first on the PATH):

    /usr/bin/python3 tools/golden/metrics/generate_fixtures.py

It writes packages/metrics/test/fixtures/golden-binary.json (image-level
cases) and golden-pixel.json (maps, masks and pixel metrics). The data is
seeded, so a rerun with the same library versions writes the same files.
Maps are stored as base64 of little-endian float32, or of uint16 codes k that
stand for the score k / 65536 (exact in float32 and float64).
"""

import base64
import json
import os
import sys
import tempfile

import numpy as np
import scipy
import skimage
import sklearn
from skimage.measure import label as skimage_label

# No __pycache__ beside the scripts: the repository does not ignore it.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reference  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
FIXTURES = os.path.join(ROOT, "packages", "metrics", "test", "fixtures")


def write_json_atomically(path, payload):
    directory = os.path.dirname(path)
    os.makedirs(directory, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=directory, suffix=".tmp")
    with os.fdopen(handle, "w") as file:
        json.dump(payload, file, separators=(",", ":"))
        file.write("\n")
    # mkstemp creates the file readable by its owner only.
    os.chmod(temporary, 0o644)
    os.replace(temporary, path)


def versions():
    return {
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "scikit-learn": sklearn.__version__,
        "scikit-image": skimage.__version__,
    }


def binary_case(name, scores, labels):
    scores = [float(s) for s in scores]
    labels = [int(x) for x in labels]
    return {"name": name, "scores": scores, "labels": labels, "expected": reference.binary_metrics(scores, labels)}


def binary_cases(rng):
    cases = [
        binary_case("tiny", [0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]),
        binary_case("constant scores", [0.5] * 12, [0, 1] * 6),
        binary_case("ties across classes", [1, 2, 2, 3, 3, 3, 4], [0, 0, 1, 0, 1, 1, 1]),
        binary_case("all positive", [0.3, 0.1, 0.2], [1, 1, 1]),
        binary_case("negative scores", [-2.5, -1.0, -1.0, 0.0, 3.0, -0.5], [0, 1, 0, 1, 1, 0]),
    ]

    labels = (rng.random(300) < 0.3).astype(int)
    coarse = np.round(rng.random(300) + 0.3 * labels, 1)
    cases.append(binary_case("heavy ties, 300 samples", coarse, labels))

    labels = (rng.random(5000) < 0.2).astype(int)
    fine = np.round(rng.normal(size=5000) + 0.8 * labels, 6)
    cases.append(binary_case("random, 5000 samples", fine, labels))

    labels = (rng.random(2000) < 0.5).astype(int)
    worse = np.round(rng.random(2000) - 0.1 * labels, 3)
    cases.append(binary_case("below chance, 2000 samples", worse, labels))
    return cases


def encode_float32(array):
    return base64.b64encode(np.asarray(array, dtype="<f4").tobytes()).decode("ascii")


def encode_uint16(array):
    return base64.b64encode(np.asarray(array, dtype="<u2").tobytes()).decode("ascii")


def random_masks(rng, count, height, width, normal_every):
    """Masks of a few ellipses and diagonal lines; every n-th image is normal."""
    masks = []
    y, x = np.mgrid[0:height, 0:width]
    for image in range(count):
        mask = np.zeros((height, width), dtype=np.uint8)
        if image % normal_every != normal_every - 1:
            for _ in range(rng.integers(1, 4)):
                cy, cx = rng.uniform(0, height), rng.uniform(0, width)
                ry, rx = rng.uniform(1, height / 6), rng.uniform(1, width / 6)
                mask[((y - cy) / ry) ** 2 + ((x - cx) / rx) ** 2 <= 1] = 255
            # A diagonal line is one region only with 8-connectivity.
            start = rng.integers(0, min(height, width) // 2)
            length = rng.integers(3, min(height, width) // 2)
            for k in range(length):
                mask[start + k, start + k] = 1
        masks.append(mask)
    return masks


def check_labelling(masks):
    """scipy and skimage must agree on the 8-connected region count."""
    for mask in masks:
        _, scipy_count = reference.label_regions(mask)
        skimage_count = int(skimage_label(mask > 0, connectivity=2).max())
        if scipy_count != skimage_count:
            raise SystemExit(f"region counts differ: scipy {scipy_count}, skimage {skimage_count}")


def pixel_case(name, maps, masks, encoding, codes=None, limits=(0.3, 0.05, 1.0)):
    check_labelling(masks)
    height, width = maps[0].shape
    scores = np.concatenate([m.ravel() for m in maps]).astype(np.float64)
    labels = np.concatenate([(mask.ravel() > 0) for mask in masks]).astype(int)
    expected = reference.binary_metrics(scores, labels)
    expected["aupro"] = {str(limit): reference.aupro(maps, masks, limit) for limit in limits}
    flat_labels, ids, sizes = reference.flat_regions(masks)
    for limit in limits:
        by_search = expected["aupro"][str(limit)]
        by_sweep = reference.aupro_sweep(scores, flat_labels, ids, sizes, limit) if sizes.size else None
        if by_search is not None and abs(by_search - by_sweep) > 1e-12:
            raise SystemExit(f"{name}: the two Python AUPROs differ at {limit}: {by_search} vs {by_sweep}")
    expected["regionCount"] = sum(reference.label_regions(mask)[1] for mask in masks)
    stored = codes if encoding == "uint16/65536" else maps
    encode = encode_uint16 if encoding == "uint16/65536" else encode_float32
    return {
        "name": name,
        "height": height,
        "width": width,
        "encoding": encoding,
        "maps": [encode(m) for m in stored],
        "masks": [base64.b64encode(mask.astype(np.uint8).tobytes()).decode("ascii") for mask in masks],
        "expected": expected,
    }


def analytic_case():
    """Two images whose AUPRO is known in closed form.

    Image 0: a 1-pixel region scored 10 (above every normal pixel). Image 1: a
    3-pixel region scored -1 (below every normal pixel). PRO is 1/2 from FPR 0
    on. The last threshold (-1) lifts it to 1 only at FPR 1, a vertical step
    without area. So AUPRO is 1/2 for every limit in (0, 1].
    """
    first = np.arange(16, dtype=np.float32).reshape(4, 4) / 16
    first_mask = np.zeros((4, 4), dtype=np.uint8)
    first[0, 0], first_mask[0, 0] = 10, 1
    second = np.arange(16, dtype=np.float32).reshape(4, 4) / 16
    second_mask = np.zeros((4, 4), dtype=np.uint8)
    second[3, 1:4], second_mask[3, 1:4] = -1, 1
    case = pixel_case("analytic: region average", [first, second], [first_mask, second_mask], "float32")
    for limit, value in case["expected"]["aupro"].items():
        if abs(value - 0.5) > 1e-12:
            raise SystemExit(f"analytic AUPRO at {limit} is {value}, expected 0.5")
    case["analyticAupro"] = 0.5
    return case


def pixel_cases(rng):
    cases = [analytic_case()]

    masks = random_masks(rng, 8, 40, 48, normal_every=4)
    maps = [
        (rng.random(mask.shape) + 0.5 * (mask > 0) * rng.random(mask.shape)).astype(np.float32)
        for mask in masks
    ]
    cases.append(pixel_case("random float32, 8 maps of 40x48", maps, masks, "float32"))

    masks = random_masks(rng, 12, 64, 64, normal_every=3)
    codes = []
    for mask in masks:
        signal = rng.normal(0.35, 0.12, mask.shape) + 0.2 * (mask > 0)
        codes.append(np.clip(np.round(signal * 4096), 0, 65535).astype(np.uint16))
    maps = [(c.astype(np.float64) / 65536).astype(np.float32) for c in codes]
    cases.append(pixel_case("ties, 12 maps of 64x64", maps, masks, "uint16/65536", codes=codes))

    masks = random_masks(rng, 3, 16, 16, normal_every=3)
    codes = [np.full(mask.shape, 30000, dtype=np.uint16) for mask in masks]
    maps = [(c.astype(np.float64) / 65536).astype(np.float32) for c in codes]
    cases.append(pixel_case("constant maps", maps, masks, "uint16/65536", codes=codes))
    return cases


def main():
    rng = np.random.default_rng(20240601)
    generator = "tools/golden/metrics/generate_fixtures.py"
    write_json_atomically(
        os.path.join(FIXTURES, "golden-binary.json"),
        {"generator": generator, "versions": versions(), "cases": binary_cases(rng)},
    )
    write_json_atomically(
        os.path.join(FIXTURES, "golden-pixel.json"),
        {"generator": generator, "versions": versions(), "cases": pixel_cases(rng)},
    )


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Write golden preprocessing fixtures for @devprompt/datasets with Pillow and
PyTorch, the libraries the reference CLIP pipeline runs on.

Usage (from the repository root, with the Debian interpreter that
python3-pil and python3-torch install into):

    /usr/bin/python3 tools/golden/datasets/make_preprocess_fixtures.py

It writes into packages/datasets/test/fixtures/:

- preprocess-input.png: a fixed 512x384 RGB test pattern drawn here from
  formulas (gratings, hard edges, a disc, thin lines, a colour ramp), so
  resampling is exercised on smooth and on sharp content.
- preprocess-mask.png: a fixed 512x384 binary mask (0/255).
- resize-<case>.png: Pillow `Image.resize` outputs (8-bit RGB or L).
- normalised-64.f32: the full pipeline at 64x64 (bicubic squash resize,
  centre crop, ToTensor, Normalize with CLIP mean and std) as little-endian
  float32, CHW.
- preprocess-golden.json: the list of cases with their parameters.

torchvision is not packaged for this Debian release, so ToTensor and
Normalize are written out with torch operations exactly as torchvision
defines them: `img.float().div(255)`, then `(t - mean) / std` with float32
mean and std. CenterCrop follows torchvision's offsets,
`int(round((side - crop) / 2.0))`.

Pillow resize uses the default reducing_gap=None, as torchvision's
Resize does on PIL images.
"""

import json
import os
import tempfile

import numpy as np
import PIL
import torch
from PIL import Image

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
OUT_DIR = os.path.join(REPO_ROOT, "packages", "datasets", "test", "fixtures")

CLIP_MEAN = (0.48145466, 0.4578275, 0.40821073)
CLIP_STD = (0.26862954, 0.26130258, 0.27577711)
FILTERS = {"bicubic": Image.BICUBIC, "bilinear": Image.BILINEAR, "nearest": Image.NEAREST}


def test_pattern(width, height):
    """Return an RGB uint8 array with smooth and sharp content."""
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    r = 128 + 90 * np.sin(2 * np.pi * (x * 0.013 + y * 0.004))
    g = 128 + 90 * np.sin(2 * np.pi * (x * 0.002 - y * 0.021) + 1.0)
    b = 255 * x / (width - 1)
    img = np.stack([r, g, b], axis=-1)
    # Hard-edged blocks in the top-left corner.
    blocks = ((x // 16 + y // 16) % 2 == 0) & (x < 160) & (y < 128)
    img[blocks] = [250, 250, 250]
    img[(~blocks) & (x < 160) & (y < 128)] = [5, 5, 5]
    # A disc and one-pixel lines.
    disc = (x - 380) ** 2 + (y - 250) ** 2 < 70 ** 2
    img[disc] = [220, 30, 40]
    img[(np.abs(x - y) < 0.5) & (x > 200)] = [0, 255, 0]
    img[::37, :] = [255, 255, 0]
    return np.clip(np.round(img), 0, 255).astype(np.uint8)


def test_mask(width, height):
    y, x = np.mgrid[0:height, 0:width]
    mask = ((x - 300) ** 2 / 90.0**2 + (y - 120) ** 2 / 40.0**2 < 1) | (
        (x > 40) & (x < 47) & (y > 200) & (y < 370)
    )
    return (mask * 255).astype(np.uint8)


def center_crop(img, crop):
    w, h = img.size
    left = int(round((w - crop) / 2.0))
    top = int(round((h - crop) / 2.0))
    return img.crop((left, top, left + crop, top + crop))


def resized_size(w, h, size, mode):
    if mode == "squash":
        return size, size
    if w <= h:
        return size, int(size * h / w)
    return int(size * w / h), size


def save_png(array, name):
    Image.fromarray(array).save(os.path.join(OUT_DIR, name), optimize=True)


def write_atomic(path, data):
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path))
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    pattern = test_pattern(512, 384)
    mask = test_mask(512, 384)
    save_png(pattern, "preprocess-input.png")
    save_png(mask, "preprocess-mask.png")

    source = Image.open(os.path.join(OUT_DIR, "preprocess-input.png")).convert("RGB")
    source_mask = Image.open(os.path.join(OUT_DIR, "preprocess-mask.png")).convert("L")
    # An upscaling case: a 100x80 window of the pattern.
    window = source.crop((150, 100, 250, 180))

    cases = []

    def add_case(name, image, size, mode, crop, filter_name, kind="rgb", box=None):
        w, h = resized_size(image.size[0], image.size[1], size, mode)
        out = image.resize((w, h), FILTERS[filter_name])
        out = center_crop(out, crop)
        file = f"resize-{name}.png"
        out.save(os.path.join(OUT_DIR, file), optimize=True)
        cases.append(
            {
                "name": name,
                "file": file,
                "kind": kind,
                "window": box,
                "size": size,
                "cropSize": crop,
                "resizeMode": mode,
                "interpolation": filter_name,
            }
        )

    add_case("bicubic-down-240", source, 240, "squash", 240, "bicubic")
    add_case("bilinear-down-240", source, 240, "squash", 240, "bilinear")
    add_case("nearest-down-240", source, 240, "squash", 240, "nearest")
    add_case("bicubic-shortest-224", source, 224, "shortest", 224, "bicubic")
    add_case("bicubic-up-240", window, 240, "squash", 240, "bicubic", box=[150, 100, 100, 80])
    add_case("bilinear-up-240", window, 240, "squash", 240, "bilinear", box=[150, 100, 100, 80])
    add_case("mask-nearest-400", source_mask, 400, "squash", 400, "nearest", kind="mask")
    add_case("mask-nearest-240", source_mask, 240, "squash", 240, "nearest", kind="mask")

    # Full pipeline at 64x64 through torch, torchvision's ToTensor + Normalize.
    small = center_crop(source.resize((64, 64), Image.BICUBIC), 64)
    tensor = torch.from_numpy(np.asarray(small).copy()).permute(2, 0, 1).contiguous()
    tensor = tensor.to(dtype=torch.float32).div(255)
    mean = torch.as_tensor(CLIP_MEAN, dtype=torch.float32)[:, None, None]
    std = torch.as_tensor(CLIP_STD, dtype=torch.float32)[:, None, None]
    tensor = (tensor - mean) / std
    write_atomic(
        os.path.join(OUT_DIR, "normalised-64.f32"),
        tensor.numpy().astype("<f4").tobytes(),
    )

    golden = {
        "generator": "tools/golden/datasets/make_preprocess_fixtures.py",
        "pillow": PIL.__version__,
        "torch": torch.__version__,
        "numpy": np.__version__,
        "input": "preprocess-input.png",
        "mask": "preprocess-mask.png",
        "cases": cases,
        "normalised": {
            "file": "normalised-64.f32",
            "size": 64,
            "interpolation": "bicubic",
            "resizeMode": "squash",
            "mean": CLIP_MEAN,
            "std": CLIP_STD,
            "shape": [3, 64, 64],
        },
    }
    write_atomic(
        os.path.join(OUT_DIR, "preprocess-golden.json"),
        (json.dumps(golden, indent=2) + "\n").encode(),
    )
    print(f"wrote {len(cases)} resize cases and the normalised tensor to {OUT_DIR}")


if __name__ == "__main__":
    main()

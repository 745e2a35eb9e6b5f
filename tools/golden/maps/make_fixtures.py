#!/usr/bin/env python3
"""Writes golden fixtures for the anomaly-map maths and the optimiser of
apps/devprompt, computed by an independent implementation: PyTorch
(torch.nn.functional.interpolate, softmax, matmul, torch.optim.SGD,
CosineAnnealingLR) and SciPy (scipy.ndimage.gaussian_filter).

Run from the repository root with Debian's python3-torch, python3-scipy and
python3-numpy installed:

    /usr/bin/python3 tools/golden/maps/make_fixtures.py

(`/usr/bin/python3` is Debian's interpreter; another python3 on PATH may
lack the Debian packages.)

It writes JSON files into apps/devprompt/test/fixtures/. Values are float32
printed with the shortest decimal form that reads back to the same float32.
The tests never need Python; rerun this script only when a fixture changes.
"""

import json
import os

import numpy as np
import scipy
import scipy.ndimage
import torch
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
OUT_DIR = os.path.join(ROOT, "apps", "devprompt", "test", "fixtures")
SEED = 20261204


def f32_list(array):
    """Flattens an array to a list of shortest float32 decimal strings parsed as floats."""
    flat = np.asarray(array, dtype=np.float32).ravel()
    # str() of a NumPy float32 is its shortest round-trip form, e.g. "0.1".
    return [float(str(v)) for v in flat]


def upsample(grid, out_h, out_w):
    x = torch.from_numpy(grid.astype(np.float32))[None, None]
    y = F.interpolate(x, size=(out_h, out_w), mode="bilinear", align_corners=False)
    return y[0, 0].numpy()


def blur(image, sigma, truncate=4.0):
    return scipy.ndimage.gaussian_filter(image.astype(np.float32), sigma=sigma, mode="reflect", truncate=truncate)


def normalise(rows):
    rows = rows.astype(np.float32)
    return rows / np.linalg.norm(rows, axis=-1, keepdims=True)


def upsample_cases(rng):
    cases = []
    for (h, w, oh, ow) in [(15, 15, 100, 100), (7, 5, 33, 47), (4, 6, 4, 6), (3, 3, 2, 5)]:
        grid = rng.random((h, w), dtype=np.float32)
        out = upsample(grid, oh, ow)
        cases.append({"height": h, "width": w, "outHeight": oh, "outWidth": ow,
                      "input": f32_list(grid), "output": f32_list(out)})

    # The real evaluation size, 15 x 15 -> 400 x 400, checked at sampled pixels.
    grid = rng.random((15, 15), dtype=np.float32)
    out = upsample(grid, 400, 400)
    ys = rng.integers(0, 400, size=1500)
    xs = rng.integers(0, 400, size=1500)
    ys[:4] = [0, 0, 399, 399]
    xs[:4] = [0, 399, 0, 399]
    sampled = {"height": 15, "width": 15, "outHeight": 400, "outWidth": 400,
               "input": f32_list(grid), "ys": ys.tolist(), "xs": xs.tolist(),
               "values": f32_list(out[ys, xs])}
    return {"cases": cases, "sampled400": sampled}


def blur_cases(rng):
    cases = []
    for (h, w, sigma, truncate) in [(100, 100, 4.0, 4.0), (9, 13, 4.0, 4.0), (20, 17, 1.5, 2.0), (1, 6, 4.0, 4.0)]:
        image = rng.random((h, w), dtype=np.float32)
        out = blur(image, sigma, truncate)
        cases.append({"height": h, "width": w, "sigma": sigma, "truncate": truncate,
                      "input": f32_list(image), "output": f32_list(out)})
    return {"cases": cases}


def pipeline_case(rng):
    grid_h, grid_w, embed, tap_dim, shots, taps, size = 8, 6, 16, 24, 2, 2, 64
    patches = grid_h * grid_w
    logit_scale = np.float32(4.6052)
    mu, sigma = np.float32(0.0123), np.float32(1.0071)

    patch_features = normalise(rng.standard_normal((patches, embed)))
    global_embedding = normalise(rng.standard_normal((embed,)))
    normal_anchor = normalise(rng.standard_normal((embed,)))
    # Make the abnormal anchor lean towards some patches so the textual map varies.
    abnormal_anchor = normalise(rng.standard_normal((embed,)) + 2.0 * patch_features[5])
    patch_taps = [normalise(rng.standard_normal((patches, tap_dim))) for _ in range(taps)]
    # Memory rows near the image's own taps for part of the patches, so the nearest
    # neighbour is a real choice.
    shot_taps = []
    for _ in range(shots):
        per_tap = []
        for t in range(taps):
            raw = rng.standard_normal((patches, tap_dim)).astype(np.float32)
            raw[: patches // 2] = patch_taps[t][: patches // 2] + 0.3 * raw[: patches // 2]
            per_tap.append(raw)
        shot_taps.append(per_tap)

    z = torch.from_numpy(patch_features)
    anchors = torch.from_numpy(np.stack([normal_anchor, abnormal_anchor]))
    textual = (logit_scale * z @ anchors.T).softmax(dim=-1)[:, 1]

    visual = torch.zeros(patches)
    for t in range(taps):
        memory = F.normalize(torch.from_numpy(np.concatenate([s[t] for s in shot_taps])), dim=-1)
        score, _ = (1.0 - torch.from_numpy(patch_taps[t]) @ memory.T).min(dim=-1)
        visual += score / 2.0
    visual = visual / taps

    fused = 1.0 / (1.0 / textual + 1.0 / visual)
    fused_up = F.interpolate(fused.reshape(1, 1, grid_h, grid_w), size=(size, size), mode="bilinear", align_corners=False)
    final = scipy.ndimage.gaussian_filter(fused_up[0, 0].numpy(), sigma=4)

    global_score = (logit_scale * torch.from_numpy(global_embedding) @ anchors.T).softmax(dim=-1)[1]
    visual_up = F.interpolate(visual.reshape(1, 1, grid_h, grid_w), size=(size, size), mode="bilinear", align_corners=False)
    image_score = 1.0 / (1.0 / global_score + 1.0 / visual_up.max())

    deviation = (z @ torch.from_numpy(abnormal_anchor) - mu).abs() / sigma

    return {
        "gridHeight": grid_h, "gridWidth": grid_w, "embedDim": embed, "tapDim": tap_dim,
        "shots": shots, "taps": taps, "outputSize": size, "blurSigma": 4, "blurTruncate": 4,
        "logitScale": float(logit_scale), "mu": float(mu), "sigma": float(sigma),
        "patchFeatures": f32_list(patch_features),
        "globalEmbedding": f32_list(global_embedding),
        "normalAnchor": f32_list(normal_anchor),
        "abnormalAnchor": f32_list(abnormal_anchor),
        "patchTaps": [f32_list(t) for t in patch_taps],
        "shotTaps": [[f32_list(t) for t in s] for s in shot_taps],
        "textual": f32_list(textual.numpy()),
        "visual": f32_list(visual.numpy()),
        "fused": f32_list(fused.numpy()),
        "final": f32_list(final),
        "globalScore": float(global_score),
        "imageScore": float(image_score),
        "deviation": f32_list(deviation.numpy()),
    }


def optim_case(rng):
    """SGD with momentum and weight decay under CosineAnnealingLR, stepped once
    per epoch, on the quadratic 0.5 * sum(a * (p - c)^2) over two tensors."""
    runs = []
    for (epochs, lr, eta_min, momentum, wd) in [(12, 0.1, 1e-3, 0.9, 5e-4), (5, 0.002, 1e-5, 0.9, 5e-4), (6, 0.05, 0.0, 0.0, 0.0)]:
        shapes = [(2, 3), (4,)]
        init = [rng.standard_normal(s).astype(np.float32) for s in shapes]
        curv = [(0.5 + rng.random(s)).astype(np.float32) for s in shapes]
        centre = [rng.standard_normal(s).astype(np.float32) for s in shapes]
        params = [torch.nn.Parameter(torch.from_numpy(p.copy())) for p in init]
        optimizer = torch.optim.SGD(params, lr=lr, momentum=momentum, weight_decay=wd)
        scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs, eta_min=eta_min)
        lrs, history, losses = [], [], []
        for _ in range(epochs):
            lrs.append(optimizer.param_groups[0]["lr"])
            optimizer.zero_grad()
            loss = sum(0.5 * (torch.from_numpy(a) * (p - torch.from_numpy(c)) ** 2).sum() for p, a, c in zip(params, curv, centre))
            loss.backward()
            optimizer.step()
            scheduler.step()
            losses.append(float(loss))
            history.append([f32_list(p.detach().numpy()) for p in params])
        runs.append({
            "epochs": epochs, "lr": lr, "etaMin": eta_min, "momentum": momentum, "weightDecay": wd,
            "shapes": [list(s) for s in shapes],
            "init": [f32_list(p) for p in init], "curvature": [f32_list(a) for a in curv],
            "centre": [f32_list(c) for c in centre],
            "lrs": lrs, "lrAfterLastStep": optimizer.param_groups[0]["lr"],
            "losses": losses, "params": history,
        })
    return {"runs": runs}


def write(name, payload):
    payload = {"generator": "tools/golden/maps/make_fixtures.py",
               "versions": {"torch": torch.__version__, "scipy": scipy.__version__, "numpy": np.__version__},
               **payload}
    path = os.path.join(OUT_DIR, name)
    tmp = path + ".tmp"
    with open(tmp, "w") as handle:
        json.dump(payload, handle, separators=(",", ":"))
        handle.write("\n")
    os.replace(tmp, path)
    print(f"wrote {os.path.relpath(path, ROOT)} ({os.path.getsize(path)} bytes)")


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    rng = np.random.default_rng(SEED)
    torch.manual_seed(SEED)
    write("bilinear-resize.json", upsample_cases(rng))
    write("gaussian-blur.json", blur_cases(rng))
    write("anomaly-maps.json", pipeline_case(rng))
    write("sgd-cosine.json", optim_case(rng))


if __name__ == "__main__":
    main()

"""End-to-end golden fixture of `devprompt eval`, from an independent
PyTorch / SciPy / scikit-learn implementation.

    /usr/bin/python3 make_fixture.py WORK_DIR OUT_JSON

WORK_DIR is what write-inputs.ts wrote: model/ (OpenCLIP hub layout),
data/ (a synthetic folder dataset) and inputs.json (seeds, the fixed prompt
context and each prompt's suffix token ids). For every test image the script
computes, in float64, the textual, visual and fused maps on the patch grid,
the final map (bilinear upsampling with half-pixel centres, then a Gaussian
blur with reflect padding truncated at 4 sigma) and the image score, then
the metrics of the class. The vision and text towers are the project's
PyTorch references (tools/golden/image-encoder, tools/golden/text-encoder);
prompt assembly, anchors, maps and scores are written here from the method.
"""

import json
import os
import sys

import numpy as np
import scipy.ndimage
import torch
import torch.nn.functional as F
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "image-encoder"))
sys.path.insert(0, os.path.join(HERE, "..", "text-encoder"))
sys.path.insert(0, os.path.join(HERE, "..", "metrics"))

from vision_tower import load_tower  # noqa: E402
from text_tower import TextTower, read_text_safetensors  # noqa: E402
from reference import aupro, binary_metrics  # noqa: E402

TAP_BLOCKS = (3, 8)
PRO_LIMIT = 0.3


def load_pixels(path, size, mean, std):
    """RGB, both sides resized to `size` with PIL's bicubic filter, scaled to [0, 1], normalised."""
    image = Image.open(path).convert("RGB").resize((size, size), Image.BICUBIC)
    array = np.asarray(image, dtype=np.float64) / 255.0
    array = (array - np.asarray(mean)) / np.asarray(std)
    return torch.from_numpy(array.transpose(2, 0, 1).copy())[None]


def load_mask(path, size):
    if path is None:
        return np.zeros((size, size), dtype=np.uint8)
    mask = Image.open(path).convert("L").resize((size, size), Image.NEAREST)
    return (np.asarray(mask) > 0).astype(np.uint8)


def assemble(prompts, context, tokens, token_embedding):
    """[SOS] C_n (C_a[j]) suffix-without-SOS, cut to the context length; eot after the shift."""
    normal = np.asarray(context["normal"]["data"], dtype=np.float64).reshape(context["normal"]["shape"])
    abnormal = np.asarray(context["abnormal"]["data"], dtype=np.float64).reshape(context["abnormal"]["shape"])
    rows, eots, groups = [], [], []
    for prompt in prompts:
        ids = np.asarray(prompt["suffixIds"])
        learned = [None] if prompt["group"] != "learnedAbnormal" else list(range(abnormal.shape[0]))
        for j in learned:
            ctx = normal[0] if j is None else np.concatenate([normal[0], abnormal[j]])
            suffix = token_embedding[ids]
            sequence = np.concatenate([suffix[:1], ctx, suffix[1:]])[:tokens]
            rows.append(sequence)
            eots.append(int(np.argmax(ids)) + ctx.shape[0])
            groups.append(prompt["group"])
    return torch.from_numpy(np.stack(rows)), torch.tensor(eots), groups


def unit(x):
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


def abnormal_probability(features, normal, abnormal, scale):
    logits = scale * np.stack([features @ normal, features @ abnormal], axis=-1)
    logits -= logits.max(axis=-1, keepdims=True)
    e = np.exp(logits)
    return e[..., 1] / e.sum(axis=-1)


def upsample(grid, size):
    x = torch.from_numpy(grid)[None, None]
    return F.interpolate(x, size=(size, size), mode="bilinear", align_corners=False)[0, 0].numpy()


def main():
    work, out_json = sys.argv[1], sys.argv[2]
    with open(os.path.join(work, "inputs.json")) as f:
        inputs = json.load(f)
    setup = inputs["setup"]
    model_dir = os.path.join(work, "model")
    with open(os.path.join(model_dir, "open_clip_config.json")) as f:
        cfg = json.load(f)
    model_cfg, pre = cfg["model_cfg"], cfg["preprocess_cfg"]
    size = model_cfg["vision_cfg"]["image_size"]

    tower, _ = load_tower(model_dir, torch.float64)
    text_weights = read_text_safetensors(os.path.join(model_dir, "open_clip_model.safetensors"))
    scale = float(text_weights["logit_scale"])
    text = TextTower(text_weights, model_cfg["text_cfg"]["heads"], "gelu").double()
    token_embedding = text_weights["token_embedding.weight"].astype(np.float64)

    embeddings, eot, groups = assemble(inputs["prompts"], inputs["context"], model_cfg["text_cfg"]["context_length"], token_embedding)
    with torch.no_grad():
        features = text(embeddings, eot).numpy()
    groups = np.asarray(groups)
    normal_anchor = unit(features[groups == "normal"].mean(axis=0))
    abnormal_anchor = unit(features[groups != "normal"].mean(axis=0))

    data = os.path.join(work, "data")
    encode = lambda rel: tower(load_pixels(os.path.join(data, rel), size, pre["mean"], pre["std"]), tap_blocks=TAP_BLOCKS)
    with torch.no_grad():
        shots = [encode(rel) for rel in inputs["shots"]]
        memory = [torch.cat([s[f"patch_tokens_tap{i}"][0] for s in shots]).numpy() for i in range(len(TAP_BLOCKS))]

        out_size, sigma = setup["outputSize"], setup["blurSigma"]
        images, finals, masks, scores, labels = [], [], [], [], []
        for record in inputs["test"]:
            encoded = encode(record["relativePath"])
            patches = encoded["vv_patch_tokens"][0].numpy()
            grid = int(round(np.sqrt(patches.shape[0])))
            textual = abnormal_probability(patches, normal_anchor, abnormal_anchor, scale)
            visual = np.mean(
                [((1 - encoded[f"patch_tokens_tap{i}"][0].numpy() @ memory[i].T) / 2).min(axis=1) for i in range(len(TAP_BLOCKS))],
                axis=0,
            )
            fused = 1 / (1 / textual + 1 / visual)
            final = scipy.ndimage.gaussian_filter(upsample(fused.reshape(grid, grid), out_size), sigma=sigma, mode="reflect", truncate=setup["blurTruncate"])
            global_score = abnormal_probability(encoded["image_embeds"][0].numpy(), normal_anchor, abnormal_anchor, scale)
            visual_max = upsample(visual.reshape(grid, grid), out_size).max()
            image_score = 1 / (1 / global_score + 1 / visual_max)
            mask_path = record["maskPath"]
            mask = load_mask(None if mask_path is None else os.path.join(data, mask_path), out_size)
            images.append({
                "relativePath": record["relativePath"],
                "textual": textual.tolist(),
                "visual": visual.tolist(),
                "fused": fused.tolist(),
                "final": [round(v, 9) for v in final.ravel().tolist()],
                "imageScore": float(image_score),
            })
            finals.append(final)
            masks.append(mask)
            scores.append(image_score)
            labels.append(record["label"])

    image = binary_metrics(scores, labels)
    flat_maps = np.concatenate([m.ravel() for m in finals])
    flat_masks = np.concatenate([m.ravel() for m in masks])
    pixel = binary_metrics(flat_maps, flat_masks)
    percent = lambda v: None if v is None else 100 * v
    metrics = {
        "imageAuroc": percent(image["auroc"]),
        "pixelAuroc": percent(pixel["auroc"]),
        "pro": percent(aupro(finals, masks, PRO_LIMIT)),
        "imageAp": percent(image["averagePrecision"]),
        "pixelAp": percent(pixel["averagePrecision"]),
        "imageF1Max": percent(image["f1Max"]),
        "pixelF1Max": percent(pixel["f1Max"]),
    }
    fixture = {
        "source": "tools/golden/pipeline/make_fixture.py (PyTorch, SciPy, scikit-learn, float64)",
        "versions": {"torch": torch.__version__, "scipy": scipy.__version__, "numpy": np.__version__},
        "inputs": inputs,
        "logitScale": scale,
        "images": images,
        "metrics": metrics,
    }
    tmp = out_json + ".tmp"
    with open(tmp, "w") as f:
        json.dump(fixture, f, separators=(",", ":"))
    os.replace(tmp, out_json)
    print(json.dumps(metrics))


if __name__ == "__main__":
    main()

"""Dual-path (V-V) CLIP vision tower in PyTorch, the independent reference
of the TypeScript ONNX image encoder.

The original path uses torch.nn.MultiheadAttention loaded with the block's
in_proj/out_proj, as open_clip does. The V-V path computes
softmax(v v^T / sqrt(d)) v per head from the same ln_1(orig) input, adds
out_proj of it to its own stream (no MLP), and after the last block its
class-token row is replaced by the original path's. ln_post and proj are
applied to the class token (global embedding) and to the V-V patch tokens.

As a script it writes golden fixtures:

    python3 vision_tower.py WORK_DIR OUT_DIR

reads WORK_DIR/model/open_clip_model.safetensors (OpenCLIP key names),
WORK_DIR/model/open_clip_config.json, WORK_DIR/input.npy and
WORK_DIR/inputs.json, and writes OUT_DIR/input.npy, OUT_DIR/meta.json and,
for each tap preset, OUT_DIR/<preset>/<output>.npy with L2-normalised
float32 values computed in float64.
"""

import hashlib
import json
import math
import os
import struct
import sys

import numpy as np
import torch
import torch.nn.functional as F

TAP_PRESETS = {
    # Inside blocks 3 and 8, after the attention residual, before the MLP.
    "reference": ([3, 8], "after-attention"),
    # Plain outputs of blocks 2 and 7.
    "block-output": ([2, 7], "block-output"),
}
NUMPY_DTYPES = {"F32": np.float32, "F16": np.float16}
LAYER_NORM_EPS = 1e-5


def read_vision_safetensors(path, dtype):
    """Returns ({name: tensor} for visual.* tensors, sha256 of the file).

    A safetensors file is an 8-byte little-endian header length, a JSON
    header of dtype/shape/data_offsets per tensor, then the raw data. The
    file is hashed in chunks and each vision tensor is read on its own, so
    only the converted vision tensors stay in memory.
    """
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 22), b""):
            digest.update(chunk)
    numpy_dtype = np.float64 if dtype == torch.float64 else np.float32
    tensors = {}
    with open(path, "rb") as f:
        (header_len,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(header_len))
        for name, entry in header.items():
            if not name.startswith("visual."):
                continue
            if entry["dtype"] not in NUMPY_DTYPES:
                raise ValueError(f"{path}: tensor {name} has unsupported dtype {entry['dtype']}")
            start, end = entry["data_offsets"]
            f.seek(8 + header_len + start)
            raw = f.read(end - start)
            array = np.frombuffer(raw, dtype=NUMPY_DTYPES[entry["dtype"]]).reshape(entry["shape"])
            tensors[name] = torch.from_numpy(array.astype(numpy_dtype))
    return tensors, digest.hexdigest()


class DualPathVisionTower(torch.nn.Module):
    """CLIP ViT vision tower with the V-V path, built from OpenCLIP weights."""

    def __init__(self, weights, vision_cfg, quick_gelu, dtype=torch.float64):
        super().__init__()
        self.w = weights
        self.width = vision_cfg["width"]
        self.layers = vision_cfg["layers"]
        self.heads = self.width // vision_cfg.get("head_width", 64)
        self.patch = vision_cfg["patch_size"]
        self.quick_gelu = quick_gelu
        self.head_dim = self.width // self.heads
        self.attention = torch.nn.ModuleList()
        for block in range(self.layers):
            p = f"visual.transformer.resblocks.{block}"
            mha = torch.nn.MultiheadAttention(self.width, self.heads, batch_first=True)
            mha = mha.to(dtype)
            # The module takes over the attention tensors, so they are not
            # held twice; the V-V path reads them from the module.
            mha.in_proj_weight.data.copy_(weights.pop(f"{p}.attn.in_proj_weight"))
            mha.in_proj_bias.data.copy_(weights.pop(f"{p}.attn.in_proj_bias"))
            mha.out_proj.weight.data.copy_(weights.pop(f"{p}.attn.out_proj.weight"))
            mha.out_proj.bias.data.copy_(weights.pop(f"{p}.attn.out_proj.bias"))
            self.attention.append(mha)
        self.eval()

    def ln(self, prefix, t):
        w = self.w
        return F.layer_norm(t, (self.width,), w[f"{prefix}.weight"], w[f"{prefix}.bias"], LAYER_NORM_EPS)

    def vv_attention(self, block, h):
        width = self.width
        mha = self.attention[block]
        v = F.linear(h, mha.in_proj_weight[2 * width :], mha.in_proj_bias[2 * width :])
        n, t, _ = v.shape
        vh = v.reshape(n, t, self.heads, self.head_dim).transpose(1, 2)
        scores = torch.softmax(vh @ vh.transpose(-1, -2) / math.sqrt(self.head_dim), dim=-1)
        mixed = (scores @ vh).transpose(1, 2).reshape(n, t, width)
        return F.linear(mixed, mha.out_proj.weight, mha.out_proj.bias)

    def forward(self, pixels, tap_blocks=(3, 8), tap_point="after-attention", normalize=True):
        w, width = self.w, self.width
        x = F.conv2d(pixels, w["visual.conv1.weight"], stride=self.patch)
        x = x.flatten(2).transpose(1, 2)
        cls = w["visual.class_embedding"].expand(x.shape[0], 1, width)
        x = torch.cat([cls, x], dim=1) + w["visual.positional_embedding"]
        x = self.ln("visual.ln_pre", x)

        orig, vv = x, x
        taps = {}
        for block in range(self.layers):
            p = f"visual.transformer.resblocks.{block}"
            h = self.ln(f"{p}.ln_1", orig)
            attn_orig, _ = self.attention[block](h, h, h, need_weights=False)
            after_attention = orig + attn_orig
            hidden = F.linear(self.ln(f"{p}.ln_2", after_attention), w[f"{p}.mlp.c_fc.weight"], w[f"{p}.mlp.c_fc.bias"])
            hidden = hidden * torch.sigmoid(1.702 * hidden) if self.quick_gelu else F.gelu(hidden)
            orig = after_attention + F.linear(hidden, w[f"{p}.mlp.c_proj.weight"], w[f"{p}.mlp.c_proj.bias"])
            vv = vv + self.vv_attention(block, h)
            if block in tap_blocks:
                taps[block] = after_attention if tap_point == "after-attention" else orig

        vv = torch.cat([orig[:, :1], vv[:, 1:]], dim=1)
        projected = self.ln("visual.ln_post", vv) @ w["visual.proj"]
        outputs = {"image_embeds": projected[:, 0], "vv_patch_tokens": projected[:, 1:]}
        for i, block in enumerate(tap_blocks):
            outputs[f"patch_tokens_tap{i}"] = taps[block][:, 1:]
        if normalize:
            outputs = {name: F.normalize(t, dim=-1) for name, t in outputs.items()}
        return outputs


def load_tower(model_dir, dtype):
    """Builds the tower from an OpenCLIP hub model directory."""
    weights, sha = read_vision_safetensors(os.path.join(model_dir, "open_clip_model.safetensors"), dtype)
    with open(os.path.join(model_dir, "open_clip_config.json")) as f:
        cfg = json.load(f)["model_cfg"]
    return DualPathVisionTower(weights, cfg["vision_cfg"], cfg.get("quick_gelu", False), dtype), sha


def main():
    work_dir, out_dir = sys.argv[1], sys.argv[2]
    tower, sha = load_tower(os.path.join(work_dir, "model"), torch.float64)
    pixels = torch.from_numpy(np.load(os.path.join(work_dir, "input.npy")))

    os.makedirs(out_dir, exist_ok=True)
    np.save(os.path.join(out_dir, "input.npy"), pixels.numpy())
    with torch.no_grad():
        for preset, (blocks, point) in TAP_PRESETS.items():
            outputs = tower(pixels.double(), blocks, point)
            folder = os.path.join(out_dir, preset)
            os.makedirs(folder, exist_ok=True)
            for name, tensor in outputs.items():
                np.save(os.path.join(folder, f"{name}.npy"), tensor.numpy().astype(np.float32))

    with open(os.path.join(work_dir, "inputs.json")) as f:
        inputs = json.load(f)
    if inputs["weightsHash"] != sha:
        raise SystemExit(f"weights hash {sha} differs from inputs.json {inputs['weightsHash']}")
    meta = {
        "architecture": inputs["architecture"],
        "seed": inputs["seed"],
        "weightsHash": sha,
        "inputShape": list(pixels.shape),
        "normalized": True,
        "computedIn": "float64",
        "torch": torch.__version__,
        "presets": {k: {"blocks": b, "point": p} for k, (b, p) in TAP_PRESETS.items()},
    }
    with open(os.path.join(out_dir, "meta.json"), "w") as f:
        json.dump(meta, f, indent=2)
        f.write("\n")
    print(f"wrote golden outputs for {meta['architecture']} seed {meta['seed']} to {out_dir}")


if __name__ == "__main__":
    main()

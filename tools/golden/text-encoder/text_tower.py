"""CLIP text tower in PyTorch, built like open_clip's TextTransformer.

Each block is pre-LN: x = x + attn(ln_1(x)); x = x + mlp(ln_2(x)), with
torch.nn.MultiheadAttention loaded from the block's in_proj/out_proj and an
additive causal mask (-inf above the diagonal), and mlp = c_proj(act(c_fc(x)))
with GELU (erf form) or QuickGELU x * sigmoid(1.702 x). The features are
ln_final of the end-of-text row, times text_projection ([width, embed_dim]).

This is the independent reference of the TypeScript text encoders: the
benchmark times it with autograd, and its outputs are compared with ONNX's.
"""

import json
import struct

import numpy as np
import torch
from torch import nn

NUMPY_DTYPES = {"F32": np.float32, "F16": np.float16}
LAYER_NORM_EPS = 1e-5


def read_text_safetensors(path):
    """Returns {name: float32 numpy array} for the text-tower tensors of a safetensors file.

    A safetensors file is an 8-byte little-endian header length, a JSON
    header of dtype, shape and data offsets per tensor, then the raw data.
    """
    with open(path, "rb") as f:
        (header_len,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(header_len))
        base = 8 + header_len
        tensors = {}
        for name, entry in header.items():
            if name == "__metadata__" or name.startswith("visual."):
                continue
            if entry["dtype"] not in NUMPY_DTYPES:
                raise ValueError(f"{path}: tensor {name} has dtype {entry['dtype']}, expected F32 or F16")
            start, end = entry["data_offsets"]
            f.seek(base + start)
            raw = f.read(end - start)
            values = np.frombuffer(raw, dtype=NUMPY_DTYPES[entry["dtype"]]).astype(np.float32)
            tensors[name] = values.reshape(entry["shape"])
    return tensors


class QuickGELU(nn.Module):
    def forward(self, x):
        return x * torch.sigmoid(1.702 * x)


class Block(nn.Module):
    def __init__(self, width, heads, hidden, activation):
        super().__init__()
        self.ln_1 = nn.LayerNorm(width, eps=LAYER_NORM_EPS)
        self.attn = nn.MultiheadAttention(width, heads, batch_first=True)
        self.ln_2 = nn.LayerNorm(width, eps=LAYER_NORM_EPS)
        self.c_fc = nn.Linear(width, hidden)
        self.act = nn.GELU() if activation == "gelu" else QuickGELU()
        self.c_proj = nn.Linear(hidden, width)

    def forward(self, x, mask):
        h = self.ln_1(x)
        x = x + self.attn(h, h, h, need_weights=False, attn_mask=mask)[0]
        return x + self.c_proj(self.act(self.c_fc(self.ln_2(x))))


class TextTower(nn.Module):
    def __init__(self, weights, heads, activation):
        super().__init__()
        context, width = weights["positional_embedding"].shape
        layers = 1 + max(int(k.split(".")[2]) for k in weights if k.startswith("transformer.resblocks."))
        hidden = weights["transformer.resblocks.0.mlp.c_fc.weight"].shape[0]
        self.blocks = nn.ModuleList(Block(width, heads, hidden, activation) for _ in range(layers))
        self.ln_final = nn.LayerNorm(width, eps=LAYER_NORM_EPS)
        self.positional_embedding = nn.Parameter(torch.zeros(context, width))
        self.text_projection = nn.Parameter(torch.zeros(weights["text_projection"].shape))

        state = {"positional_embedding": weights["positional_embedding"]}
        state["text_projection"] = weights["text_projection"]
        state["ln_final.weight"] = weights["ln_final.weight"]
        state["ln_final.bias"] = weights["ln_final.bias"]
        for i in range(layers):
            p = f"transformer.resblocks.{i}"
            for ours, theirs in [
                ("ln_1.weight", "ln_1.weight"),
                ("ln_1.bias", "ln_1.bias"),
                ("attn.in_proj_weight", "attn.in_proj_weight"),
                ("attn.in_proj_bias", "attn.in_proj_bias"),
                ("attn.out_proj.weight", "attn.out_proj.weight"),
                ("attn.out_proj.bias", "attn.out_proj.bias"),
                ("ln_2.weight", "ln_2.weight"),
                ("ln_2.bias", "ln_2.bias"),
                ("c_fc.weight", "mlp.c_fc.weight"),
                ("c_fc.bias", "mlp.c_fc.bias"),
                ("c_proj.weight", "mlp.c_proj.weight"),
                ("c_proj.bias", "mlp.c_proj.bias"),
            ]:
                state[f"blocks.{i}.{ours}"] = weights[f"{p}.{theirs}"]
        self.load_state_dict({k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in state.items()})
        # Frozen, as in prompt learning: autograd computes only dE.
        self.requires_grad_(False)

    def forward(self, embeddings, eot):
        tokens = embeddings.shape[1]
        mask = torch.full((tokens, tokens), float("-inf"), dtype=embeddings.dtype).triu_(1)
        x = embeddings + self.positional_embedding[:tokens]
        for block in self.blocks:
            x = block(x, mask)
        x = self.ln_final(x)
        pooled = x[torch.arange(x.shape[0]), eot]
        return pooled @ self.text_projection

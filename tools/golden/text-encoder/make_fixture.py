"""Computes a text-encoder golden fixture with PyTorch in float64.

    python3 make_fixture.py INPUT_DIR OUT_FILE

reads INPUT_DIR/text.safetensors and INPUT_DIR/inputs.json (written by
write-inputs.ts), runs text_tower.py's open_clip-style tower in float64 with
autograd, and writes OUT_FILE: the inputs plus `features` (prompts x embed)
and `gradient` (dE, prompts x tokens x width), flattened in row-major order.
"""

import json
import os
import sys

import torch

from text_tower import TextTower, read_text_safetensors


def main():
    input_dir, out_file = sys.argv[1], sys.argv[2]
    with open(os.path.join(input_dir, "inputs.json")) as f:
        inputs = json.load(f)

    tower = TextTower(
        read_text_safetensors(os.path.join(input_dir, "text.safetensors")),
        inputs["heads"],
        inputs["activation"],
    ).double()
    width = tower.positional_embedding.shape[1]
    prompts = len(inputs["eot"])

    embeddings = torch.tensor(inputs["embeddings"], dtype=torch.float64)
    embeddings = embeddings.reshape(prompts, inputs["tokens"], width).requires_grad_(True)
    eot = torch.tensor(inputs["eot"], dtype=torch.int64)
    feature_gradient = torch.tensor(inputs["featureGradient"], dtype=torch.float64).reshape(prompts, -1)

    features = tower(embeddings, eot)
    (gradient,) = torch.autograd.grad(features, embeddings, feature_gradient)

    fixture = dict(inputs)
    fixture["generator"] = f"tools/golden/text-encoder/make_fixture.py, torch {torch.__version__}, float64"
    fixture["features"] = features.detach().flatten().tolist()
    fixture["gradient"] = gradient.flatten().tolist()
    with open(out_file, "w") as f:
        json.dump(fixture, f)
        f.write("\n")


if __name__ == "__main__":
    main()

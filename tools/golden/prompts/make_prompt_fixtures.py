"""Golden fixtures of prompt assembly, built the way PromptAD's reference code does.

PromptAD (`PromptAD/model.py`, `PromptLearner`) tokenises whole strings with
placeholder words, "N N N N bottle." and "N N N N A bottle.", embeds them,
keeps the start row and the rows after the placeholders, and concatenates
start row, context and suffix rows. It pairs the context sets of learned
prompts with torch's expand and reshape. This script repeats that with numpy
and an independent BPE tokenizer (clip_bpe.py), and draws the context from an
independent Mulberry32 plus Box-Muller implementation, so the TypeScript
package is checked against a second construction.

Inputs: the token embedding table written by write-token-embedding.ts.
Outputs (next to it): prompts-golden.json (texts, ids, end positions, case
settings) and prompts-golden.safetensors (contexts and embedding matrices).

Usage: python3 tools/golden/prompts/make_prompt_fixtures.py
"""

from __future__ import annotations

import json
import math
import struct
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from clip_bpe import ClipBpe  # noqa: E402

REPO = Path(__file__).resolve().parents[3]
FIXTURES = REPO / "packages/prompt-learner/test/fixtures"
EMBEDDING_FILE = FIXTURES / "token-embedding-w4.safetensors"

# Phrases transcribed from PromptAD's `PromptAD/ad_prompts.py` for the classes
# of these fixtures.
GENERIC_STATES = [
    "damaged {}",
    "flawed {}",
    "abnormal {}",
    "imperfect {}",
    "blemished {}",
    "{} with flaw",
    "{} with defect",
    "{} with damage",
]
CLASS_STATES = {
    "bottle": [
        "{} with large breakage",
        "{} with small breakage",
        "{} with contamination",
    ],
    "metal_nut": [
        "{} with a bent shape ",
        "{} with color stain",
        "{} with a flipped orientation",
        "{} with scratch",
    ],
    "pcb1": ["{} with bent", "{} with scratch", "{} with missing", "{} with melt"],
}
CLASS_NAMES = {"metal_nut": "metal nut", "pcb1": "printed circuit board"}

DEFAULT_CONFIG = {"nPro": 1, "nCtx": 4, "nProAb": 4, "nCtxAb": 1, "initStd": 0.02, "seed": 111}
CASES = {
    "bottle-promptad": {"classKey": "bottle", "style": "promptad", "config": DEFAULT_CONFIG},
    "bottle-devprompt": {"classKey": "bottle", "style": "devprompt", "config": DEFAULT_CONFIG},
    "metal_nut-promptad": {"classKey": "metal_nut", "style": "promptad", "config": DEFAULT_CONFIG},
    # Several context sets, paired as the reference's expand and reshape do.
    "pcb1-promptad-cyclic": {
        "classKey": "pcb1",
        "style": "promptad",
        "config": {"nPro": 2, "nCtx": 2, "nProAb": 3, "nCtxAb": 2, "initStd": 0.02, "seed": 7},
        "learnedPairing": "reference-cyclic",
    },
}


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    raw = path.read_bytes()
    (length,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + length])
    data = raw[8 + length :]
    dtypes = {"F16": np.float16, "F32": np.float32}
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        array = np.frombuffer(data[begin:end], dtype=dtypes[entry["dtype"]])
        tensors[name] = array.reshape(entry["shape"]).astype(np.float32)
    return tensors


def write_safetensors(path: Path, tensors: dict[str, np.ndarray]) -> None:
    header = {}
    chunks = []
    offset = 0
    for name, array in tensors.items():
        data = np.ascontiguousarray(array, dtype="<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(array.shape), "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":"))
    text += " " * ((8 - len(text) % 8) % 8)
    path.write_bytes(struct.pack("<Q", len(text)) + text.encode() + b"".join(chunks))


class Mulberry32Normal:
    """Mulberry32 uniforms with 53 bits per double, Box-Muller normals, cos first."""

    def __init__(self, seed: int):
        self.state = seed & 0xFFFFFFFF
        self.spare: float | None = None

    def next_uint32(self) -> int:
        self.state = (self.state + 0x6D2B79F5) & 0xFFFFFFFF
        t = self.state
        t = ((t ^ (t >> 15)) * (t | 1)) & 0xFFFFFFFF
        t = (t ^ ((t + (((t ^ (t >> 7)) * (t | 61)) & 0xFFFFFFFF)) & 0xFFFFFFFF)) & 0xFFFFFFFF
        return (t ^ (t >> 14)) & 0xFFFFFFFF

    def next_uniform(self) -> float:
        high = self.next_uint32() >> 5
        low = self.next_uint32() >> 6
        return (high * 2.0**26 + low) / 2.0**53

    def next_normal(self) -> float:
        if self.spare is not None:
            value, self.spare = self.spare, None
            return value
        radius = math.sqrt(-2.0 * math.log(1.0 - self.next_uniform()))
        angle = 2.0 * math.pi * self.next_uniform()
        self.spare = radius * math.sin(angle)
        return radius * math.cos(angle)


def init_context(config: dict, width: int) -> tuple[np.ndarray, np.ndarray]:
    stream = Mulberry32Normal(config["seed"])
    shapes = [(config["nPro"], config["nCtx"], width), (config["nProAb"], config["nCtxAb"], width)]
    tensors = []
    for shape in shapes:
        values = [config["initStd"] * stream.next_normal() for _ in range(int(np.prod(shape)))]
        tensors.append(np.array(values, dtype=np.float32).reshape(shape))
    return tensors[0], tensors[1]


def prompt_strings(case: dict) -> tuple[list[str], list[str], list[str]]:
    """Whole strings with placeholders, in the reference code's list order."""
    key = case["classKey"]
    config = case["config"]
    name = CLASS_NAMES.get(key, key)
    normal_prefix = " ".join(["N"] * config["nCtx"])
    abnormal_prefix = " ".join(["A"] * config["nCtxAb"])
    if case["style"] == "promptad":
        normal_suffixes = [name + "."]
        manual_suffixes = [state.format(name) + "." for state in GENERIC_STATES + CLASS_STATES[key]]
    else:
        normal_suffixes = [f"a photo of a normal {name}."]
        manual_suffixes = [f"a photo of a defective {name}."]
    learned_suffix = name + "."
    normal = [f"{normal_prefix} {s}" for s in normal_suffixes for _ in range(config["nPro"])]
    manual = [f"{normal_prefix} {s}" for s in manual_suffixes for _ in range(config["nPro"])]
    learned = [
        f"{normal_prefix} {abnormal_prefix} {learned_suffix}"
        for _ in range(config["nProAb"])
        for _ in range(config["nPro"])
    ]
    return normal, manual, learned


def assemble(ids: np.ndarray, table: np.ndarray, contexts: list[np.ndarray]) -> np.ndarray:
    """Start row, the context tensors in order, then the rows after the placeholders."""
    embedded = table[ids]
    skip = 1 + sum(c.shape[1] for c in contexts)
    return np.concatenate([embedded[:, :1]] + contexts + [embedded[:, skip:]], axis=1)


def expand_like_torch(context: np.ndarray, repeats: int) -> np.ndarray:
    """`context.unsqueeze(0).expand(repeats, ...).reshape(-1, tokens, width)`."""
    return np.broadcast_to(context[None], (repeats,) + context.shape).reshape(-1, *context.shape[1:])


def main() -> None:
    tokenizer = ClipBpe(REPO)
    table = read_safetensors(EMBEDDING_FILE)["token_embedding.weight"]
    width = table.shape[1]
    description = {"embeddingFile": EMBEDDING_FILE.name, "cases": {}}
    tensors: dict[str, np.ndarray] = {}

    for case_name, case in CASES.items():
        config = case["config"]
        normal_ctx, abnormal_ctx = init_context(config, width)
        normal, manual, learned = prompt_strings(case)
        ids = {group: np.array([tokenizer.tokenize(s) for s in strings], dtype=np.int64)
               for group, strings in [("normal", normal), ("manual", manual), ("learned", learned)]}

        e_normal = assemble(ids["normal"], table, [expand_like_torch(normal_ctx, 1)])
        e_manual = assemble(
            ids["manual"], table, [expand_like_torch(normal_ctx, len(manual) // config["nPro"])]
        )
        e_learned = assemble(
            ids["learned"],
            table,
            [expand_like_torch(normal_ctx, config["nProAb"]), expand_like_torch(abnormal_ctx, config["nPro"])],
        )
        all_ids = np.concatenate([ids["normal"], ids["manual"], ids["learned"]])
        description["cases"][case_name] = {
            **case,
            "strings": normal + manual + learned,
            "groupCounts": [len(normal), len(manual), len(learned)],
            "tokenIds": all_ids.tolist(),
            "eot": all_ids.argmax(axis=1).tolist(),
        }
        tensors[f"{case_name}.normal_ctx"] = normal_ctx
        tensors[f"{case_name}.abnormal_ctx"] = abnormal_ctx
        tensors[f"{case_name}.embeddings"] = np.concatenate([e_normal, e_manual, e_learned])

    (FIXTURES / "prompts-golden.json").write_text(json.dumps(description, indent=1) + "\n")
    write_safetensors(FIXTURES / "prompts-golden.safetensors", tensors)
    print(f"wrote {len(CASES)} cases to {FIXTURES}")


if __name__ == "__main__":
    main()

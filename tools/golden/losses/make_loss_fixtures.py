#!/usr/bin/python3
"""Write golden values and gradients of the loss modules of
@devprompt/deviation-loss, computed independently with PyTorch in float64.

Usage (from the repository root, with the Debian interpreter that
python3-torch installs into):

    /usr/bin/python3 tools/golden/losses/make_loss_fixtures.py

It writes packages/deviation-loss/test/fixtures/loss-golden.json. The
TypeScript tests read that file and never run Python.

The losses here are written from their definitions, not from the TypeScript
code: alignment cross-entropy, the triplet margin with both reduction orders,
the manual/learned agreement and the deviation loss with Top-K pooling. The
seeded generator (splitmix32 seeding xoshiro128**, Box-Muller) is written out
again here so that the sampled reference mean and standard deviation are
checked too.
"""

import json
import math
import os
import sys
import tempfile

import numpy as np
import torch

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
OUTPUT = os.path.join(
    REPO_ROOT, "packages", "deviation-loss", "test", "fixtures", "loss-golden.json"
)
LOGIT_SCALE = 4.605170185988092  # ln(100), the value at which CLIP training clamps logit_scale
MASK32 = 0xFFFFFFFF

# The presets, written out from the PromptAD and DevPrompt papers; the tests
# also build them by name and compare with these lists.
PROMPTAD = [
    {"name": "alignment", "weight": 1},
    {"name": "margin", "weight": 1},
    {"name": "agreement", "weight": 0.001},
]
DEVPROMPT = PROMPTAD + [{"name": "deviation", "weight": 1}]

# ---------------------------------------------------------------------------
# Seeded generator: splitmix32 (MurmurHash3 finaliser over a Weyl sequence)
# fills the state of xoshiro128** (Blackman and Vigna, 2018).


def splitmix32_stream(seed):
    weyl = seed & MASK32
    while True:
        weyl = (weyl + 0x9E3779B9) & MASK32
        z = weyl
        z = ((z ^ (z >> 16)) * 0x85EBCA6B) & MASK32
        z = ((z ^ (z >> 13)) * 0xC2B2AE35) & MASK32
        yield z ^ (z >> 16)


def rotl32(x, k):
    return ((x << k) | (x >> (32 - k))) & MASK32


class Xoshiro128StarStar:
    def __init__(self, state):
        self.s = list(state)

    def next_uint32(self):
        s = self.s
        result = (rotl32((s[1] * 5) & MASK32, 7) * 9) & MASK32
        t = (s[1] << 9) & MASK32
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl32(s[3], 11)
        return result

    def next_float64(self):
        high = self.next_uint32() >> 5
        low = self.next_uint32() >> 6
        return (high * 2.0**26 + low) / 2.0**53


def seeded_generator(seed):
    stream = splitmix32_stream(seed)
    return Xoshiro128StarStar([next(stream) for _ in range(4)])


def gaussian_samples(count, seed):
    generator = seeded_generator(seed)
    out = []
    while len(out) < count:
        u1 = 1.0 - generator.next_float64()
        u2 = generator.next_float64()
        radius = math.sqrt(-2.0 * math.log(u1))
        out.append(radius * math.cos(2.0 * math.pi * u2))
        out.append(radius * math.sin(2.0 * math.pi * u2))
    return out[:count]


def reference_statistics(options):
    if options.get("reference", "sampled") == "exact":
        return 0.0, 1.0
    count = options.get("referenceSamples", 5000)
    draws = np.array(gaussian_samples(count, options.get("seed", 111)))
    return float(draws.mean()), float(draws.std(ddof=0))


# ---------------------------------------------------------------------------
# Losses, written from their formulas.


def unit(x):
    return x / torch.linalg.vector_norm(x, dim=-1, keepdim=True)


def anchors(normal, manual, learned):
    abnormal = torch.cat([manual, learned], dim=0)
    return unit(normal.mean(dim=0)), unit(abnormal.mean(dim=0)), unit(abnormal)


def alignment(z, text, t, options):
    n_bar, _, abnormal_unit = text
    scale = math.exp(t) if options.get("logitScale", "stored") == "exp" else t
    prompts = torch.cat([n_bar[None, :], abnormal_unit], dim=0)
    logits = torch.einsum("ipc,mc->ipm", z, prompts) * scale
    targets = torch.zeros(z.shape[0], z.shape[1], dtype=torch.long)
    return torch.nn.functional.cross_entropy(logits.permute(0, 2, 1), targets)


def margin(z, text, options):
    n_bar, a_bar, _ = text
    m = options.get("margin", 0.0)
    if options.get("reduction", "channel-sum") == "channel-sum":
        positive = ((z - n_bar) ** 2).sum(dim=1)  # [images, channels]
        negative = ((z - a_bar) ** 2).sum(dim=1)
    else:
        positive = ((z - n_bar) ** 2).sum(dim=2)  # [images, patches]
        negative = ((z - a_bar) ** 2).sum(dim=2)
    return torch.relu(positive - negative + m).mean()


def agreement(manual, learned):
    gap = unit(manual).mean(dim=0) - unit(learned).mean(dim=0)
    return (gap**2).sum()


def resolve_top_k(top_k, patches):
    if isinstance(top_k, dict):
        return min(patches, top_k["count"])
    return min(patches, max(1, math.floor(top_k * patches + 1e-9)))


def deviation(z, text, labels, options, check_gap=True):
    _, a_bar, _ = text
    mu, sigma = reference_statistics(options)
    d = (torch.einsum("ipc,c->ip", z, a_bar) - mu) / sigma
    if options.get("deviation", "absolute") == "absolute":
        d = d.abs()
    k = resolve_top_k(options.get("topK", 0.1), z.shape[1])

    # Stable descending sort: among equal deviations the lower patch index
    # comes first.
    order = torch.sort(d.detach(), dim=1, descending=True, stable=True).indices
    top = torch.gather(d, 1, order[:, :k])
    if check_gap and k < z.shape[1]:
        sorted_d = torch.gather(d.detach(), 1, order)
        gap = (sorted_d[:, k - 1] - sorted_d[:, k]).min().item()
        if 0 < gap < 1e-4:
            raise SystemExit(f"near-tie at the Top-K boundary (gap {gap}); pick another seed")
    image_d = top.mean(dim=1)
    lam = options.get("lambda", 1.0)
    a = options.get("margin", 5.0)
    per_image = lam * (1 - labels) * image_d.abs() + labels * torch.relu(a - image_d)
    return per_image.mean(), k


def evaluate(config, inputs, labels, feature_source):
    normal = torch.tensor(inputs["normalText"], dtype=torch.float64, requires_grad=True)
    manual = torch.tensor(inputs["manualAbnormalText"], dtype=torch.float64, requires_grad=True)
    learned = torch.tensor(inputs["learnedAbnormalText"], dtype=torch.float64, requires_grad=True)
    if feature_source == "global":
        g = torch.tensor(inputs["globalFeatures"], dtype=torch.float64)
        z = g[:, None, :]
    else:
        z = torch.tensor(inputs["patchFeatures"], dtype=torch.float64)
    y = torch.tensor(labels, dtype=torch.float64)
    text = anchors(normal, manual, learned)

    terms = {}
    resolved_k = {}
    total = torch.zeros((), dtype=torch.float64)
    for entry in config:
        name = entry["name"]
        options = entry.get("options", {})
        label = entry.get("label", name)
        if name == "alignment":
            value = alignment(z, text, inputs["logitScale"], options)
        elif name == "margin":
            value = margin(z, text, options)
        elif name == "agreement":
            value = agreement(manual, learned)
        elif name == "deviation":
            value, resolved_k[label] = deviation(z, text, y, options)
        else:
            raise SystemExit(f"unknown module {name}")
        terms[label] = value.item()
        total = total + entry.get("weight", 1.0) * value

    grads = torch.autograd.grad(total, [normal, manual, learned], allow_unused=True)
    shapes = [normal.shape, manual.shape, learned.shape]
    grads = [
        (g if g is not None else torch.zeros(shape, dtype=torch.float64)).flatten().tolist()
        for g, shape in zip(grads, shapes)
    ]
    return {
        "total": total.item(),
        "terms": terms,
        "grads": {"normal": grads[0], "manualAbnormal": grads[1], "learnedAbnormal": grads[2]},
    }, resolved_k


# ---------------------------------------------------------------------------
# Inputs, rounded to float32 so that both implementations read equal values.


def f32(array):
    return np.asarray(array, dtype=np.float64).astype(np.float32).astype(np.float64)


def random_inputs(seed, images, patches, dim, counts, labels, with_global=False):
    generator = torch.Generator().manual_seed(seed)

    def normal_draw(*shape):
        return torch.randn(*shape, generator=generator, dtype=torch.float64).numpy()

    z = normal_draw(images, patches, dim)
    z /= np.linalg.norm(z, axis=-1, keepdims=True)
    inputs = {
        "patchFeatures": f32(z),
        "normalText": f32(normal_draw(counts[0], dim)),
        "manualAbnormalText": f32(normal_draw(counts[1], dim)),
        "learnedAbnormalText": f32(normal_draw(counts[2], dim)),
        "labels": list(labels),
        "logitScale": float(np.float32(LOGIT_SCALE)),
    }
    if with_global:
        g = normal_draw(images, dim)
        g /= np.linalg.norm(g, axis=-1, keepdims=True)
        inputs["globalFeatures"] = f32(g)
    return inputs


def tie_inputs():
    """Patch features whose |s(p)| ties exactly at the top of the ranking.
    The abnormal features (0, 0, 0, 2) and (0, 0, 0, 4) give ā = (0, 0, 0, 1)
    exactly, so s(p) is the last component of z_p, computed without rounding
    in float32 and float64 alike. Patches 2, 5 and 6 have |s| = 0.8 but
    different components orthogonal to ā, so which of them enters the Top-K
    changes the gradient."""
    inputs = random_inputs(32, 1, 8, 4, (1, 1, 1), [0])
    inputs["manualAbnormalText"] = f32([[0.0, 0.0, 0.0, 2.0]])
    inputs["learnedAbnormalText"] = f32([[0.0, 0.0, 0.0, 4.0]])
    z = inputs["patchFeatures"].copy()
    z[0, 2] = f32([0.0, 0.6, 0.0, 0.8])
    z[0, 5] = f32([0.6, 0.0, 0.0, 0.8])
    z[0, 6] = f32([0.0, 0.0, 0.6, -0.8])
    others = [p for p in range(8) if p not in (2, 5, 6)]
    if np.abs(z[0, others, 3]).max() > 0.7:
        raise SystemExit("a random patch scores above 0.7; pick another seed")
    inputs["patchFeatures"] = z
    return inputs


def to_json_inputs(inputs):
    out = {}
    for key, value in inputs.items():
        if isinstance(value, np.ndarray):
            out[key] = {
                "shape": list(value.shape),
                "data": [float(np.float32(v)) for v in value.flatten()],
            }
        else:
            out[key] = value
    return out


def main():
    input_sets = {
        "base": random_inputs(7, 2, 10, 8, (1, 3, 2), [0, 0]),
        "twoNormal": random_inputs(11, 1, 12, 6, (2, 2, 3), [1]),
        "ties": tie_inputs(),
        "global": random_inputs(13, 3, 5, 8, (1, 2, 2), [0, 1, 0], with_global=True),
    }
    exact = {"reference": "exact"}

    def dev(**options):
        return [{"name": "deviation", "options": options}]

    cases = [
        ("alignment stored scale", "base", [{"name": "alignment"}], {}),
        ("alignment exp scale", "base", [{"name": "alignment", "options": {"logitScale": "exp"}}], {}),
        ("margin channel-sum", "base", [{"name": "margin"}], {}),
        ("margin channel-sum m=0.5", "base", [{"name": "margin", "options": {"margin": 0.5}}], {}),
        ("margin per-patch", "base", [{"name": "margin", "options": {"reduction": "per-patch"}}], {}),
        ("margin per-patch m=0.2", "base",
         [{"name": "margin", "options": {"reduction": "per-patch", "margin": 0.2}}], {}),
        ("agreement", "base", [{"name": "agreement"}], {}),
        ("deviation exact K=10% of 10", "base", dev(**exact), {}),
        ("deviation exact K=30%", "base", dev(**exact, topK=0.3), {}),
        ("deviation exact K=1 count", "base", dev(**exact, topK={"count": 1}), {}),
        ("deviation exact K=20 clamped to 10", "base", dev(**exact, topK={"count": 20}), {}),
        ("deviation exact K=100%", "base", dev(**exact, topK=1), {}),
        ("deviation signed", "base", dev(**exact, deviation="signed", topK=0.3), {}),
        ("deviation lambda=2", "base", dev(**exact, topK=0.3, **{"lambda": 2}), {}),
        ("deviation sampled seed 111", "base", dev(topK=0.3), {}),
        ("deviation sampled seed 7 r=100", "base", dev(topK=0.3, seed=7, referenceSamples=100), {}),
        ("deviation y=1 hinge active", "twoNormal", dev(**exact, topK=0.25), {}),
        ("deviation y=1 hinge inactive", "twoNormal", dev(**exact, topK=0.25, margin=0.05), {}),
        ("deviation mixed labels", "base", dev(topK=0.3), {"labels": [1, 0]}),
        ("deviation ties K=2", "ties", dev(**exact, topK={"count": 2}), {}),
        ("deviation ties K=1", "ties", dev(**exact, topK={"count": 1}), {}),
        ("deviation ties K=3", "ties", dev(**exact, topK={"count": 3}), {}),
        ("devprompt preset", "base", DEVPROMPT, {"preset": "devprompt"}),
        ("promptad preset", "base", PROMPTAD, {"preset": "promptad"}),
        ("devprompt preset two normal prompts y=1", "twoNormal", DEVPROMPT,
         {"preset": "devprompt"}),
        ("weighted duplicate labels", "base", [
            {"name": "deviation", "weight": 0.5, "label": "dev-exact", "options": exact},
            {"name": "deviation", "weight": 2, "label": "dev-signed",
             "options": {"reference": "exact", "deviation": "signed"}},
            {"name": "margin", "weight": 0.25, "options": {"reduction": "per-patch"}},
        ], {}),
        ("deviation only leaves normal unused", "base", dev(**exact), {}),
        ("classification mode devprompt", "global", DEVPROMPT,
         {"featureSource": "global", "preset": "devprompt"}),
    ]

    out_cases = []
    for name, set_name, config, extra in cases:
        inputs = input_sets[set_name]
        labels = extra.get("labels", inputs["labels"])
        source = extra.get("featureSource", "patch")
        expected, resolved_k = evaluate(config, inputs, labels, source)
        case = {"name": name, "inputs": set_name, "config": config, "expected": expected}
        if "labels" in extra:
            case["labels"] = labels
        if source != "patch":
            case["featureSource"] = source
        if "preset" in extra:
            case["preset"] = extra["preset"]
        if resolved_k:
            case["resolvedK"] = resolved_k
        out_cases.append(case)

    generator = seeded_generator(111)
    random_check = {
        "seed": 111,
        "uint32": [generator.next_uint32() for _ in range(8)],
        "gaussians": gaussian_samples(8, 111),
        "referenceStatistics": [
            {"seed": seed, "samples": count, "mean": m, "std": s}
            for seed, count in [(111, 5000), (7, 100), (0, 2), (4294967295, 1001)]
            for m, s in [reference_statistics(
                {"reference": "sampled", "seed": seed, "referenceSamples": count})]
        ],
    }
    reference_generator = Xoshiro128StarStar([1, 2, 3, 4])
    random_check["xoshiroState1234"] = [reference_generator.next_uint32() for _ in range(6)]

    document = {
        "generator": "tools/golden/losses/make_loss_fixtures.py",
        "torch": torch.__version__,
        "precision": "float64 reference; inputs rounded to float32",
        "inputSets": {k: to_json_inputs(v) for k, v in input_sets.items()},
        "cases": out_cases,
        "random": random_check,
    }
    os.makedirs(os.path.dirname(OUTPUT), exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=os.path.dirname(OUTPUT), suffix=".tmp")
    with os.fdopen(handle, "w") as stream:
        json.dump(document, stream, indent=1)
        stream.write("\n")
    os.chmod(temporary, 0o644)  # mkstemp creates files readable by the owner only
    os.replace(temporary, OUTPUT)
    print(f"wrote {len(out_cases)} cases to {os.path.relpath(OUTPUT, REPO_ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()

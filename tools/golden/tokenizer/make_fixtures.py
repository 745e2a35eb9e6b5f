"""Write packages/clip-encoders/test/fixtures/tokenizer-golden.json.

Reads corpus.json (written by write-corpus.ts) and tokenises each text with
the reference tokenizer to 77 ids, stored without the trailing zeros.
"""

import json
import pathlib

from clip_bpe_reference import REPO_ROOT, ReferenceTokenizer, read_package_merges

HERE = pathlib.Path(__file__).resolve().parent
OUT = REPO_ROOT / "packages/clip-encoders/test/fixtures/tokenizer-golden.json"


def main():
    tokenizer = ReferenceTokenizer(read_package_merges())
    corpus = json.loads((HERE / "corpus.json").read_text(encoding="utf-8"))
    # Padding zeros are left out to keep the file small; tests pad to 77.
    cases = []
    for text in corpus:
        ids = tokenizer.tokenize(text)
        # The last real id is always the end token, so only padding is cut.
        while ids[-1] == 0:
            ids.pop()
        cases.append({"text": text, "ids": ids})
    OUT.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "generator": "tools/golden/tokenizer/make_fixtures.py",
        "contextLength": 77,
        "cases": cases,
    }
    # One case per line keeps the file small and diffs readable.
    lines = ",\n".join(json.dumps(case, ensure_ascii=False) for case in cases)
    header = json.dumps({k: v for k, v in payload.items() if k != "cases"})[:-1]
    OUT.write_text(f'{header}, "cases": [\n{lines}\n]}}\n', encoding="utf-8")
    print(f"wrote {len(cases)} cases to {OUT}")


if __name__ == "__main__":
    main()

#!/bin/sh
# Regenerates the tokenizer golden fixture: the corpus from the PromptAD
# prompt tables plus hand-picked cases, then ids from the Python reference.
# Needs node (tsx) and python3 with the regex module.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../../.."
npx tsx "$here/write-corpus.ts"
cd "$here" && python3 make_fixtures.py

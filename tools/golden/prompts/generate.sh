#!/bin/sh
# Regenerates the prompt-learner golden fixtures. TypeScript writes the token
# embedding table (the input), then numpy assembles the prompts the way
# PromptAD's reference code does (the expected outputs).
# Run from the repository root: sh tools/golden/prompts/generate.sh
set -eu
out=packages/prompt-learner/test/fixtures
npx tsx tools/golden/prompts/write-token-embedding.ts "$out/token-embedding-w4.safetensors"
python3 tools/golden/prompts/make_prompt_fixtures.py

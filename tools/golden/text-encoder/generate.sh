#!/bin/sh
# Regenerates the text-encoder golden fixtures: seeded random test-tiny text
# weights and fixed inputs are written by TypeScript, then PyTorch (Debian's
# python3-torch) computes the features and dE in float64, for GELU and QuickGELU.
# Run from the repository root: sh tools/golden/text-encoder/generate.sh
set -eu

. tools/golden/find-python.sh

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out=packages/clip-encoders/test/text/fixtures
npx tsx tools/golden/text-encoder/write-inputs.ts "$work"
mkdir -p "$out"
for activation in gelu quick_gelu; do
  (cd tools/golden/text-encoder && "$python" make_fixture.py "$work/$activation" "$work/$activation.json")
  mv "$work/$activation.json" "$out/text-golden-$activation.json"
done
echo "fixtures in $out"

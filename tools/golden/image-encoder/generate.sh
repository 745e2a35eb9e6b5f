#!/bin/sh
# Regenerates the image-encoder golden fixtures: a seeded random test-tiny
# checkpoint and a fixed input are written by TypeScript, then PyTorch
# (Debian's python3-torch) computes the expected outputs in float64.
# Run from the repository root: sh tools/golden/image-encoder/generate.sh
set -eu

. tools/golden/find-python.sh

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out=packages/clip-encoders/test/image/fixtures/vision-golden
npx tsx tools/golden/image-encoder/write-inputs.ts "$work"
"$python" tools/golden/image-encoder/vision_tower.py "$work" "$work/out"
rm -rf "$out"
mkdir -p "$(dirname "$out")"
mv "$work/out" "$out"
echo "fixtures in $out"

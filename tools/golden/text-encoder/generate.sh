#!/bin/sh
# Regenerates the text-encoder golden fixtures: seeded random test-tiny text
# weights and fixed inputs are written by TypeScript, then PyTorch (Debian's
# python3-torch) computes the features and dE in float64, for GELU and QuickGELU.
# Run from the repository root: sh tools/golden/text-encoder/generate.sh
set -eu

# The first interpreter that can import torch: $PYTHON when set, then python3
# on PATH, then Debian's /usr/bin/python3 (python3-torch).
python=""
for candidate in ${PYTHON:-} python3 /usr/bin/python3; do
  if "$candidate" -c "import torch, numpy" 2>/dev/null; then
    python=$candidate
    break
  fi
done
if [ -z "$python" ]; then
  echo "no python3 with torch and numpy found; install python3-torch or set PYTHON" >&2
  exit 1
fi

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

#!/bin/sh
# Regenerates the image-encoder golden fixtures: a seeded random test-tiny
# checkpoint and a fixed input are written by TypeScript, then PyTorch
# (Debian's python3-torch) computes the expected outputs in float64.
# Run from the repository root: sh tools/golden/image-encoder/generate.sh
set -eu

# The first interpreter that can import torch and numpy: $PYTHON when set,
# then python3 on PATH, then Debian's /usr/bin/python3 (python3-torch).
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
out=packages/clip-encoders/test/image/fixtures/vision-golden
npx tsx tools/golden/image-encoder/write-inputs.ts "$work"
"$python" tools/golden/image-encoder/vision_tower.py "$work" "$work/out"
rm -rf "$out"
mkdir -p "$(dirname "$out")"
mv "$work/out" "$out"
echo "fixtures in $out"

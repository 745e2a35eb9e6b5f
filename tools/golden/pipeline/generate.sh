#!/bin/sh
# Regenerates the end-to-end golden fixture of `devprompt eval`: TypeScript
# writes a seeded random test-tiny checkpoint, a synthetic dataset and a
# fixed prompt context; PyTorch, SciPy and scikit-learn (Debian's python3-torch,
# python3-scipy, python3-sklearn, python3-pil) compute the maps, scores and
# metrics in float64.
# Run from the repository root: sh tools/golden/pipeline/generate.sh
set -eu

# Debian's interpreter has the packages; PYTHON overrides it.
python=${PYTHON:-/usr/bin/python3}
"$python" -c "import torch, scipy, sklearn, PIL" || {
  echo "$python cannot import torch, scipy, sklearn and PIL; install the Debian packages or set PYTHON" >&2
  exit 1
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out=apps/devprompt/test/fixtures/golden-pipeline.json
npx tsx --tsconfig tsconfig.base.json tools/golden/pipeline/write-inputs.ts "$work"
"$python" tools/golden/pipeline/make_fixture.py "$work" "$work/golden-pipeline.json"
mv "$work/golden-pipeline.json" "$out"
echo "fixture in $out"

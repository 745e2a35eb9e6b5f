# Sourced by the golden-fixture scripts. Sets $python to the first
# interpreter that can import torch and numpy: $PYTHON when set, then
# python3 on PATH, then Debian's /usr/bin/python3 (python3-torch), and exits
# when none can.
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

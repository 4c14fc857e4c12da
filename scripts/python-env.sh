#!/usr/bin/env bash
# The test-only Python environment: Wolfram's own client library (wolframclient, which
# reads and writes WXF) and h5py, installed from PyPI into .venv-test when missing, so the
# cross-checks against them run on every CI run without manual setup. Prints the path of
# the environment's python. The first run takes a minute or two.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.venv-test"
py="$venv/bin/python"
if [ ! -x "$py" ] || ! "$py" -c 'import wolframclient, h5py, numpy' >/dev/null 2>&1; then
  python3 -m venv "$venv" >&2
  "$py" -m pip install --quiet --disable-pip-version-check wolframclient h5py numpy >&2
fi
echo "$py"

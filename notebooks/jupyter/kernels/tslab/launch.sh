#!/bin/sh
# Starts the repository's own tslab kernel at the repository root, so every
# notebook, whatever its folder, imports the library as "./src/...".
# Found by Jupyter through JUPYTER_PATH=<repo>/notebooks/jupyter (set by the Makefile).
# If TELEMETRY_LAB_KERNEL_LOG names a file, the kernel's stderr is appended to it
# (the notebook runner reads it to report a failing cell's real error text).
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../../.." && pwd)
cd "$root" || exit 1
tslab="$root/node_modules/tslab/bin/tslab"
if [ ! -f "$tslab" ]; then
  echo "telemetry-lab kernel: $tslab is missing; run 'make setup' in $root" >&2
  exit 1
fi
if [ -n "$TELEMETRY_LAB_KERNEL_LOG" ]; then
  exec node "$tslab" kernel --config-path "$1" 2>>"$TELEMETRY_LAB_KERNEL_LOG"
fi
exec node "$tslab" kernel --config-path "$1"

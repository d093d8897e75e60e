"""Lists the cells of executed notebooks whose outputs differ from a git revision.

    python3 notebooks/jupyter/changed_cells.py [--rev HEAD] NOTEBOOK...

For each notebook, compares every cell (source and outputs) with the same notebook at
--rev (default HEAD) and prints the cells that changed. Cells tagged "timing" (their
outputs hold a progress bar's last state or a wall time) are reported apart. Exits 1
when a cell that is not tagged "timing" changed: `make notebooks` on an unchanged tree
is expected to change timing cells only.
"""

import argparse
import json
import subprocess
import sys


def cells_at(rev, path):
    try:
        text = subprocess.run(["git", "show", f"{rev}:{path}"], check=True, capture_output=True, text=True).stdout
    except subprocess.CalledProcessError:
        return None
    return json.loads(text)["cells"]


def key(cell):
    return json.dumps({"source": cell.get("source"), "outputs": cell.get("outputs", [])}, sort_keys=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="+")
    parser.add_argument("--rev", default="HEAD")
    args = parser.parse_args()
    bad = 0
    for path in args.notebooks:
        old = cells_at(args.rev, path)
        new = json.load(open(path, encoding="utf-8"))["cells"]
        if old is None:
            print(f"{path}: not in {args.rev}")
            continue
        if len(old) != len(new):
            print(f"{path}: {len(old)} cells in {args.rev}, {len(new)} now")
            bad += 1
            continue
        timing, other = [], []
        for i, (a, b) in enumerate(zip(old, new)):
            if key(a) == key(b):
                continue
            (timing if "timing" in b.get("metadata", {}).get("tags", []) else other).append(i)
        bad += len(other)
        print(f"{path}: {len(timing)} timing cell(s) changed {timing}; {len(other)} other cell(s) changed {other}")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()

"""Executes telemetry-lab notebooks with nbclient and the repository's tslab kernel.

Used by `make test` (each notebook executed on a scratch copy; the committed file
is untouched) and `make notebooks` (executed in place, then exported to HTML, with
plotly.js inlined once per page: the notebooks' chart outputs do not carry it).

On a failing cell it prints the notebook, the cell number, the cell's source and
the kernel's real error text: tslab often returns an empty error message and
writes the real one to the kernel's stderr, so the kernel's stderr is captured
(via TELEMETRY_LAB_KERNEL_LOG, read by the kernel launcher) and shown.

Prints `notebooks: N passed, N failed`; exits 1 if any failed. Also writes a
JSON summary when --summary is given. With --unit-results (vitest's JSON report)
and --extra-failures (failed stages before this one, e.g. the type-check), the
last line is the total over unit tests and notebooks: `N passed, N failed`.
"""

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError


def code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def cell_error_text(cell):
    """Text of the error and stderr outputs a cell produced."""
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            ename = out.get("ename", "")
            evalue = out.get("evalue", "")
            parts.append(f"{ename}: {evalue}".strip(": "))
            tb = out.get("traceback") or []
            if tb:
                parts.append("\n".join(tb))
        elif out.get("output_type") == "stream" and out.get("name") == "stderr":
            parts.append(out.get("text", ""))
    return "\n".join(p for p in parts if p.strip())


def strip_ansi(text):
    import re

    return re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", text)


class Run:
    def __init__(self, path, nb, log_path, timeout, root):
        self.path = path
        self.nb = nb
        self.log_path = log_path
        self.current = None  # (code cell number, notebook cell index)
        self.log_offset = 0
        self.client = NotebookClient(
            nb,
            timeout=timeout,
            kernel_name="tslab",
            resources={"metadata": {"path": str(root)}},
            allow_errors=False,
            record_timing=False,
            on_cell_execute=self.on_cell_execute,
        )

    def on_cell_execute(self, cell, cell_index, **_):
        numbers = [i for i, c in enumerate(self.nb.cells) if c.cell_type == "code"]
        self.current = (numbers.index(cell_index) + 1, cell_index)
        try:
            self.log_offset = os.path.getsize(self.log_path)
        except OSError:
            self.log_offset = 0

    def kernel_stderr(self):
        try:
            with open(self.log_path, "r", encoding="utf-8", errors="replace") as f:
                f.seek(self.log_offset)
                return f.read()
        except OSError:
            return ""


def run_one(path, args, root, log_dir):
    nb = nbformat.read(str(path), as_version=4)
    log_path = log_dir / (path.stem + ".kernel.log")
    log_path.write_text("")
    os.environ["TELEMETRY_LAB_KERNEL_LOG"] = str(log_path)
    run = Run(path, nb, log_path, args.timeout, root)
    start = time.time()
    error = None
    try:
        run.client.execute()
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as exc:
        error = exc
    except Exception as exc:  # kernel failed to start, etc.
        error = exc
    elapsed = time.time() - start
    rel = os.path.relpath(path, root)
    if rel.startswith(".."):
        rel = path.name
    if error is None:
        if args.inplace:
            tmp = path.with_name("." + path.name + ".partial")
            nbformat.write(nb, str(tmp))
            os.replace(tmp, path)
        if args.out_dir:
            out = Path(args.out_dir) / rel
            out.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, str(out))
        if args.html_dir:
            export_html(nb, Path(args.html_dir) / Path(rel).with_suffix(".html"))
        print(f"PASS {rel} ({elapsed:.1f} s, {len(code_cells(nb))} code cells)", flush=True)
        return True, None
    cell_no, cell_index = run.current or (0, None)
    lines = [f"FAIL {rel}: code cell {cell_no}" + (f" (cell index {cell_index})" if cell_index is not None else "")]
    if cell_index is not None:
        src = nb.cells[cell_index].source
        lines.append("  source:")
        lines.extend("    " + l for l in src.splitlines()[:40])
        err = cell_error_text(nb.cells[cell_index])
        if err.strip():
            lines.append("  error output:")
            lines.extend("    " + l for l in strip_ansi(err).splitlines()[-60:])
    if isinstance(error, CellTimeoutError):
        lines.append(f"  timed out after {args.timeout} s")
    elif not isinstance(error, CellExecutionError):
        lines.append(f"  {type(error).__name__}: {error}")
    stderr = strip_ansi(run.kernel_stderr()).strip()
    if stderr:
        lines.append("  kernel stderr:")
        lines.extend("    " + l for l in stderr.splitlines()[-60:])
    message = "\n".join(lines)
    print(message, flush=True)
    return False, message


PLOTLY_JS = Path(__file__).resolve().parents[2] / "node_modules" / "plotly.js-dist-min" / "plotly.min.js"


def plotly_script_tag():
    """plotly.js inlined once per exported page (the notebook's chart outputs do not carry it).

    plotly.js's UMD wrapper would register with an AMD `define` (nbconvert's page loads
    require.js) instead of setting window.Plotly: hide `module`, `exports` and `define`.
    """
    src = PLOTLY_JS.read_text(encoding="utf-8").replace("</script", "<\\/script").replace("<!--", "<\\!--")
    return '<script type="text/javascript">(function(module, exports, define){\n' + src + "\n}).call(window);</script>\n"


def export_html(nb, target):
    from nbconvert import HTMLExporter

    exporter = HTMLExporter()
    body, _ = exporter.from_notebook_node(nb)
    if 'class="telemetry-lab-chart"' in body:
        head_end = body.find("</head>")
        if head_end < 0:
            raise RuntimeError(f"{target}: the exported page has no </head> to put plotly.js in")
        body = body[:head_end] + plotly_script_tag() + body[head_end:]
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name("." + target.name + ".partial")
    tmp.write_text(body, encoding="utf-8")
    os.replace(tmp, target)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="+", help="notebook files to execute, in order")
    parser.add_argument("--inplace", action="store_true", help="write the executed notebook back over the original")
    parser.add_argument("--out-dir", help="write executed copies here (scratch copies for tests)")
    parser.add_argument("--html-dir", help="export each executed notebook to HTML here")
    parser.add_argument("--timeout", type=int, default=900, help="per-cell timeout in seconds (default 900)")
    parser.add_argument("--summary", help="write {passed, failed, failures} as JSON here")
    parser.add_argument("--unit-results", help="vitest JSON report to add to the closing total (missing = 1 failure)")
    parser.add_argument("--extra-failures", type=int, default=0, help="failed stages to add to the closing total")
    args = parser.parse_args()

    root = Path(__file__).resolve().parents[2]
    log_dir = Path(tempfile.mkdtemp(prefix="telemetry-lab-kernel-"))
    passed, failed, failures = 0, 0, []
    for name in args.notebooks:
        path = Path(name).resolve()
        if not path.is_file():
            print(f"FAIL {name}: no such notebook", flush=True)
            failed += 1
            failures.append(f"{name}: no such notebook")
            continue
        ok, message = run_one(path, args, root, log_dir)
        if ok:
            passed += 1
        else:
            failed += 1
            failures.append(message)
    if args.summary:
        Path(args.summary).parent.mkdir(parents=True, exist_ok=True)
        Path(args.summary).write_text(json.dumps({"passed": passed, "failed": failed, "failures": failures}))
    print(f"notebooks: {passed} passed, {failed} failed", flush=True)
    if args.unit_results is not None or args.extra_failures:
        unit_passed, unit_failed = 0, 0
        try:
            report = json.loads(Path(args.unit_results).read_text()) if args.unit_results else None
        except (OSError, ValueError):
            report = None
        if report is None and args.unit_results:
            print(f"unit tests: no report at {args.unit_results} (counted as 1 failure)", flush=True)
            unit_failed = 1
        elif report is not None:
            unit_passed = report.get("numPassedTests", 0)
            unit_failed = report.get("numFailedTests", 0)
            if not report.get("success", False) and unit_failed == 0:
                unit_failed = 1  # a suite that failed to load has no failed test of its own
            print(f"unit tests: {unit_passed} passed, {unit_failed} failed, {report.get('numPendingTests', 0)} skipped", flush=True)
        if args.extra_failures:
            print(f"other stages failed: {args.extra_failures}", flush=True)
        total_failed = failed + unit_failed + args.extra_failures
        print(f"{passed + unit_passed} passed, {total_failed} failed", flush=True)
        sys.exit(1 if total_failed else 0)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

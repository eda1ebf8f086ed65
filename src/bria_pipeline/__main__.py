"""Command line: `python -m bria_pipeline generate|check-generated|update-specs [--root DIR]`.

Exit codes: 0 success, 1 the pipeline found problems (all listed), 2 `check-generated` found a
stale `generated/` tree. `update-specs` has its own: 0, 10, 20, 30, 40 (see `report.Outcome`).
"""

from __future__ import annotations

import argparse
import difflib
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from .build import build, is_up_to_date, replace_tree
from .problems import PipelineError
from .report import Outcome, render, summary
from .update import DEFAULT_TIMEOUT, EXIT_CODE_FILE, REPORT_FILE, update_specs

GENERATED = Path("generated")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bria_pipeline")
    parser.add_argument("command", choices=["generate", "check-generated", "update-specs"])
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="repository root (default: cwd)")
    parser.add_argument("--force", action="store_true", help="regenerate even if the inputs are unchanged")
    parser.add_argument(
        "--timeout",
        type=float,
        default=float(os.environ.get("SPEC_FETCH_TIMEOUT", DEFAULT_TIMEOUT)),
        help="update-specs: seconds allowed for each download, start to finish (env SPEC_FETCH_TIMEOUT)",
    )
    args = parser.parse_args(argv)
    root: Path = args.root.resolve()
    if args.command == "update-specs":
        return _update_specs(root, timeout=args.timeout)
    started = time.perf_counter()
    try:
        status = _generate(root, force=args.force) if args.command == "generate" else _check_generated(root)
    except PipelineError as exc:
        print(f"make generate failed with {len(exc.problems)} problem(s):", file=sys.stderr)
        for problem in exc.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    print(f"{args.command}: {time.perf_counter() - started:.2f}s")
    return status


def _generate(root: Path, *, force: bool) -> int:
    target = root / GENERATED
    if not force and is_up_to_date(root, target):
        print("generated/ is up to date with spec/, overlays/, codegen/ and the pipeline (use --force to rebuild)")
        return 0
    scratch = root / "build"
    scratch.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(dir=scratch, prefix="generate-") as tmp:
        staging = Path(tmp) / "generated"
        report = build(root, staging)
        replace_tree(staging, target)
    for name, results in report.actions.items():
        noop = [r for r in results if not r.changed]
        print(f"{name}: {len(results)} overlay actions applied, {len(noop)} changed nothing")
        for r in noop:
            print(f"  no-op: {r.action.where} — {r.action.description.splitlines()[0][:100]}")
    return 0


def _update_specs(root: Path, *, timeout: float) -> int:
    result = update_specs(root, environ=os.environ, timeout=timeout, today=date.today())
    report = render(result)
    (root / REPORT_FILE).parent.mkdir(parents=True, exist_ok=True)
    (root / REPORT_FILE).write_text(report, encoding="utf-8")
    # make can only exit 0 or 2, so `make update-specs` callers read the outcome from this file.
    (root / EXIT_CODE_FILE).write_text(f"{int(result.outcome)}\n", encoding="utf-8")
    failed = result.outcome in (Outcome.DRIFT, Outcome.UNAVAILABLE)
    print(report, file=sys.stderr if failed else sys.stdout)
    print(f"update-specs: {summary(result)}; report: {REPORT_FILE}", file=sys.stderr if failed else sys.stdout)
    return int(result.outcome)


def _check_generated(root: Path) -> int:
    with tempfile.TemporaryDirectory(prefix="bria-check-generated-") as tmp:
        fresh = Path(tmp) / "generated"
        build(root, fresh)
        differences = _diff_trees(fresh, root / GENERATED)
    if not differences:
        print("generated/ matches a fresh `make generate`")
        return 0
    print(f"generated/ is stale: {len(differences)} file(s) differ from a fresh `make generate`:", file=sys.stderr)
    for line in differences[:60]:
        print(f"  {line}", file=sys.stderr)
    print("Run `make generate` and commit the result (never edit generated/ by hand).", file=sys.stderr)
    return 2


def _diff_trees(expected: Path, actual: Path) -> list[str]:
    def files(base: Path) -> dict[str, bytes]:
        if not base.exists():
            return {}
        return {
            p.relative_to(base).as_posix(): p.read_bytes()
            for p in base.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts
        }

    want, have = files(expected), files(actual)
    lines: list[str] = []
    for name in sorted(want.keys() | have.keys()):
        if name not in have:
            lines.append(f"missing:    generated/{name}")
        elif name not in want:
            lines.append(f"unexpected: generated/{name}")
        elif want[name] != have[name]:
            diff = difflib.unified_diff(
                have[name].decode(errors="replace").splitlines(),
                want[name].decode(errors="replace").splitlines(),
                lineterm="",
                n=0,
            )
            changed = [d for d in diff if d[:1] in "+-" and d[:3] not in ("+++", "---")]
            first = changed[0][:100] if changed else ""
            lines.append(f"changed:    generated/{name} ({len(changed)} line(s); first: {first})")
    return lines


if __name__ == "__main__":
    sys.exit(main())

"""The whole pipeline: upstream specs + overlays -> validated effective specs -> generated packages.

`build(root, out)` writes a complete `generated/` tree into `out` and touches nothing else, so
`generate` can swap it in atomically and `check_generated` can diff it against the committed tree.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .codegen import format_python, generate_package
from .documents import load_document, write_json, write_yaml
from .facade import write_facades
from .layout import NAMESPACE_DIR, RESOURCES_DIR, SPECS_DIR, TYPES_FILE, SpecDocument, load_documents
from .overlay import ActionResult, apply_actions, load_overlay
from .problems import PipelineError, Problem
from .validation import validation_problems

FINGERPRINT_FILE = ".fingerprint"
# Every overlay action applied, per document, with what it fixes: the index a reviewer reads.
ACTIONS_FILE = "overlay-actions.md"
# Everything whose change can change generated/: inputs, pipeline code, and the locked tool versions.
PIPELINE_INPUTS = ("spec", "overlays", "codegen", "src/bria_pipeline", "uv.lock")


@dataclass
class BuildReport:
    actions: dict[str, list[ActionResult]] = field(default_factory=dict)


def effective_spec(root: Path, document: SpecDocument) -> tuple[object, list[ActionResult]]:
    """Upstream document with its overlays applied, in file-name order."""
    upstream = load_document(root / document.upstream)
    overlay_files = sorted((root / document.overlay_dir).glob("*.yaml"))
    actions = [a for path in overlay_files for a in load_overlay(path, str(path.relative_to(root)))]
    return apply_actions(upstream, actions)


def build(root: Path, out: Path) -> BuildReport:
    report = BuildReport()
    problems: list[Problem] = []
    documents = load_documents(root)
    effectives: dict[str, Any] = {}
    for document in documents:
        try:
            effective, results = effective_spec(root, document)
        except PipelineError as exc:
            problems.extend(exc.problems)
            continue
        effectives[document.name] = effective
        report.actions[document.name] = results
        problems += validation_problems(effective, str(document.effective))
        write_yaml(out / document.effective, effective)
        # The same effective spec, shipped in the wheel for bria.testing's fake server.
        write_json(out / document.shipped_spec, effective)
        contract_overlay = root / document.contract_overlay
        if contract_overlay.exists():
            try:
                actions = load_overlay(contract_overlay, str(document.contract_overlay))
                contract, _ = apply_actions(effective, actions)
            except PipelineError as exc:
                problems.extend(exc.problems)
                continue
            problems += validation_problems(contract, str(document.contract_effective))
            write_yaml(out / document.contract_effective, contract)
    if problems:
        raise PipelineError(problems)
    # One generator process per document, as many at once as there are cores: each writes its own
    # package directory, so the result does not depend on the order they finish in.
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        runs = [
            pool.submit(
                generate_package,
                out / document.effective,
                root / document.codegen_config,
                out / document.package_dir,
                f"generated/{document.effective.as_posix()}",
            )
            for document in documents
        ]
        for run in runs:
            problems += run.result()
    if problems:
        raise PipelineError(problems)
    problems += write_facades(root, out, documents, effectives)
    problems += format_python(out / RESOURCES_DIR)
    problems += format_python(out / TYPES_FILE)
    if problems:
        raise PipelineError(problems)
    # A regular package, so importlib.resources finds the files whether installed or editable.
    (out / SPECS_DIR / "__init__.py").write_text(
        '"""The effective specs as JSON package data (read by bria.testing; written by make generate)."""\n',
        encoding="utf-8",
    )
    (out / "README.md").write_text(_readme(documents), encoding="utf-8")
    (out / ACTIONS_FILE).write_text(_actions_table(report), encoding="utf-8")
    (out / FINGERPRINT_FILE).write_text(input_fingerprint(root) + "\n", encoding="utf-8")
    return report


def input_fingerprint(root: Path) -> str:
    digest = hashlib.sha256()
    for name in PIPELINE_INPUTS:
        base = root / name
        files = [base] if base.is_file() else sorted(p for p in base.rglob("*") if p.is_file())
        for path in files:
            if "__pycache__" in path.parts:
                continue
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def copy_pipeline_inputs(root: Path, destination: Path) -> Path:
    """Copy what a build reads into `destination`, making it a repository root of its own."""
    for name in PIPELINE_INPUTS:
        source = root / name
        if source.is_dir():
            shutil.copytree(source, destination / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / name)
    return destination


def is_up_to_date(root: Path, generated: Path) -> bool:
    stamp = generated / FINGERPRINT_FILE
    return stamp.exists() and stamp.read_text().strip() == input_fingerprint(root)


def replace_tree(new: Path, target: Path) -> None:
    """Swap `new` in for `target` so a reader never sees a half-written tree."""
    old = target.with_name(target.name + ".old")
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        target.rename(old)
    new.rename(target)
    if old.exists():
        shutil.rmtree(old)


def _actions_table(report: BuildReport) -> str:
    lines = [
        "# Overlay actions applied by `make generate`",
        "",
        "Written by the pipeline from `overlays/`; each row is one action: its file and number, its target, and",
        "the first sentence of its description (the whole description, with the evidence, is in the file).",
    ]
    for name, results in report.actions.items():
        lines += ["", f"## {name} ({len(results)} actions)", "", "| action | target | fixes |", "|---|---|---|"]
        for result in results:
            action = result.action
            first = " ".join(action.description.split()).split(". ")[0].rstrip(".")
            cells = [f"`{action.overlay}` #{action.index}", f"`{action.target}`", first]
            lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines) + "\n"


def _readme(documents: list[SpecDocument]) -> str:
    lines = [
        "# generated/ — written only by `make generate`",
        "",
        "Do not edit anything here by hand: change `spec/`, `overlays/`, `codegen/` or the pipeline",
        "(`src/bria_pipeline/`) and run `make generate`. `make check-generated` fails when this tree is stale.",
        "",
        "| document | effective spec | generated package |",
        "|---|---|---|",
    ]
    for d in documents:
        lines.append(f"| {d.name} | `{d.effective.as_posix()}` | `{d.package_dir.as_posix()}` |")
    lines += [
        "",
        f"`{NAMESPACE_DIR.as_posix()}/` is a portion of the `bria` package (no `__init__.py` here: `src/bria`",
        "extends its `__path__` to it, and the wheel merges both): `resources/` holds the typed facades the runtime",
        "exposes as `client.<document>`, `types.py` every model, `_generated/` the openapi-python-client packages,",
        "`_specs/<document>.json` each effective spec as package data (sorted keys) for `bria.testing`'s fake server.",
    ]
    return "\n".join(lines) + "\n"

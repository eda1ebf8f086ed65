"""`make update-specs`: did Bria change a published spec, and what does that mean for us and our users?

1. Fetch every document named in spec/sources.toml (URL overridable by `SPEC_<NAME>_URL`) and check
   each is an OpenAPI 3.x document. Any failure: exit 40, nothing on disk touched.
2. Compare sha256 with the vendored copy and its recorded hash. No difference: exit 0.
3. Build a complete new state in a scratch root (new upstream files + unchanged overlays, codegen
   config and pipeline): overlays applied, effective specs validated, packages generated. An overlay
   target that matches nothing, or an effective spec that no longer validates or generates, means
   the overlays need a human: exit 30, nothing on disk touched, the new upstream kept in
   build/update-specs/upstream/ to write the overlay against.
4. Diff the new effective specs and generated Python API against the committed ones, bump the
   version, and only then swap everything in: exit 20 if any change can break a client, else 10.

The report (markdown) always goes to build/update-specs/report.md; on 10 and 20 it also heads
CHANGELOG.md. The pull request body is that file.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from .api_diff import diff_python_api, package_names
from .build import build, copy_pipeline_inputs, replace_tree
from .changes import Change, is_breaking
from .documents import load_document
from .fetch import Fetched, fetch_spec
from .layout import SOURCES_FILE, SpecDocument, load_documents, with_sha256, with_url
from .problems import PipelineError, Problem
from .report import Move, Outcome, UpdateResult, UpstreamChange, render
from .spec_diff import diff_specs
from .validation import validation_problems
from .versioning import CHANGELOG_FILE, VERSION_FILE, bump, read_version, with_entry, with_version

WORK_DIR = Path("build/update-specs")
REPORT_FILE = WORK_DIR / "report.md"
EXIT_CODE_FILE = WORK_DIR / "exit-code"
UPSTREAM_COPIES = WORK_DIR / "upstream"
DEFAULT_TIMEOUT = 30.0


def update_specs(root: Path, *, environ: Mapping[str, str], timeout: float, today: date) -> UpdateResult:
    documents = load_documents(root)
    fetched: dict[str, tuple[str, Fetched]] = {}
    problems: list[Problem] = []
    skipped: list[str] = []
    for document in documents:
        # `SPEC_STATUS_URL=...` replaces the URL of document `status` (how tests serve specs from 127.0.0.1).
        url = environ.get(f"SPEC_{document.name.upper()}_URL", document.url)
        if url is None:
            # Reconstructed by hand (sources.toml has no `url`): nothing upstream to compare with. Skipping
            # it is not a failure, and the report names it so nobody takes it for checked.
            skipped.append(document.name)
            continue
        try:
            fetched[document.name] = (url, fetch_spec(url, document.upstream, timeout=timeout, label=document.name))
        except PipelineError as exc:
            problems += exc.problems
    if problems:
        return UpdateResult(Outcome.UNAVAILABLE, problems=problems, skipped=skipped, today=today)
    documents = [d for d in documents if d.name in fetched]
    # A permanent redirect from the recorded URL is recorded (an override such as SPEC_<NAME>_URL is not).
    moves = [
        Move(d.name, d.url, moved_to)
        for d in documents
        if (moved_to := fetched[d.name][1].moved_to) and fetched[d.name][0] == d.url
    ]
    upstream = [
        change
        for d in documents
        if (change := _upstream_change(root, d, fetched[d.name][0], fetched[d.name][1].content)) is not None
    ]
    if not upstream:
        if moves:
            # Same bytes at a new address: only the address changes, no release.
            sources = (root / SOURCES_FILE).read_text(encoding="utf-8")
            for move in moves:
                sources = with_url(sources, move.document, move.new_url)
            (root / SOURCES_FILE).write_text(sources, encoding="utf-8")
        return UpdateResult(Outcome.UP_TO_DATE, moves=moves, skipped=skipped, today=today)
    work = root / WORK_DIR
    work.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=work, prefix="staging-") as tmp:
        staging = copy_pipeline_inputs(root, Path(tmp) / "root")
        new_inputs = _new_inputs(root, upstream, moves)
        for relative, data in new_inputs.items():
            (staging / relative).write_bytes(data)
        upstream = [_with_faults(root, staging, change) for change in upstream]
        staged_generated = Path(tmp) / "generated"
        try:
            report = build(staging, staged_generated)
        except PipelineError as exc:
            _keep_upstream_copies(root, upstream)
            return UpdateResult(Outcome.DRIFT, upstream, problems=list(exc.problems), skipped=skipped, today=today)
        changes = _changes(root, staged_generated, documents)
        outcome = Outcome.BREAKING if is_breaking(changes) else Outcome.COMPATIBLE
        old_version = read_version((root / VERSION_FILE).read_text(encoding="utf-8"))
        result = UpdateResult(
            outcome,
            upstream,
            moves=moves,
            noop_actions=[r for results in report.actions.values() for r in results if not r.changed],
            changes=changes,
            skipped=skipped,
            old_version=old_version,
            new_version=bump(old_version, breaking=outcome is Outcome.BREAKING, additions=bool(changes)),
            today=today,
        )
        _commit(root, {**new_inputs, **_release_files(root, result)}, staged_generated)
    return result


def _upstream_change(root: Path, document: SpecDocument, url: str, content: bytes) -> UpstreamChange | None:
    vendored = root / document.upstream
    old = vendored.read_bytes() if vendored.exists() else b""
    new_sha256 = hashlib.sha256(content).hexdigest()
    if new_sha256 == document.sha256 == hashlib.sha256(old).hexdigest():
        return None
    return UpstreamChange(document, url, new_sha256, len(old), content)


def _with_faults(root: Path, staging: Path, change: UpstreamChange) -> UpstreamChange:
    def faults(path: Path) -> set[str]:
        if not path.exists():
            return set()
        problems = validation_problems(load_document(path), change.document.name)
        return {f"`{p.where}`: {p.detail}" for p in problems}

    old, new = faults(root / change.document.upstream), faults(staging / change.document.upstream)
    return replace(change, faults_fixed=tuple(sorted(old - new)), faults_new=tuple(sorted(new - old)))


def _new_inputs(root: Path, upstream: list[UpstreamChange], moves: list[Move]) -> dict[Path, bytes]:
    sources = (root / SOURCES_FILE).read_text(encoding="utf-8")
    files: dict[Path, bytes] = {}
    for change in upstream:
        files[change.document.upstream] = change.content
        sources = with_sha256(sources, change.document.name, change.new_sha256)
    for move in moves:
        sources = with_url(sources, move.document, move.new_url)
    files[SOURCES_FILE] = sources.encode("utf-8")
    return files


def _changes(root: Path, staged_generated: Path, documents: list[SpecDocument]) -> list[Change]:
    changes: list[Change] = []
    for document in documents:
        changes += diff_specs(
            document.name,
            _load_or_empty(root / "generated" / document.effective),
            _load_or_empty(staged_generated / document.effective),
        )
    changes += diff_python_api(root / "generated" / "python", staged_generated / "python", package_names(documents))
    return sorted(set(changes))


def _load_or_empty(path: Path) -> dict[str, Any]:
    document = load_document(path) if path.exists() else None
    return document if isinstance(document, dict) else {}


def _release_files(root: Path, result: UpdateResult) -> dict[Path, bytes]:
    version_text = (root / VERSION_FILE).read_text(encoding="utf-8")
    changelog_path = root / CHANGELOG_FILE
    changelog = changelog_path.read_text(encoding="utf-8") if changelog_path.exists() else ""
    return {
        VERSION_FILE: with_version(version_text, result.new_version).encode("utf-8"),
        CHANGELOG_FILE: with_entry(changelog, render(result)).encode("utf-8"),
    }


def _commit(root: Path, files: dict[Path, bytes], staged_generated: Path) -> None:
    """Write every file beside its target first, so a full disk fails before anything is replaced."""
    pending: list[tuple[Path, Path]] = []
    try:
        for relative, data in files.items():
            target = root / relative
            temporary = target.with_name(target.name + ".update-specs-tmp")
            temporary.write_bytes(data)
            pending.append((temporary, target))
    except OSError:
        for temporary, _ in pending:
            temporary.unlink(missing_ok=True)
        raise
    for temporary, target in pending:
        os.replace(temporary, target)
    replace_tree(staged_generated, root / "generated")


def _keep_upstream_copies(root: Path, upstream: list[UpstreamChange]) -> None:
    copies = root / UPSTREAM_COPIES
    shutil.rmtree(copies, ignore_errors=True)
    for change in upstream:
        target = copies / change.document.upstream
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(change.content)

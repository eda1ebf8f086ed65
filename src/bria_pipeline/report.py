"""What `make update-specs` found, and the markdown it becomes (report file, CHANGELOG entry, PR body)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import IntEnum
from itertools import groupby

from .changes import Change
from .layout import SpecDocument
from .overlay import ActionResult
from .problems import Problem

# GitHub refuses pull request bodies over 65,536 characters; long tables are cut well below that.
MAX_ROWS_PER_LEVEL = 150


class Outcome(IntEnum):
    """The exit code of `make update-specs`."""

    UP_TO_DATE = 0
    COMPATIBLE = 10
    BREAKING = 20
    DRIFT = 30
    UNAVAILABLE = 40


@dataclass(frozen=True)
class UpstreamChange:
    document: SpecDocument
    url: str
    new_sha256: str
    old_size: int
    content: bytes
    # Validator errors of the raw upstream document (before overlays): the faults that went away are
    # fixes upstream made, the new ones are faults an overlay may have to absorb.
    faults_fixed: tuple[str, ...] = ()
    faults_new: tuple[str, ...] = ()


@dataclass(frozen=True)
class Move:
    """A document whose URL answers with a permanent redirect, and where it now lives."""

    document: str
    old_url: str
    new_url: str


@dataclass
class UpdateResult:
    outcome: Outcome
    upstream: list[UpstreamChange] = field(default_factory=list)
    moves: list[Move] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    noop_actions: list[ActionResult] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    # Documents without an upstream URL (reconstructed by hand): not fetched, not compared.
    skipped: list[str] = field(default_factory=list)
    old_version: str = ""
    new_version: str = ""
    today: date = field(default_factory=date.today)


def summary(result: UpdateResult) -> str:
    """One line for the terminal and the CI log."""
    return _summary(result) + "".join(f"\n{line}" for line in _skipped(result.skipped))


def _skipped(names: list[str]) -> list[str]:
    if not names:
        return []
    return [
        f"skipped (no upstream URL in spec/sources.toml: reconstructed by hand, nothing to download): "
        f"{', '.join(names)}"
    ]


def _summary(result: UpdateResult) -> str:
    names = ", ".join(change.document.name for change in result.upstream)
    if result.outcome is Outcome.UP_TO_DATE:
        moved = f"; moved: {', '.join(m.document for m in result.moves)} (new URL recorded)" if result.moves else ""
        return f"up to date: every upstream document matches its vendored copy{moved} (exit 0)"
    if result.outcome is Outcome.UNAVAILABLE:
        problems = _count(len(result.problems), "problem")
        return f"upstream unreachable or invalid ({problems}): spec/ and generated/ untouched (exit 40)"
    if result.outcome is Outcome.DRIFT:
        return f"upstream changed ({names}) but the overlays no longer fit: nothing regenerated (exit 30)"
    kind = "breaking" if result.outcome is Outcome.BREAKING else "compatible"
    return (
        f"upstream changed ({names}): {kind} change regenerated, version {result.old_version} -> "
        f"{result.new_version} (exit {int(result.outcome)})"
    )


def render(result: UpdateResult) -> str:
    text = _render(result)
    return text + "".join(f"\n{line}\n" for line in _skipped(result.skipped))


def _render(result: UpdateResult) -> str:
    if result.outcome is Outcome.UP_TO_DATE:
        text = "## update-specs: up to date\n\nEvery upstream document matches its vendored copy (exit 0).\n"
        return text + "".join(f"\n{line}\n" for line in _moves(result.moves))
    if result.outcome is Outcome.UNAVAILABLE:
        return "\n".join(
            [
                "## update-specs: upstream unreachable or invalid (exit 40)",
                "",
                "Nothing was changed: `spec/` and `generated/` are exactly as they were. Try again later; if it",
                "persists, check the URL in `spec/sources.toml`.",
                "",
                *(f"- {_problem(p)}" for p in result.problems),
                "",
            ]
        )
    if result.outcome is Outcome.DRIFT:
        return _drift(result)
    return _regenerated(result)


def _regenerated(result: UpdateResult) -> str:
    breaking = [c for c in result.changes if c.breaking]
    kind = "breaking" if result.outcome is Outcome.BREAKING else "compatible"
    lines = [
        f"## {result.new_version} — {result.today.isoformat()}: {kind} upstream change",
        "",
        f"`make update-specs` exit {int(result.outcome)}. Bria changed"
        f" {_count(len(result.upstream), 'published document')}; the SDK was regenerated."
        f" {len(breaking)} of {_count(len(result.changes), 'change')} can break a client."
        f" Version {result.old_version} → {result.new_version}.",
        "",
        *_upstream_table(result.upstream),
        *(["", *_moves(result.moves)] if result.moves else []),
        "",
        "### 1. Effective spec (`generated/openapi/`)",
        "",
        *_changes_section(
            [c for c in result.changes if c.level == "spec"],
            "No operation, parameter, schema,"
            " status code or security requirement changed: the overlays absorbed the upstream edit.",
        ),
        "",
        "### 2. Python API, as downstream code imports it",
        "",
        *_changes_section(
            [c for c in result.changes if c.level == "python"],
            "No public function, model, attribute or parameter changed.",
        ),
        "",
        "### Overlay actions that now change nothing",
        "",
        *_noop_section(result.noop_actions),
        "",
        "### Validity of the raw upstream documents",
        "",
        *_faults_section(result.upstream),
        "",
        "### Reviewing this change",
        "",
        "- Each **breaking** row is something a client can notice. Either accept it (this entry's version bump says",
        "  so) or keep the old shape with an overlay action in `overlays/`, then run `make generate`.",
        "- Compare `spec/` in the diff with the source URL above; `generated/` is regenerated output, reviewed",
        "  through the two tables rather than line by line.",
        "- CI runs `make test` (contract suite included) on this branch; it must pass before merging.",
    ]
    return "\n".join(lines) + "\n"


def _drift(result: UpdateResult) -> str:
    drift = [p for p in result.problems if p.stage == "overlay"]
    other = [p for p in result.problems if p.stage != "overlay"]
    lines = [
        "## update-specs: overlay drift, nothing regenerated (exit 30)",
        "",
        f"Bria changed {_count(len(result.upstream), 'published document')}, and the overlays no longer fit it."
        " Nothing in `spec/` or `generated/` was changed.",
        "",
        *_upstream_table(result.upstream),
        "",
        "### Overlay actions whose target matches nothing",
        "",
        *(f"- {_problem(p)}" for p in drift),
        *([] if drift else ["None."]),
        "",
    ]
    if other:
        lines += ["### Other problems with the new effective spec", "", *(f"- {_problem(p)}" for p in other), ""]
    lines += ["### Validity of the raw upstream documents", "", *_faults_section(result.upstream), ""]
    lines += [
        "### What to do",
        "",
        "The new upstream documents are saved under `build/update-specs/upstream/` (same paths as in `spec/`).",
        "Rewrite each action above against them (a moved path usually means a new `target`), then run",
        "`make update-specs` again.",
    ]
    return "\n".join(lines) + "\n"


def _upstream_table(upstream: Iterable[UpstreamChange]) -> list[str]:
    rows = [
        "| document | vendored file | sha256 before | sha256 now | bytes before → now | fetched from |",
        "|---|---|---|---|---|---|",
    ]
    for change in upstream:
        rows.append(
            f"| {change.document.name} | `{change.document.upstream.as_posix()}` | `{change.document.sha256[:12]}` "
            f"| `{change.new_sha256[:12]}` | {change.old_size:,} → {len(change.content):,} | <{change.url}> |"
        )
    return rows


def _moves(moves: Iterable[Move]) -> list[str]:
    return [
        f"- `{m.document}` moved: <{m.old_url}> answers with a permanent redirect to <{m.new_url}>; "
        "`spec/sources.toml` now records the new URL."
        for m in moves
    ]


def _changes_section(changes: list[Change], when_empty: str) -> list[str]:
    if not changes:
        return [when_empty]
    lines: list[str] = []
    shown = sorted(changes, key=lambda c: (c.scope, not c.breaking, c.where, c.what))[:MAX_ROWS_PER_LEVEL]
    for scope, group in groupby(shown, key=lambda c: c.scope):
        rows = list(group)
        in_scope = [c for c in changes if c.scope == scope]
        broken = sum(c.breaking for c in in_scope)
        lines += [
            f"**{scope}**: {broken} breaking, {len(in_scope) - broken} compatible",
            "",
            "| | where | change |",
            "|---|---|---|",
            *(
                f"| {'**breaking**' if c.breaking else 'compatible'} | {_cell(c.where)} | {_cell(c.what)} |"
                for c in rows
            ),
            "",
        ]
    if len(changes) > MAX_ROWS_PER_LEVEL:
        lines.append(f"… and {len(changes) - MAX_ROWS_PER_LEVEL} more, not shown (breaking rows come first).")
    return lines


def _noop_section(noop_actions: list[ActionResult]) -> list[str]:
    if not noop_actions:
        return ["None: every overlay action still fixes something upstream."]
    lines = [
        "Upstream seems to have fixed what these actions fix. They are candidates to delete;",
        "`tests/pipeline/test_overlay_actions.py` (one guard test per action) fails until they are.",
        "",
    ]
    for result in noop_actions:
        action = result.action
        first_line = action.description.strip().splitlines()[0]
        lines.append(f"- `{action.overlay}` action #{action.index} (`{action.target}`): {first_line}")
    return lines


def _faults_section(upstream: Iterable[UpstreamChange]) -> list[str]:
    lines: list[str] = []
    for change in upstream:
        name = change.document.name
        lines += [f"- {name}: validator error fixed upstream: {fault}" for fault in change.faults_fixed]
        lines += [
            f"- {name}: new validator error upstream (an overlay absorbs it): {fault}" for fault in change.faults_new
        ]
    if any(change.faults_fixed for change in upstream):
        lines.append(
            "\n`tests/pipeline/test_upstream_guards.py` pins the known upstream faults and fails until it is updated;"
            " the overlay actions that fixed a fault that is gone can probably go."
        )
    return lines or ["No validator error appeared or went away in the raw upstream documents."]


def _problem(problem: Problem) -> str:
    return f"`{problem.where}`: {problem.detail}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"

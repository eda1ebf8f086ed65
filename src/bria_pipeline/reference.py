"""The API reference site's pages, written from the SDK itself: `make docs` runs this, then `mkdocs build --strict`.

Nothing here reads a spec. Every fact comes from what users import, so the reference cannot drift from the
SDK: the documents are the properties of `bria.resources.SyncDocuments`, the operations are the `Operation`
records of each `bria.resources.<document>` module (rules, required arguments, image slots, either/or and
not-together groups, job or not, deprecation), the arguments and return types come from `inspect.signature`
and `typing.get_overloads` of the facade methods, their prose from the methods' docstrings, and the errors
from the runtime's own status mapping (`bria._exceptions.status_error`) applied to the statuses the bound
generated parser documents. The guides are the repository's Markdown files, copied with their links fixed.

    python -m bria_pipeline.reference OUT     # OUT/mkdocs.yml (inherits ./mkdocs.yml) and OUT/pages/
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import inspect
import json
import os
import posixpath
import re
import shutil
import subprocess
import sys
import typing
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import httpx
import yaml
from bria.resources import SyncDocuments

import bria
from bria import _exceptions
from bria._operation import ImageSlot, Operation, Rule
from bria._resource import split_docstring as facade_docstring

REPO_ROOT = Path(__file__).resolve().parents[2]
# Where a guide's link to a repository file that is not a page of the site goes (the project's own URLs,
# as in pyproject.toml's [project.urls]).
SOURCE_URL = "https://github.com/bria-openapi/bria-openapi/blob/main/"

# Repository file -> (page, navigation title). PACKAGE.md is the users' guide, README.md the maintainers'.
GUIDES: dict[str, tuple[str, str]] = {
    "PACKAGE.md": ("guide/users.md", "Users' guide"),
    "README.md": ("guide/maintainers.md", "Maintainers' guide"),
    "overlays/README.md": ("guide/overlays.md", "Overlays"),
    "contract_tests/README.md": ("guide/contract-tests.md", "Contract tests"),
    "CHANGELOG.md": ("changelog.md", "Changelog"),
}
ERRORS_PAGE = "reference/errors.md"
CLI_PAGE = "cli.md"

# The arguments every waiting facade method adds to the operation's own (`_resource.SyncResource._call`).
WAIT_ARGUMENTS = {
    "wait": "`True`: submit the job and return its finished result. `False`: return the `bria.Job` handle at "
    "once (`request_id`, `status_url`); `client.wait(job)` waits for it later.",
    "max_wait": "Seconds to wait for the result (default 300, `None` for that default); past it a "
    "`JobTimeoutError` is raised. The HTTP timeout of each request is the client's `timeout`.",
}


@dataclass(frozen=True)
class Argument:
    name: str
    # The annotation as users write it: without the generated package's `Unset` sentinel.
    type: str
    # How the default reads in the table ("not sent", "True", ...), or None when the argument is required.
    default: str | None
    required: bool
    constraints: tuple[str, ...]
    description: str


@dataclass(frozen=True)
class Raises:
    exception: str
    when: str


@dataclass(frozen=True)
class OperationPage:
    operation: Operation
    summary: str
    description: str
    arguments: tuple[Argument, ...]
    # (when, annotation) pairs: one per overload of `wait`, else a single ("", annotation).
    returns: tuple[tuple[str, str], ...]
    returns_note: str
    raises: tuple[Raises, ...]
    rules: tuple[str, ...]
    signature: str

    @property
    def page(self) -> str:
        return f"reference/{self.operation.document}/{self.operation.name}.md"


@dataclass(frozen=True)
class DocumentPage:
    name: str
    summary: str
    deprecated: bool
    sync_class: str
    operations: tuple[OperationPage, ...]

    @property
    def page(self) -> str:
        return f"reference/{self.name}/index.md"


# ---------------------------------------------------------------------------------------------------------
# Reading the SDK


def document_names() -> list[str]:
    """The documents in the order the client lists them: the cached properties of `SyncDocuments`."""
    return [name for name, value in vars(SyncDocuments).items() if isinstance(value, cached_property)]


def operations_of(module: object) -> list[Operation]:
    """A facade module's `Operation` records, each once (`status.JOB_STATUS` is another name for one)."""
    unique = {id(value): value for value in vars(module).values() if isinstance(value, Operation)}
    return sorted(unique.values(), key=lambda operation: operation.name)


def collect() -> list[DocumentPage]:
    documents = []
    for name in document_names():
        prop = vars(SyncDocuments)[name]
        # The property's return annotation names the facade class (`-> ImageEditing`).
        class_name = str(prop.func.__annotations__["return"]).strip("'\"")
        module = importlib.import_module(f"bria.resources.{name}")
        facade = getattr(module, class_name)
        summary = inspect.getdoc(prop.func) or ""
        pages = tuple(
            describe_operation(operation, getattr(facade, operation.name)) for operation in operations_of(module)
        )
        documents.append(DocumentPage(name, summary, "(deprecated)" in summary, class_name, pages))
    return documents


def describe_operation(operation: Operation, method: Callable[..., Any]) -> OperationPage:
    summary, description, documented, trailer = split_docstring(inspect.getdoc(method) or "")
    signature = inspect.signature(method)
    rules = {rule.parameter: rule for rule in operation.rules}
    slots = {slot.parameter: slot for slot in operation.images}
    arguments = []
    for parameter in signature.parameters.values():
        if parameter.name == "self":
            continue
        required = parameter.default is inspect.Parameter.empty
        if parameter.name in WAIT_ARGUMENTS and operation.is_job:
            text = WAIT_ARGUMENTS[parameter.name]
        else:
            text = documented.get(parameter.name, "")
        arguments.append(
            Argument(
                name=parameter.name,
                type=clean_annotation(str(parameter.annotation)),
                default=None if required else show_default(parameter.default, operation.unset),
                required=required or parameter.name in operation.required,
                constraints=constraints_of(
                    parameter.name, rules.get(parameter.name), slots.get(parameter.name), operation
                ),
                description=text,
            )
        )
    return OperationPage(
        operation=operation,
        summary=summary.rstrip("."),
        description=description,
        arguments=tuple(arguments),
        returns=returns_of(method, signature),
        returns_note=trailer,
        raises=raises_of(operation),
        rules=group_rules(operation),
        signature=f"def {operation.name}{signature}".replace("'", ""),
    )


def split_docstring(doc: str) -> tuple[str, str, dict[str, str], str]:
    """`bria._resource.split_docstring`, except that a docstring without `Args:` is all closing note."""
    summary, description, arguments, trailer = facade_docstring(doc)
    if not arguments and "Args:" not in doc.splitlines():
        description, trailer = "", description
    return summary, description, arguments, trailer


def split_union(annotation: str) -> list[str]:
    """The members of a `|` union, not splitting inside brackets (`Literal["a", "b"]`, `Sequence[X]`)."""
    members, depth, current = [], 0, ""
    for char in annotation:
        depth += char in "[("
        depth -= char in "])"
        if char == "|" and depth == 0:
            members.append(current.strip())
            current = ""
        else:
            current += char
    members.append(current.strip())
    return [member for member in members if member]


def clean_annotation(annotation: str) -> str:
    # `Unset` is how the generated package spells "not given": a default, never a value users pass. An enum's
    # `Literal[...]` reads as its values' type: the values themselves are listed as a constraint.
    members = []
    for member in split_union(annotation.strip("'\"")):
        if member.startswith("Literal["):
            values = [value.strip() for value in member.removeprefix("Literal[").removesuffix("]").split(",")]
            member = " | ".join(dict.fromkeys(_literal_type(value) for value in values if value))
        if member != "Unset" and member not in members:
            members.append(member)
    return " | ".join(members)


def _literal_type(value: str) -> str:
    if value[:1] in "'\"":
        return "str"
    if value in ("True", "False"):
        return "bool"
    return "float" if "." in value else "int"


def show_default(default: object, unset: object) -> str:
    if default is unset:
        # The server applies its own default (the description says which, where the spec does).
        return "not sent"
    return f"`{default!r}`"


def constraints_of(name: str, rule: Rule | None, slot: ImageSlot | None, operation: Operation) -> tuple[str, ...]:
    found: list[str] = []
    if rule is not None:
        if rule.enum is not None:
            found.append("one of " + ", ".join(f"`{json.dumps(value)}`" for value in rule.enum))
        found.extend(_bounds("value", rule.minimum, rule.maximum))
        found.extend(_bounds("length", rule.min_length, rule.max_length))
        found.extend(_bounds("items", rule.min_items, rule.max_items))
    if slot is not None:
        formats = ", ".join(kind.upper() for kind in slot.accept)
        wires = " or ".join(sorted({field.wire for field in slot.fields}))
        found.append(f"{'images' if slot.many else 'image'}: {formats}, at most 12 MB; sent as {wires}")
    for group in operation.one_of_required:
        if name in group:
            others = [" and ".join(f"`{n}`" for n in g) for g in operation.one_of_required if g != group]
            if others:
                found.append("either/or: give this or " + " or ".join(others))
    for group in operation.mutually_exclusive:
        if name in group:
            found.append("not together with " + ", ".join(f"`{n}`" for n in group if n != name))
    if name == "sync" and operation.sync_flag == name:
        found.append("not with `wait=False`")
    return tuple(found)


def _bounds(what: str, low: float | None, high: float | None) -> list[str]:
    def number(value: float) -> str:
        return str(int(value)) if float(value).is_integer() else str(value)

    if low is not None and high is not None:
        return [f"{number(low)} ≤ {what} ≤ {number(high)}"]
    if low is not None:
        return [f"{what} ≥ {number(low)}"]
    if high is not None:
        return [f"{what} ≤ {number(high)}"]
    return []


def group_rules(operation: Operation) -> tuple[str, ...]:
    rules = []
    if operation.one_of_required:
        options = " or ".join("(" + " and ".join(f"`{n}`" for n in group) + ")" for group in operation.one_of_required)
        rules.append(f"Give at least one of: {options}.")
    for group in operation.mutually_exclusive:
        rules.append("Do not give all of " + ", ".join(f"`{n}`" for n in group) + " together.")
    return tuple(rules)


def returns_of(method: Callable[..., Any], signature: inspect.Signature) -> tuple[tuple[str, str], ...]:
    overloads = typing.get_overloads(method)
    if not overloads:
        return (("", clean_annotation(str(signature.return_annotation))),)
    found = []
    for overload in overloads:
        wait = inspect.signature(overload).parameters["wait"]
        when = str(wait.annotation).strip("'\"")
        if when.startswith("Literal["):
            when = f"`wait={when.removeprefix('Literal[').removesuffix(']')}`"
        else:
            when = f"`wait: {when}`"
        if wait.default is True:
            when += " (the default)"
        found.append((when, clean_annotation(str(inspect.signature(overload).return_annotation))))
    return tuple(found)


def return_models(op: OperationPage) -> list[str]:
    """The generated models a call can return, by name: users import them from `bria.types` to annotate."""
    import bria.types

    names = {word for _, annotation in op.returns for word in re.findall(r"[A-Za-z_]\w*", annotation)}
    return sorted(name for name in names if name in vars(bria.types) and isinstance(vars(bria.types)[name], type))


def documented_statuses(operation: Operation) -> list[int]:
    """The status codes the operation's generated parser handles: what its spec documents. A `5XX` range
    is read as 500 (the mapping gives every 5xx but 506 the same class)."""
    source = inspect.getsource(operation.parse_response)
    codes = {int(code) for code in re.findall(r"response\.status_code == (\d{3})\b", source)}
    codes |= {int(digit) * 100 for digit in re.findall(r"(\d)00 <= response\.status_code <= \d99", source)}
    return sorted(codes)


def status_class(code: int, operation: Operation) -> type[Exception] | None:
    """The exception the runtime raises for an answer with this status (None: not an error)."""
    error = _exceptions.status_error(httpx.Response(code), operation.failure_statuses)
    return None if error is None else type(error)


def raises_of(operation: Operation) -> tuple[Raises, ...]:
    found = [
        Raises(
            "ParameterError",
            "Before anything is sent: a missing required argument, a value of the wrong type, or one that breaks "
            "a constraint or rule above.",
        )
    ]
    if operation.images:
        formats = sorted({kind.upper() for slot in operation.images for kind in slot.accept})
        found.append(
            Raises(
                "ImageInputError",
                "Before anything is sent: a local image that does not exist, is larger than 12 MB or is not a "
                f"{', '.join(formats)} by its bytes.",
            )
        )
    by_class: dict[str, list[str]] = {}
    for code in documented_statuses(operation):
        cls = status_class(code, operation)
        if cls is not None:
            label = "5xx" if code == 500 and cls is _exceptions.InternalServerError else str(code)
            by_class.setdefault(cls.__name__, []).append(label)
    for name, codes in by_class.items():
        text = f"The API answered HTTP {', '.join(codes)} (documented)."
        if name == "UnprocessableEntityError":
            found.append(Raises("ContentModerationError", "HTTP 422 whose message is about content moderation."))
        found.append(Raises(name, text))
    found.append(
        Raises(
            "APIStatusError",
            "Any other error status, as the subclass the status maps to (see [Errors](../errors.md)).",
        )
    )
    found.append(Raises("APIConnectionError", "No usable answer: connection refused, reset, or a protocol error."))
    found.append(Raises("APITimeoutError", "The request timed out (after the safe retries)."))
    found.append(Raises("APIResponseValidationError", "A success status whose body is not what the spec documents."))
    if operation.is_job:
        found.append(Raises("JobFailedError", "With `wait=True`: the job ended in `ERROR` (or `UNKNOWN`)."))
        found.append(Raises("JobTimeoutError", "With `wait=True`: the job did not finish within `max_wait` seconds."))
        found.append(
            Raises("UnsafeURLError", "The answer's `status_url` is not on the API host (the token stays home).")
        )
    if operation.is_job or operation.result_url or operation.image_result:
        found.append(
            Raises("DownloadError", "From the result's `download()` / `read()`: the result URL answered an error.")
        )
    return tuple(found)


# ---------------------------------------------------------------------------------------------------------
# Writing Markdown


def cell(text: str) -> str:
    """Text for one Markdown table cell: one line, `|` escaped outside code spans (inside them it is literal)."""
    parts = " ".join(text.split()).split("`")
    return "`".join(part if index % 2 else part.replace("|", "\\|") for index, part in enumerate(parts))


def prose(text: str) -> str:
    """Spec prose for a page: a link that is neither absolute nor mail becomes its text (Bria's own pages
    link `#tag/...` anchors of their reference, which do not exist here)."""
    return re.sub(r"\[([^\]]*)\]\((?!https?://|mailto:)[^)]*\)", r"\1", text)


def error_link(name: str, page: str) -> str:
    target = posixpath.relpath(ERRORS_PAGE, posixpath.dirname(page))
    return f"[`{name}`]({target}#{name.lower()})"


def render_operation(document: DocumentPage, op: OperationPage) -> str:
    operation = op.operation
    kind = "v2 job (waited for)" if operation.is_job else "answers at once"
    lines = [
        # The table of contents would take a third of the width the argument table needs.
        "---",
        "hide:",
        "  - toc",
        "---",
        "",
        f"# {operation.qualified_name}",
        "",
        f"**{prose(op.summary)}.**" if op.summary else "",
        "",
        f"`client.{operation.qualified_name}(...)` on `bria.Bria`, `await client.{operation.qualified_name}(...)`"
        f" on `bria.AsyncBria` · **{operation.method}** `{operation.path_prefix}{operation.path}` · {kind}",
        "",
    ]
    if operation.deprecated:
        lines += ['!!! warning "Deprecated"', "", f"    {prose(operation.deprecated)}", ""]
    lines += ["## Arguments", ""]
    if op.arguments:
        # Three columns: the spec's prose needs the width, so name/required and type/default share cells.
        lines += ["| Argument | Type and default | Description |", "|---|---|---|"]
        for argument in op.arguments:
            name = f"`{argument.name}`" + ("<br>**required**" if argument.required else "")
            default = "" if argument.default is None else f"<br>default: {cell(argument.default)}"
            constraints = "".join(f"<br>*{cell(prose(c))}*" for c in argument.constraints)
            description = cell(prose(argument.description)) or "—"
            lines.append(f"| {name} | `{argument.type}`{default} | {description}{constraints} |")
        lines.append("")
        lines.append("All arguments are keyword-only. An argument left at *not sent* is not part of the request.")
    else:
        lines.append("None.")
    lines.append("")
    if op.rules:
        lines += ["### Rules", "", *(f"- {rule}" for rule in op.rules), ""]
    lines += ["## Returns", ""]
    if len(op.returns) == 1 and not op.returns[0][0]:
        lines.append(f"`{op.returns[0][1]}`")
    else:
        lines += [f"- {when}: `{annotation}`" for when, annotation in op.returns]
    if op.returns_note:
        lines += ["", prose(" ".join(op.returns_note.split()))]
    models = return_models(op)
    if models:
        lines += ["", "From `bria.types`: " + ", ".join(f"`{name}`" for name in models) + "."]
    lines += ["", "## Raises", "", "| Exception | When |", "|---|---|"]
    lines += [f"| {error_link(r.exception, op.page)} | {cell(prose(r.when))} |" for r in op.raises]
    lines += ["", "All of them derive from `bria.BriaError`."]
    if op.description:
        lines += ["", "## Description", "", prose(op.description)]
    lines += ["", "## Signature", "", "```python", op.signature, "```", ""]
    return "\n".join(lines)


def render_document(document: DocumentPage) -> str:
    lines = [f"# {document.name}", "", prose(document.summary), ""]
    if document.deprecated:
        lines += [
            '!!! warning "Deprecated"',
            "",
            "    Every call emits a `DeprecationWarning` naming its replacement.",
            "",
        ]
    lines += [
        f"`client.{document.name}` on `bria.Bria` (`{document.sync_class}`) and on `bria.AsyncBria`: "
        f"{len(document.operations)} operations.",
        "",
        "| Operation | Summary | HTTP | Kind |",
        "|---|---|---|---|",
    ]
    for op in document.operations:
        operation = op.operation
        kind = "job" if operation.is_job else "result URL" if operation.result_url else "answer"
        if operation.deprecated:
            kind += ", deprecated"
        lines.append(
            f"| [`{operation.name}`]({operation.name}.md) | {cell(prose(op.summary))} |"
            f" {operation.method} `{operation.path_prefix}{operation.path}` | {kind} |"
        )
    return "\n".join(lines) + "\n"


def render_reference_index(documents: Sequence[DocumentPage]) -> str:
    total = sum(len(d.operations) for d in documents)
    lines = [
        "# API reference",
        "",
        f"{len(documents)} documents, {total} operations. Each operation is a method of `client.<document>`; "
        "its page lists every argument (type, default, enum values, constraints, either/or and not-together "
        "rules), what it returns and what it can raise ([Errors](errors.md)).",
        "",
        "| Document | Operations | |",
        "|---|---|---|",
    ]
    for document in documents:
        note = "deprecated" if document.deprecated else ""
        lines.append(f"| [`{document.name}`]({document.name}/index.md) | {len(document.operations)} | {note} |")
    return "\n".join(lines) + "\n"


def exception_classes() -> list[type[BaseException]]:
    exported = (getattr(bria, name) for name in bria.__all__)
    return [value for value in exported if isinstance(value, type) and issubclass(value, bria.BriaError)]


def render_errors() -> str:
    classes = exception_classes()
    codes: dict[type[BaseException], list[int]] = {}
    for code in range(400, 600):
        error = _exceptions.make_status_error(httpx.Response(code))
        codes.setdefault(type(error), []).append(code)
    lines = [
        "# Errors",
        "",
        "Every error the SDK raises derives from `bria.BriaError` and is importable from `bria`. Errors "
        "marked *before sending* are raised before any request is made.",
        "",
    ]

    def walk(cls: type[BaseException], depth: int) -> Iterable[str]:
        status = codes.get(cls, [])
        if cls is bria.APIStatusError:
            where = " (any error status without a class of its own, and an operation's documented 2xx failures)"
        elif len(status) > 10:
            where = f" (HTTP {status[0]} to {status[-1]} without a class of their own)"
        elif status:
            where = f" (HTTP {', '.join(map(str, status))})"
        else:
            where = ""
        yield f"{'    ' * depth}- [`{cls.__name__}`](#{cls.__name__.lower()}){where}"
        for child in classes:
            if child.__bases__[0] is cls:
                yield from walk(child, depth + 1)

    lines += list(walk(bria.BriaError, 0))
    lines.append("")
    for cls in classes:
        bases = ", ".join(f"`{base.__name__}`" for base in cls.__bases__)
        lines += [
            f"## {cls.__name__} {{#{cls.__name__.lower()}}}",
            "",
            f"Bases: {bases}",
            "",
            inspect.getdoc(cls) or "",
            "",
        ]
    return "\n".join(lines)


def render_cli(documents: Sequence[str]) -> str:
    lines = ["# Command line", ""]
    if importlib.util.find_spec("bria.cli") is None:
        lines += [
            '!!! note "Not installed"',
            "",
            "    The `bria` command-line interface is not installed in this build: `bria.cli` cannot be "
            "imported, so there is no help text to show. Once it is part of the package, this page lists "
            "`bria --help` and `bria <document> --help` for every document.",
            "",
        ]
        return "\n".join(lines)
    lines += ["The `bria` command (`python -m bria.cli`): its own help, then each document's.", ""]
    lines += ["## bria", "", "```text", cli_help(["--help"]).rstrip(), "```", ""]
    for document in documents:
        command, text = document_help(document)
        lines += [f"## bria {command}", "", "```text", text.rstrip(), "```", ""]
    return "\n".join(lines)


def document_help(document: str) -> tuple[str, str]:
    """(subcommand, help) of one document: the CLI may spell it as the client does or with dashes."""
    spellings = dict.fromkeys([document, document.replace("_", "-")])
    failures = []
    for spelling in spellings:
        try:
            return spelling, cli_help([spelling, "--help"])
        except RuntimeError as error:
            failures.append(str(error))
    raise RuntimeError("; ".join(failures))


def cli_help(arguments: list[str]) -> str:
    # A fixed width so the page does not depend on the terminal that ran `make docs`.
    environment = {**os.environ, "COLUMNS": "100", "NO_COLOR": "1"}
    command = [sys.executable, "-m", "bria.cli", *arguments]
    result = subprocess.run(command, capture_output=True, text=True, env=environment, timeout=120, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command[1:])} exited {result.returncode}: {result.stderr.strip()}")
    return result.stdout


def render_guide(source: str, text: str) -> str:
    """A guide with its relative links pointing at the site's pages, or at the repository for other files."""
    page = GUIDES[source][0]

    def fix(match: re.Match[str]) -> str:
        label, target = match.group(1), match.group(2)
        if re.match(r"[a-z]+:|#", target):
            return match.group(0)
        path, _, anchor = target.partition("#")
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(source), path))
        if resolved in GUIDES:
            new = posixpath.relpath(GUIDES[resolved][0], posixpath.dirname(page))
        else:
            new = SOURCE_URL + resolved
        return f"[{label}]({new}{'#' + anchor if anchor else ''})"

    return re.sub(r"\[([^\]]*)\]\(([^)\s]+)\)", fix, text)


def navigation(documents: Sequence[DocumentPage]) -> list[Any]:
    reference: list[Any] = [{"Overview": "reference/index.md"}]
    for document in documents:
        entries: list[Any] = [{"Overview": document.page}]
        entries += [{op.operation.name: op.page} for op in document.operations]
        reference.append({document.name: entries})
    reference.append({"Errors": ERRORS_PAGE})
    return [
        {"Home": "index.md"},
        {"Guides": [{title: page} for source, (page, title) in GUIDES.items() if source != "CHANGELOG.md"]},
        {"API reference": reference},
        {"Command line": CLI_PAGE},
        {"Changelog": GUIDES["CHANGELOG.md"][0]},
    ]


def write_site(out: Path, site: Path, repo: Path = REPO_ROOT) -> int:
    """Write `out/pages/` and `out/mkdocs.yml` (building into `site`); the number of pages written."""
    pages_dir = out / "pages"
    if pages_dir.exists():
        shutil.rmtree(pages_dir)
    # The hand-written pages and assets (home page, stylesheet) live in docs/.
    shutil.copytree(repo / "docs", pages_dir, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    documents = collect()
    pages: dict[str, str] = {
        "reference/index.md": render_reference_index(documents),
        ERRORS_PAGE: render_errors(),
        CLI_PAGE: render_cli([d.name for d in documents]),
    }
    for source in GUIDES:
        pages[GUIDES[source][0]] = render_guide(source, (repo / source).read_text(encoding="utf-8"))
    for document in documents:
        pages[document.page] = render_document(document)
        for op in document.operations:
            pages[op.page] = render_operation(document, op)
    for name, text in pages.items():
        path = pages_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    config = {
        # Everything but the paths and the navigation is in the repository's mkdocs.yml.
        "INHERIT": os.path.relpath(repo / "mkdocs.yml", out),
        "docs_dir": "pages",
        "site_dir": os.path.relpath(site, out),
        "nav": navigation(documents),
    }
    (out / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return len(pages)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bria_pipeline.reference", description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder for mkdocs.yml and pages/ (e.g. build/docs-src)")
    parser.add_argument("--site", type=Path, default=REPO_ROOT / "build" / "docs", help="where mkdocs builds")
    arguments = parser.parse_args(argv)
    count = write_site(arguments.out.resolve(), arguments.site.resolve())
    print(f"wrote {count} pages to {arguments.out / 'pages'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""argparse parsers built from the catalog: `bria`, `bria <document>`, `bria <document> <operation>`.

Only the document and operation named on the command line get their full parsers (the others are listed
with their summaries), so `bria --help` imports no facade and `bria <document> --help` imports one.
Help is formatted at a fixed width when stdout is not a terminal, so generated reference pages do not
depend on the terminal they were built in.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
from collections.abc import Callable, Sequence
from typing import Any

from . import _catalog
from ._catalog import OperationInfo, Param

PROG = "bria"
# Operation parser destinations are prefixed, so an operation argument can never shadow a command option.
ARG_PREFIX = "arg:"
DEFAULT_CONCURRENCY = 8
PLANS = ("free", "pay-as-you-go", "enterprise")

EXIT_CODES = """\
exit codes:
  0    success
  1    a local failure (e.g. an output file could not be written)
  2    usage error: bad arguments, or an argument the SDK rejected before sending (ParameterError,
       ImageInputError), or a missing BRIA_API_TOKEN
  3    API error: an error status, no answer, an answer that does not match the spec, a failed download
  4    job failure: the job ended in ERROR (JobFailedError) or did not finish in time (JobTimeoutError)
  5    batch: at least one input failed (see outcomes.jsonl); the others ran
  130  interrupted (Ctrl-C): a batch records its submitted jobs and resumes them when rerun"""

ENVIRONMENT = """\
environment:
  BRIA_API_TOKEN     the API token (required to call; never printed)
  BRIA_BASE_URL      the host root (default https://engine.prod.bria-api.com)
  BRIA_POLL_HISTORY  where learned job durations are kept ("off" to disable)"""


def _width() -> int:
    if sys.stdout.isatty():
        return max(60, min(shutil.get_terminal_size().columns, 120))
    return 100


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the hand-made layout of descriptions and epilogs, wraps argument help, fixed width off a TTY."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, width=_width(), max_help_position=32)
        # argparse sizes the help column before it indents sub-commands, so short lists of documents or
        # operations would put every summary on its own line: start from the column actually used.
        self._action_max_length = 30


def _new_parser(prog: str, **kwargs: Any) -> argparse.ArgumentParser:
    return argparse.ArgumentParser(prog=prog, formatter_class=_Formatter, allow_abbrev=False, **kwargs)


def normalize_flags(argv: Sequence[str]) -> list[str]:
    """`--mask_type x` / `--mask_type=x` as `--mask-type`: the SDK's spelling works as well as the CLI's."""
    normalized = []
    for word in argv:
        if word.startswith("--") and len(word) > 2:
            flag, sep, value = word.partition("=")
            word = flag.replace("_", "-") + sep + value
        normalized.append(word)
    return normalized


def split_command(argv: Sequence[str]) -> tuple[str | None, str | None]:
    """The document and operation named in argv (the first two words that are not options), if any."""
    words = [word for word in argv if not word.startswith("-")]
    return (words[0] if words else None), (words[1] if len(words) > 1 else None)


def build_parser(document: str | None = None, operation: str | None = None) -> argparse.ArgumentParser:
    """The `bria` parser; `document` (and `operation`) get their full sub-parsers, the others a stub."""
    from bria import __version__

    parser = _new_parser(
        PROG,
        description="Call any operation of Bria's API, one input or a batch. "
        "`bria <document> --help` lists a document's operations.",
        epilog=f"{ENVIRONMENT}\n\n{EXIT_CODES}",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s (bria-openapi) {__version__}")
    subparsers = parser.add_subparsers(dest="document", metavar="<document>", title="documents")
    subparsers.required = True
    for doc in _catalog.documents():
        summary = doc.summary.removesuffix(".")
        if doc.name != document:
            subparsers.add_parser(doc.name, help=summary)
            continue
        doc_parser = subparsers.add_parser(
            doc.name,
            help=summary,
            description=f"{summary}. `bria {doc.name} <operation> --help` shows an operation's arguments.",
            formatter_class=_Formatter,
            allow_abbrev=False,
            epilog=EXIT_CODES,
        )
        _add_operations(doc_parser, doc.name, operation)
    return parser


def _add_operations(parser: argparse.ArgumentParser, document: str, selected: str | None) -> None:
    ops = parser.add_subparsers(dest="operation", metavar="<operation>", title="operations")
    ops.required = True
    for info in _catalog.operations(document):
        summary = info.summary.removesuffix(".")
        if info.operation.deprecated:
            summary = f"(deprecated) {summary}"
        if info.name != selected:
            ops.add_parser(info.name, help=summary)
            continue
        op_parser = ops.add_parser(
            info.name,
            help=summary,
            description=_description(info),
            epilog=_epilog(info),
            formatter_class=_Formatter,
            allow_abbrev=False,
        )
        add_operation_arguments(op_parser, info)


def operation_parser(document: str, operation: str) -> argparse.ArgumentParser:
    """The parser of one operation alone, as `bria <document> <operation>` uses it (tests, docs)."""
    info = _catalog.operation(document, operation)
    if info is None:
        raise LookupError(f"{document} has no operation {operation}")
    parser = _new_parser(f"{PROG} {document} {operation}", description=_description(info), epilog=_epilog(info))
    add_operation_arguments(parser, info)
    return parser


def _description(info: OperationInfo) -> str:
    parts = [info.summary]
    if info.operation.deprecated:
        parts.append(f"DEPRECATED: {info.operation.deprecated}")
    if info.description:
        parts.append(_wrap(info.description))
    return "\n\n".join(parts)


def _epilog(info: OperationInfo) -> str:
    record = info.operation
    lines = []
    if record.one_of_required:
        options = " or ".join(" + ".join(_flag(n) for n in group) for group in record.one_of_required)
        lines.append(f"either/or: give {options}")
    for group in record.mutually_exclusive:
        lines.append(f"not together: {', '.join(_flag(n) for n in group)}")
    if record.is_job:
        lines.append("a job: waits for the result unless --no-wait (then prints request_id and status_url)")
    return "\n".join(lines)


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def _wrap(text: str) -> str:
    import textwrap

    width = _width() - 2
    return "\n\n".join(textwrap.fill(paragraph, width) for paragraph in text.split("\n\n"))


def add_operation_arguments(parser: argparse.ArgumentParser, info: OperationInfo) -> None:
    required = parser.add_argument_group("required arguments")
    optional = parser.add_argument_group("arguments")
    for param in info.params:
        group = required if param.required else optional
        _add_param(group, param, info)
    _add_command_options(parser, info)


def _add_param(group: argparse._ArgumentGroup, param: Param, info: OperationInfo) -> None:
    dest = ARG_PREFIX + param.name
    names = [param.flag]  # `--mask_type` is accepted too: normalize_flags rewrites it before parsing
    help_text = _param_help(param, info)
    if param.kind == "boolean" and not param.many:
        group.add_argument(*names, dest=dest, action=argparse.BooleanOptionalAction, default=None, help=help_text)
        return
    options: dict[str, Any] = {"dest": dest, "default": None, "help": help_text, "type": converter(param)}
    if param.many:
        options["action"] = "append"
    if param.choices and not param.open_choices:
        options["choices"] = param.choices
        options["metavar"] = "{" + ",".join(str(c) for c in param.choices) + "}"
    else:
        options["metavar"] = _metavar(param)
    group.add_argument(*names, **options)


def _metavar(param: Param) -> str:
    return {
        "integer": "INT",
        "number": "NUMBER",
        "string": "TEXT",
        "object": "JSON",
        "image": "IMAGE",
        "boolean": "{true,false}",
    }.get(param.kind, "VALUE")


def _param_help(param: Param, info: OperationInfo) -> str:
    notes = []
    if param.required:
        notes.append("required")
    if param.kind == "image":
        slot = next(s for s in info.operation.images if s.parameter == param.name)
        text = f"a local path, an http(s) URL or base64 ({', '.join(s.upper() for s in slot.accept)})"
        help_text = f"{'images' if param.many else 'an image'}: {text}"
    else:
        help_text = param.help
    if param.many:
        notes.append(f"repeat {param.flag} for each item")
    if param.kind == "object":
        notes.append("a JSON object" + (" per item" if param.many else ""))
    if param.choices and param.open_choices:
        notes.append(f"known values: {', '.join(map(str, param.choices))}; others accepted")
    if param.default is not None:
        notes.append(f"default: {_show(param.default)}")
    else:
        # Nothing is sent for an unset flag; what the server then assumes is in the spec's text.
        server_default = _SERVER_DEFAULT.search(help_text)
        if server_default:
            notes.append(f"server default: {server_default.group(1)}")
    prefix = f"[{'; '.join(notes)}] " if notes else ""
    # argparse applies %-formatting to help strings.
    return (prefix + help_text).replace("%", "%%")


_SERVER_DEFAULT = re.compile(r"Server default: (.+?)\.(?:\s|$)")


def _show(value: Any) -> str:
    value = getattr(value, "value", value)
    return json.dumps(value) if isinstance(value, bool | type(None)) else str(value)


def converter(param: Param) -> Callable[[str], Any]:
    """The `type=` of a param's flag: command-line text to the value the facade method takes."""
    kind = param.kind
    if kind == "integer":
        return _named(int, "an integer")
    if kind == "number":
        return _named(float, "a number")
    if kind == "boolean":
        return _boolean
    if kind == "object":
        return _json_converter(param.model)
    if kind == "any":
        return _number_or_text
    return str


def _named(convert: Callable[[str], Any], what: str) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        try:
            return convert(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None

    parse.__name__ = what
    return parse


def _boolean(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in ("true", "1", "yes"):
        return True
    if lowered in ("false", "0", "no"):
        return False
    raise argparse.ArgumentTypeError(f"expected true or false, got {text!r}")


def _number_or_text(text: str) -> Any:
    for convert in (int, float):
        try:
            return convert(text)
        except ValueError:
            continue
    return text


def _json_converter(model: type | None) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        try:
            value = json.loads(text)
        except ValueError as error:
            raise argparse.ArgumentTypeError(f"expected a JSON object ({error})") from None
        if not isinstance(value, dict):
            raise argparse.ArgumentTypeError(f"expected a JSON object, got {type(value).__name__}")
        if model is None:
            return value
        # The generated models are attrs classes: the facade expects an instance, and `from_dict` keeps
        # unknown keys as additional properties, as the spec allows.
        try:
            return model.from_dict(value)  # type: ignore[attr-defined]
        except (KeyError, TypeError, ValueError) as error:
            raise argparse.ArgumentTypeError(f"not a valid {model.__name__}: {type(error).__name__} {error}") from None

    parse.__name__ = "JSON object"
    return parse


def _rpm(text: str) -> float | str:
    if text in PLANS:
        return text
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number or one of {', '.join(PLANS)}, got {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError("must be above 0")
    return value


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _add_command_options(parser: argparse.ArgumentParser, info: OperationInfo) -> None:
    output = parser.add_argument_group("output")
    output.add_argument(
        "-o",
        "--output",
        metavar="PATH",
        help="save the result there (a result's file; JSON for other answers)",
    )
    output.add_argument(
        "--json",
        action="store_true",
        help="print JSON on stdout (a result's body, an answer's fields, a job's request_id and status_url)",
    )
    call = parser.add_argument_group("call")
    if info.operation.is_job:
        call.add_argument("--no-wait", action="store_true", help="submit and print the job; do not wait")
        call.add_argument(
            "--max-wait", metavar="SECONDS", type=_named(float, "a number"), help="how long to wait (default 300)"
        )
    call.add_argument(
        "--requests-per-minute",
        metavar="N|PLAN",
        type=_rpm,
        help=f"pace requests per endpoint: a number or a plan ({', '.join(PLANS)}); default: no pacing",
    )
    images = info.image_params
    if not images:
        return
    batch = parser.add_argument_group(
        "batch",
        _wrap(
            "Run the operation once per input file, each filling the image argument; results and outcomes.jsonl "
            "go to --output-dir. Rerunning the same command resumes: finished inputs are skipped, submitted jobs "
            "are waited for by request_id, never sent again."
        ),
    )
    sources = batch.add_mutually_exclusive_group()
    sources.add_argument("--input-dir", metavar="DIR", help="every image file in DIR (sorted by name)")
    sources.add_argument("--inputs", metavar="FILE", nargs="+", help="these input files")
    batch.add_argument("--output-dir", metavar="DIR", help="where results and outcomes.jsonl go (required)")
    default_slot = next((p.name for p in images if p.required), images[0].name)
    batch.add_argument(
        "--input-arg",
        metavar="NAME",
        choices=[p.name for p in images],
        default=None,
        help=f"the image argument each input fills: {', '.join(p.name for p in images)} (default: {default_slot})",
    )
    batch.add_argument(
        "--concurrency",
        metavar="N",
        type=_positive_int,
        default=DEFAULT_CONCURRENCY,
        help=f"inputs in flight at once (default {DEFAULT_CONCURRENCY})",
    )

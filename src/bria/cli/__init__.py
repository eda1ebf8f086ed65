"""The `bria` command: every operation of every document, from what `make generate` produced.

`bria <document> <operation> [--arg value ...]` calls one operation; with `--input-dir` / `--inputs` it runs
a resumable batch (`_batch`). `main` returns the exit code (see `EXIT_CODES` in `_parser`).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

__all__ = [
    "EXIT_API",
    "EXIT_BATCH_PARTIAL",
    "EXIT_INTERRUPTED",
    "EXIT_JOB",
    "EXIT_LOCAL",
    "EXIT_OK",
    "EXIT_USAGE",
    "main",
]

EXIT_OK = 0
EXIT_LOCAL = 1
EXIT_USAGE = 2
EXIT_API = 3
EXIT_JOB = 4
EXIT_BATCH_PARTIAL = 5
EXIT_INTERRUPTED = 130


def exit_code_for(error: BaseException) -> int:
    """The exit code of an error the SDK raised (or the user's Ctrl-C)."""
    import bria

    if isinstance(error, KeyboardInterrupt):
        return EXIT_INTERRUPTED
    if isinstance(error, bria.ParameterError | bria.ImageInputError):
        return EXIT_USAGE
    if isinstance(error, bria.JobFailedError | bria.JobTimeoutError):
        return EXIT_JOB
    if isinstance(error, bria.BriaError):
        return EXIT_API
    return EXIT_LOCAL


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (the console script passes it to `sys.exit`)."""
    from ._parser import build_parser, normalize_flags, split_command

    args = normalize_flags(sys.argv[1:] if argv is None else argv)
    document, operation = split_command(args)
    parser = build_parser(document, operation)
    try:
        namespace = parser.parse_args(args)
    except SystemExit as exit_:
        # argparse exits 0 after --help/--version and 2 on a usage error.
        return exit_.code if isinstance(exit_.code, int) else EXIT_USAGE
    try:
        return _run(namespace)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def _run(namespace: object) -> int:
    import argparse

    import bria

    from . import _catalog
    from ._output import emit, invoke, warn_deprecated

    assert isinstance(namespace, argparse.Namespace)
    info = _catalog.operation(namespace.document, namespace.operation)
    assert info is not None  # argparse only accepts the operations the catalog lists
    warn_deprecated(info, sys.stderr)
    if getattr(namespace, "input_dir", None) or getattr(namespace, "inputs", None):
        from ._batch import run_batch

        return run_batch(info, namespace)
    try:
        client = bria.Bria(requests_per_minute=namespace.requests_per_minute)
    except bria.BriaError as error:
        # Raised at construction: no token, a bad base URL or pacing value. The user's setup, not the API.
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    try:
        with client:
            answer = invoke(client, info, namespace)
            emit(answer, namespace)
    except bria.BriaError as error:
        print(f"error: {type(error).__name__}: {error}", file=sys.stderr)
        return exit_code_for(error)
    except OSError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_LOCAL
    return EXIT_OK

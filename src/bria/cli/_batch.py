"""Batch runs: one call per input file with AsyncBria, bounded concurrency, resumable outcomes.

`<output-dir>/outcomes.jsonl` is the batch's memory, one JSON object per line, appended and flushed as
each event happens:

  {"event": "submitted", "input": ..., "request_id": ...}             a job was accepted (202), not finished
  {"event": "succeeded", "input": ..., "request_id": ..., "output": ...} final
  {"event": "failed", "input": ..., "request_id": ..., "error": {"type", "message", "status_code"}}  final

A rerun of the same command skips inputs with a final line, waits by request_id for inputs whose last line
is "submitted" (they are never posted again: the POST may have been billed), and runs the rest. A job is
submitted with `wait=False` and its "submitted" line written before the wait starts, so an interruption
at any point after the 202 leaves the request_id on disk.

Ctrl-C (or SIGTERM, or cancelling `BatchRunner.run`) stops new submissions and abandons the waits; a
submission already sent is allowed to get its answer so its request_id is recorded (a plain call's answer
is saved and recorded: it cannot be fetched again). A second Ctrl-C aborts at once. Operations that are not
jobs run as one plain call per input.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import sys
import time
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from . import EXIT_BATCH_PARTIAL, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE
from ._catalog import OperationInfo
from ._output import call_arguments, dumps, to_jsonable
from ._progress import Progress, progress_for

OUTCOMES = "outcomes.jsonl"
FINAL_EVENTS = frozenset({"succeeded", "failed"})


@dataclass
class Summary:
    total: int = 0
    succeeded: int = 0
    failed: int = 0
    skipped: int = 0
    # Inputs waited for by a request_id an earlier run recorded (counted in succeeded/failed when they end).
    resumed: int = 0
    # Submitted and recorded, not waited for (--no-wait, or interrupted while waiting).
    submitted: int = 0
    # Earlier runs' failures among the skipped inputs: the batch as a whole has failures.
    failed_before: int = 0
    interrupted: bool = False
    not_started: int = 0

    def exit_code(self) -> int:
        if self.interrupted:
            return EXIT_INTERRUPTED
        return EXIT_BATCH_PARTIAL if self.failed or self.failed_before else EXIT_OK

    def text(self, outcomes: Path) -> str:
        parts = [
            f"{self.total} inputs: {self.succeeded} succeeded, {self.failed} failed, "
            f"{self.skipped} skipped (already done), {self.resumed} resumed"
        ]
        if self.submitted:
            parts.append(f"{self.submitted} submitted and not finished")
        if self.failed_before:
            parts.append(f"{self.failed_before} of the skipped had failed before")
        line = "; ".join(parts)
        if self.interrupted:
            line += f"\ninterrupted: {self.not_started} not started; rerun the same command to resume"
        return f"{line}\noutcomes: {outcomes}"


class OutcomeLog:
    """outcomes.jsonl: read once at start, then appended to (one line per event, flushed at once)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: IO[str] | None = None

    def read(self) -> dict[str, dict[str, Any]]:
        """The last recorded event of each input. A line cut short by a kill is ignored."""
        last: dict[str, dict[str, Any]] = {}
        if not self.path.exists():
            return last
        for line in self.path.read_text().splitlines():
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict) and isinstance(record.get("input"), str):
                last[record["input"]] = record
        return last

    def open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        ends_cleanly = not self.path.exists() or self.path.stat().st_size == 0 or self._last_byte() == b"\n"
        self._file = self.path.open("a", encoding="utf-8")
        if not ends_cleanly:
            # A line cut short by a kill: end it, so the next record starts on its own line.
            self._file.write("\n")

    def _last_byte(self) -> bytes:
        with self.path.open("rb") as file:
            file.seek(-1, os.SEEK_END)
            return file.read(1)

    def write(self, event: str, input_: str, **fields: Any) -> None:
        assert self._file is not None
        record = {"event": event, "input": input_, **fields, "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        self._file.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
        self._file.flush()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


def error_fields(error: BaseException) -> dict[str, Any]:
    return {
        "type": type(error).__name__,
        "message": str(error),
        "status_code": getattr(error, "status_code", None),
    }


def list_inputs(input_dir: str | None, inputs: Sequence[str] | None, output_dir: Path) -> list[str]:
    """The inputs as given (`--inputs`), or the files of `--input-dir` sorted by name, less hidden files and
    anything inside the output folder (a rerun must not take its own results as inputs)."""
    if inputs:
        return list(dict.fromkeys(inputs))
    assert input_dir is not None
    folder = Path(input_dir)
    out = output_dir.resolve()
    found = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or not path.is_file():
            continue
        if path.resolve().parent == out:
            continue
        found.append(str(path))
    return found


def output_names(inputs: Iterable[str]) -> dict[str, str]:
    """Each input's output file name without a suffix: its stem, or its whole name where stems collide."""
    inputs = list(inputs)
    stems = [Path(item).stem for item in inputs]
    return {
        item: (stem if stems.count(stem) == 1 else Path(item).name) for item, stem in zip(inputs, stems, strict=True)
    }


def _suffix(url: str) -> str:
    suffix = Path(urlsplit(url).path).suffix
    return suffix if 1 < len(suffix) <= 6 else ".png"


@dataclass
class BatchRunner:
    """Runs one operation over many inputs with an `AsyncBria`; see the module docstring."""

    client: Any
    info: OperationInfo
    input_arg: str
    inputs: list[str]
    output_dir: Path
    arguments: dict[str, Any] = field(default_factory=dict)
    concurrency: int = 8
    max_wait: float | None = None
    wait: bool = True
    progress: Progress | None = None
    summary: Summary = field(default_factory=Summary)

    def __post_init__(self) -> None:
        self.log = OutcomeLog(self.output_dir / OUTCOMES)
        self._stopping = asyncio.Event()
        self._interrupts = 0
        self._workers: list[asyncio.Task[None]] = []
        self._names = output_names(self.inputs)

    def interrupt(self) -> None:
        """First call: stop submitting and abandon waits. Second: cancel everything now."""
        self._interrupts += 1
        self._stopping.set()
        if self._interrupts > 1:
            for worker in self._workers:
                worker.cancel()

    async def run(self) -> Summary:
        summary = self.summary
        summary.total = len(self.inputs)
        recorded = self.log.read()
        queue: asyncio.Queue[tuple[str, str | None]] = asyncio.Queue()
        for item in self.inputs:
            last = recorded.get(item)
            if last is not None and last.get("event") in FINAL_EVENTS:
                summary.skipped += 1
                summary.failed_before += last.get("event") == "failed"
            elif last is not None and last.get("event") == "submitted" and last.get("request_id"):
                queue.put_nowait((item, str(last["request_id"])))
            else:
                queue.put_nowait((item, None))
        if self.progress is None:
            self.progress = progress_for(queue.qsize(), f"{self.info.operation.qualified_name}")
        self.log.open()
        try:
            self._workers = [
                asyncio.create_task(self._worker(queue)) for _ in range(min(self.concurrency, queue.qsize()))
            ]
            if self._workers:
                try:
                    await asyncio.wait(self._workers)
                except asyncio.CancelledError:
                    # Cancelled from outside: behave as Ctrl-C (let submissions in flight record their ids).
                    current = asyncio.current_task()
                    if current is not None:
                        current.uncancel()
                    self.interrupt()
                    await asyncio.wait(self._workers)
        finally:
            self.log.close()
            self.progress.close()
        summary.interrupted = self._stopping.is_set()
        summary.not_started = queue.qsize()
        return summary

    async def _worker(self, queue: asyncio.Queue[tuple[str, str | None]]) -> None:
        while not self._stopping.is_set():
            try:
                item, request_id = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            await self._one(item, request_id)

    async def _one(self, item: str, request_id: str | None) -> None:
        from bria import BriaError, Job

        answer: Any = None
        # What to wait for: the Job just submitted (its operation name picks the learned poll schedule), or
        # the request_id an earlier run recorded.
        pending: Job | str | None = request_id
        try:
            if request_id is None:
                answer = await self._submit(item)
                if isinstance(answer, Job):
                    pending, request_id = answer, answer.request_id
                    self.log.write("submitted", item, request_id=request_id)
            else:
                self.summary.resumed += 1
            if pending is not None:
                if not self.wait or self._stopping.is_set():
                    self.summary.submitted += 1
                    return
                answer = await self._unless_stopped(self.client.wait(pending, max_wait=self.max_wait))
                if answer is None:
                    self.summary.submitted += 1
                    return
            if pending is None:
                # A plain call's answer exists only in this process: save it even when stopping, or a rerun
                # would send the call again.
                saved = await self._save(item, answer)
            else:
                saved = await self._unless_stopped(self._save(item, answer))
            if saved is None:
                # Interrupted while saving: a job stays "submitted" and is fetched again on resume.
                self.summary.submitted += request_id is not None
                return
        except BriaError as error:
            self.log.write("failed", item, request_id=request_id, error=error_fields(error))
            self.summary.failed += 1
            self._advance(failed=True)
            return
        except OSError as error:
            # A local failure (the output folder, a disk full) is this input's outcome, not the batch's end.
            self.log.write("failed", item, request_id=request_id, error=error_fields(error))
            self.summary.failed += 1
            self._advance(failed=True)
            return
        self.log.write("succeeded", item, request_id=request_id, output=str(saved))
        self.summary.succeeded += 1
        self._advance(failed=False)

    def _advance(self, *, failed: bool) -> None:
        if self.progress is not None:
            self.progress.advance(failed=failed)

    async def _submit(self, item: str) -> Any:
        method = getattr(getattr(self.client, self.info.operation.document), self.info.name)
        slot = self.info.by_name[self.input_arg]
        kwargs = dict(self.arguments)
        kwargs[self.input_arg] = [item] if slot.many else item
        if self.info.operation.is_job:
            kwargs["wait"] = False
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            return await method(**kwargs)

    async def _unless_stopped(self, work: Any) -> Any:
        """`await work`, or None as soon as the batch is stopping (the work is cancelled)."""
        task = asyncio.ensure_future(work)
        stop = asyncio.ensure_future(self._stopping.wait())
        try:
            await asyncio.wait({task, stop}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stop.cancel()
        if task.done():
            return task.result()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
        return None

    async def _save(self, item: str, answer: Any) -> Path:
        from bria import AsyncResult

        name = self._names[item]
        if isinstance(answer, AsyncResult) and answer.image_url:
            return await answer.download(self.output_dir / (name + _suffix(answer.image_url)))
        path = self.output_dir / (name + ".json")
        path.write_text(dumps(to_jsonable_async(answer)) + "\n")
        return path


def to_jsonable_async(answer: Any) -> Any:
    from bria import AsyncResult

    return dict(answer.raw) if isinstance(answer, AsyncResult) else to_jsonable(answer)


def run_batch(info: OperationInfo, namespace: argparse.Namespace, stdout: IO[str] | None = None) -> int:
    """`bria <document> <operation> --input-dir/--inputs ...`: returns the exit code."""
    stdout = stdout or sys.stdout
    import bria

    def usage(message: str) -> int:
        print(f"bria: error: {message}", file=sys.stderr)
        return EXIT_USAGE

    if not namespace.output_dir:
        return usage("a batch needs --output-dir (results and outcomes.jsonl go there)")
    if namespace.output:
        return usage("-o/--output names one file; a batch writes into --output-dir")
    images = info.image_params
    input_arg = namespace.input_arg or next((p.name for p in images if p.required), images[0].name)
    arguments = call_arguments(info, namespace)
    if arguments.get(input_arg) is not None:
        return usage(f"--{input_arg.replace('_', '-')} is filled by each input; leave it out of a batch")
    # Said once here rather than as the SDK's ParameterError for every input.
    missing = [name for name in info.operation.required if name != input_arg and arguments.get(name) is None]
    if missing:
        return usage(f"the batch needs {', '.join('--' + n.replace('_', '-') for n in missing)} (required)")
    output_dir = Path(namespace.output_dir)
    if namespace.input_dir and not Path(namespace.input_dir).is_dir():
        return usage(f"--input-dir {namespace.input_dir}: not a folder")
    if namespace.input_dir and Path(namespace.input_dir).resolve() == output_dir.resolve():
        # Results saved next to the inputs would be taken as inputs by the next (resuming) run.
        return usage("--output-dir must not be the --input-dir")
    inputs = list_inputs(namespace.input_dir, namespace.inputs, output_dir)
    try:
        client = bria.AsyncBria(requests_per_minute=namespace.requests_per_minute)
    except bria.BriaError as error:
        return usage(str(error))
    runner = BatchRunner(
        client=client,
        info=info,
        input_arg=input_arg,
        inputs=inputs,
        output_dir=output_dir,
        arguments=arguments,
        concurrency=namespace.concurrency,
        max_wait=getattr(namespace, "max_wait", None),
        wait=not getattr(namespace, "no_wait", False),
    )
    summary = asyncio.run(_run_with_signals(runner))
    if namespace.json:
        print(dumps({**vars(summary), "outcomes": str(runner.log.path)}), file=stdout)
    else:
        print(summary.text(runner.log.path), file=stdout)
    return summary.exit_code()


async def _run_with_signals(runner: BatchRunner) -> Summary:
    loop = asyncio.get_running_loop()
    handled = []
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            # Not available off the main thread or on Windows: Ctrl-C is then a KeyboardInterrupt.
            loop.add_signal_handler(signum, runner.interrupt)
            handled.append(signum)
    try:
        async with runner.client:
            return await runner.run()
    finally:
        for signum in handled:
            loop.remove_signal_handler(signum)

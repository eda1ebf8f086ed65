"""Batch runs: outcomes.jsonl, failures that do not stop the batch, interruption and resume without reposting."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

import bria
from bria.cli import _catalog, main
from bria.cli._batch import BatchRunner, OutcomeLog, output_names
from bria.cli._progress import PlainProgress

from .conftest import TOKEN, FakeBria, Fault, JobPlan, png_bytes

REMOVE = ["image_editing", "background_remove"]
SUBMIT_PATH = "/v2/image/edit/remove_background"
JOB_ERROR = json.dumps(
    {"status": "ERROR", "request_id": "x", "error": {"code": 500, "message": "planned failure", "details": "test"}}
).encode()


def _images(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(count):
        path = folder / f"img{index:02d}.png"
        path.write_bytes(png_bytes(f"input-{index}"))
        paths.append(path)
    return paths


def _records(outcomes: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in outcomes.read_text().splitlines() if line.strip()]


def _posts_per_input(server: FakeBria, images: list[Path]) -> Counter[str]:
    """How many submit POSTs carried each input file (the body's base64 image names the input)."""
    by_content = {base64.b64encode(path.read_bytes()).decode(): path.name for path in images}
    posts: Counter[str] = Counter()
    for request in server.requests:
        if request.method == "POST" and request.path == SUBMIT_PATH:
            image = request.json()["image"]
            posts[by_content.get(image.split(",")[-1], f"unknown:{image[:20]}")] += 1
    return posts


def _cli(args: list[str], server: FakeBria, cwd: Path) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "BRIA_API_TOKEN": TOKEN,
        "BRIA_BASE_URL": server.base_url,
        "BRIA_POLL_HISTORY": "off",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "bria.cli", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finals(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in records if r["event"] in ("succeeded", "failed")]


def test_twenty_images_with_failures_interrupted_then_resumed(server: FakeBria, tmp_path: Path) -> None:
    """The acceptance test: 20 inputs, some 4xx and some failed jobs, Ctrl-C halfway, then the same command again.

    Every input ends with exactly one final outcome and no input was posted twice.
    """
    images = _images(tmp_path / "photos", 20)
    out = tmp_path / "out"
    outcomes = out / "outcomes.jsonl"
    # The first jobs are quick and later ones slow, so the interruption finds jobs submitted but unfinished.
    server.plan_jobs(JobPlan(duration=lambda index: 0.2 if index < 10 else 1.5))
    bad_request = b'{"error": {"code": 400, "message": "planned bad input"}}'
    server.inject("POST", SUBMIT_PATH, *[Fault(status=400, body=bad_request)] * 3)
    server.inject("GET", "/v2/status/", *[Fault(status=200, body=JOB_ERROR)] * 2)
    command = [*REMOVE, "--input-dir", "photos", "--output-dir", "out", "--concurrency", "4"]

    first = _cli(command, server, tmp_path)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and first.poll() is None:
        if outcomes.exists() and len(_finals(_records(outcomes))) >= 10:
            break
        time.sleep(0.02)
    assert first.poll() is None, f"the batch ended before the interruption: {first.communicate()}"
    first.send_signal(signal.SIGINT)
    stdout, stderr = first.communicate(timeout=60)
    assert first.returncode == 130, stderr
    assert "interrupted" in stdout

    records = _records(outcomes)
    last = {r["input"]: r for r in records}
    pending = {name for name, r in last.items() if r["event"] == "submitted"}
    assert pending, "the interruption should leave submitted jobs to resume"
    assert len(_finals(records)) < 20
    submitted_ids = {r["input"]: r["request_id"] for r in records if r["event"] == "submitted"}

    second = _cli([*command, "--json"], server, tmp_path)
    stdout, stderr = second.communicate(timeout=60)
    # Some inputs failed (recorded in the first run): the batch as a whole is a partial failure.
    assert second.returncode == 5, stderr
    summary = json.loads(stdout)
    assert summary["total"] == 20 and not summary["interrupted"]
    assert summary["resumed"] == len(pending)
    assert summary["skipped"] == len(_finals(records))
    assert summary["skipped"] + summary["succeeded"] + summary["failed"] == 20

    records = _records(outcomes)
    finals = _finals(records)
    assert Counter(r["input"] for r in finals) == Counter(f"photos/{p.name}" for p in images)
    assert _posts_per_input(server, images) == Counter({p.name: 1 for p in images})
    # A resumed input finished under the request_id recorded before the interruption.
    for r in finals:
        if r["input"] in pending:
            assert r["request_id"] == submitted_ids[r["input"]]
    failed = [r for r in finals if r["event"] == "failed"]
    assert sorted(r["error"]["type"] for r in failed) == ["BadRequestError"] * 3 + ["JobFailedError"] * 2
    assert {r["error"]["status_code"] for r in failed if r["error"]["type"] == "BadRequestError"} == {400}
    for r in finals:
        if r["event"] == "succeeded":
            job = server.job(r["request_id"])
            assert Path(tmp_path / r["output"]).read_bytes() == png_bytes(f"{job.request_id}.png")

    # A third run has nothing left to do and posts nothing.
    before = server.count("POST", SUBMIT_PATH)
    third = _cli(command, server, tmp_path)
    stdout, _ = third.communicate(timeout=60)
    assert third.returncode == 5
    assert "20 skipped" in stdout
    assert server.count("POST", SUBMIT_PATH) == before


def _runner(server: FakeBria, images: list[Path], out: Path, **kwargs: Any) -> tuple[BatchRunner, bria.AsyncBria]:
    client = bria.AsyncBria(api_token=TOKEN, base_url=server.base_url, poll_history=False)
    info = _catalog.operation(*REMOVE)
    assert info is not None
    runner = BatchRunner(
        client=client,
        info=info,
        input_arg="image",
        inputs=[str(p) for p in images],
        output_dir=out,
        progress=PlainProgress(len(images), "test", _Sink()),
        **kwargs,
    )
    return runner, client


class _Sink:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def write(self, text: str) -> int:
        self.lines.append(text)
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


def test_cancelling_the_runner_is_an_interruption_that_resume_completes(server: FakeBria, tmp_path: Path) -> None:
    images = _images(tmp_path / "in", 8)
    out = tmp_path / "out"
    server.plan_jobs(JobPlan(duration=30))

    async def cancel_when_all_submitted() -> Any:
        runner, client = _runner(server, images, out, concurrency=8)
        async with client:
            task = asyncio.create_task(runner.run())
            while server.count("POST", SUBMIT_PATH) < 8 or len(_records(out / "outcomes.jsonl")) < 8:
                await asyncio.sleep(0.02)
            task.cancel()
            return await task

    summary = asyncio.run(cancel_when_all_submitted())
    assert summary.interrupted and summary.exit_code() == 130
    assert summary.submitted == 8 and summary.succeeded == 0
    assert {r["event"] for r in _records(out / "outcomes.jsonl")} == {"submitted"}

    # The jobs finish on the server meanwhile; the resumed run only waits for them.
    for job in server.jobs:
        job.duration = 0.0

    async def resume() -> Any:
        runner, client = _runner(server, images, out)
        async with client:
            return await runner.run(), runner

    summary, runner = asyncio.run(resume())
    assert (summary.succeeded, summary.resumed, summary.failed, summary.exit_code()) == (8, 8, 0, 0)
    assert server.count("POST", SUBMIT_PATH) == 8
    assert runner.progress is not None
    assert any("8/8 done, 0 failed" in line for line in runner.progress.stream.lines)  # type: ignore[attr-defined]


def test_non_job_operation_runs_one_plain_call_per_input(env: FakeBria, tmp_path: Path) -> None:
    images = _images(tmp_path / "in", 3)
    (tmp_path / "in" / ".hidden.png").write_bytes(png_bytes("hidden"))
    code = main(
        [
            "image_editing_v1",
            "remove_background",
            "--input-dir",
            str(tmp_path / "in"),
            "--output-dir",
            str(tmp_path / "out"),
        ]
    )
    assert code == 0
    finals = _finals(_records(tmp_path / "out" / "outcomes.jsonl"))
    assert sorted(Path(r["input"]).name for r in finals) == [p.name for p in images]
    assert all(r["event"] == "succeeded" and Path(r["output"]).is_file() for r in finals)
    assert env.count("POST", "/v1/background/remove") == 3


def test_batch_usage_errors(env: FakeBria, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _images(tmp_path / "in", 1)
    folder = str(tmp_path / "in")
    assert main([*REMOVE, "--input-dir", folder]) == 2
    assert "--output-dir" in capsys.readouterr().err
    assert main([*REMOVE, "--input-dir", folder, "--output-dir", "o", "--image", "x.png"]) == 2
    assert main(["image_editing", "erase", "--input-dir", folder, "--output-dir", str(tmp_path / "o")]) == 2
    assert "--mask" in capsys.readouterr().err
    assert env.requests == []


def test_an_input_that_is_not_an_image_fails_alone(env: FakeBria, tmp_path: Path) -> None:
    images = _images(tmp_path / "in", 2)
    (tmp_path / "in" / "notes.txt").write_text("not an image")
    assert main([*REMOVE, "--input-dir", str(tmp_path / "in"), "--output-dir", str(tmp_path / "out")]) == 5
    last = {Path(r["input"]).name: r for r in _records(tmp_path / "out" / "outcomes.jsonl")}
    assert last["notes.txt"]["event"] == "failed" and last["notes.txt"]["error"]["type"] == "ImageInputError"
    assert all(last[p.name]["event"] == "succeeded" for p in images)


def test_outcome_log_survives_a_line_cut_short(tmp_path: Path) -> None:
    path = tmp_path / "outcomes.jsonl"
    path.write_text('{"event": "succeeded", "input": "a.png"}\n{"event": "subm')
    log = OutcomeLog(path)
    assert log.read() == {"a.png": {"event": "succeeded", "input": "a.png"}}
    log.open()
    log.write("submitted", "b.png", request_id="r1")
    log.close()
    assert set(log.read()) == {"a.png", "b.png"}


def test_output_names_keep_colliding_stems_apart() -> None:
    assert output_names(["in/a.png", "in/a.jpg", "in/b.png"]) == {
        "in/a.png": "a.png",
        "in/a.jpg": "a.jpg",
        "in/b.png": "b",
    }


def test_output_dir_must_differ_from_input_dir(
    env: FakeBria, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _images(tmp_path / "in", 1)
    assert main([*REMOVE, "--input-dir", str(tmp_path / "in"), "--output-dir", str(tmp_path / "in")]) == 2
    assert "must not be the --input-dir" in capsys.readouterr().err


class _Terminal(_Sink):
    def isatty(self) -> bool:
        return True


def test_progress_on_a_terminal_is_a_rich_bar_with_throughput_and_eta() -> None:
    from bria.cli._progress import progress_for

    terminal = _Terminal()
    progress = progress_for(4, "image_editing.background_remove", terminal)  # type: ignore[arg-type]
    assert type(progress).__name__ == "_RichProgress"
    for index in range(4):
        progress.advance(failed=index == 0)
    progress.close()
    text = "".join(terminal.lines)
    assert "4/4" in text and "1 failed" in text and "items/s" in text and "ETA" in text


def test_plain_progress_off_a_terminal_is_one_line_per_second_and_the_last() -> None:
    sink = _Sink()
    progress = PlainProgress(3, "op", sink)  # type: ignore[arg-type]
    for _ in range(3):
        progress.advance(failed=False)
    progress.close()
    lines = "".join(sink.lines).splitlines()
    assert lines[-1].startswith("op: 3/3 done, 0 failed,") and "items/s, ETA" in lines[-1]
    assert len(lines) <= 2


def test_without_rich_a_terminal_gets_the_plain_line(monkeypatch: pytest.MonkeyPatch) -> None:
    from bria.cli._progress import progress_for

    # A None entry in sys.modules makes `import rich.progress` raise ImportError, as when the extra is missing.
    monkeypatch.setitem(sys.modules, "rich.progress", None)
    terminal = _Terminal()
    progress = progress_for(2, "op", terminal)  # type: ignore[arg-type]
    assert isinstance(progress, PlainProgress)
    progress.advance(failed=True)
    progress.close()
    assert "".join(terminal.lines).startswith("\rop: 1/2 done, 1 failed,")

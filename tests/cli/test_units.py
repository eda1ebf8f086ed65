"""Small pieces: converters, exit-code mapping, output forms, and batch runs in-process (submit, resume, skip)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

import bria
from bria.cli import EXIT_API, EXIT_INTERRUPTED, EXIT_JOB, EXIT_LOCAL, EXIT_USAGE, _catalog, exit_code_for, main
from bria.cli._output import to_jsonable
from bria.cli._parser import _boolean, _positive_int, _rpm, converter, operation_parser

from .conftest import FakeBria, Fault, JobPlan, png_bytes

REMOVE = ["image_editing", "background_remove"]


def test_exit_codes_by_error_type() -> None:
    assert exit_code_for(bria.ParameterError("x", "bad")) == EXIT_USAGE
    assert exit_code_for(bria.ImageInputError("x", "bad")) == EXIT_USAGE
    assert exit_code_for(bria.APIConnectionError("no answer", method="POST", url="http://h/")) == EXIT_API
    assert exit_code_for(bria.BriaError("other")) == EXIT_API
    assert exit_code_for(KeyboardInterrupt()) == EXIT_INTERRUPTED
    assert exit_code_for(OSError("disk")) == EXIT_LOCAL
    failed = bria.JobFailedError(request_id="r", code=500, message="m", details=None, status="ERROR")
    assert exit_code_for(failed) == EXIT_JOB
    assert exit_code_for(bria.JobTimeoutError(request_id="r", waited=1.0, last_status="IN_PROGRESS")) == EXIT_JOB


def test_converters() -> None:
    assert _rpm("free") == "free" and _rpm("30") == 30.0
    for bad in ("often", "0"):
        with pytest.raises(argparse.ArgumentTypeError):
            _rpm(bad)
    assert _positive_int("3") == 3
    for bad in ("x", "0"):
        with pytest.raises(argparse.ArgumentTypeError):
            _positive_int(bad)
    assert _boolean("Yes") is True and _boolean("0") is False
    with pytest.raises(argparse.ArgumentTypeError):
        _boolean("maybe")
    info = _catalog.operation("product_shot_editing", "vehicle_refine_tires")
    assert info is not None
    parse = converter(info.by_name["masks"])
    with pytest.raises(argparse.ArgumentTypeError, match="JSON object"):
        parse("{not json")


def test_unknown_operation_parser_is_a_lookup_error() -> None:
    with pytest.raises(LookupError):
        operation_parser("image_editing", "nope")


def test_docstring_parsing() -> None:
    from bria._resource import split_docstring

    summary, description, args, _ = split_docstring(
        "Do it.\n\nLonger text\nover lines.\n\nArgs:\n    a: first\n        continued\n    b: second\n    c\n\nNotes."
    )
    assert (summary, description) == ("Do it.", "Longer text over lines.")
    # `c`, an argument the spec describes nowhere, is a bare name: not a continuation of `b`.
    assert args == {"a": "first continued", "b": "second", "c": ""}


def test_to_jsonable_of_lists_and_plain_values() -> None:
    job = bria.Job(request_id="r", status_url="http://h/s")
    assert to_jsonable([job, 3]) == [{"request_id": "r", "status_url": "http://h/s"}, 3]


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("bria (bria-openapi) ")


def test_no_wait_human_output(env: FakeBria, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    env.plan_jobs(JobPlan(duration=30))
    photo = tmp_path / "p.png"
    photo.write_bytes(png_bytes("p"))
    assert main([*REMOVE, "--image", str(photo), "--no-wait"]) == 0
    (job,) = env.jobs
    assert (
        capsys.readouterr().out
        == f"request_id: {job.request_id}\nstatus_url: {env.base_url}/v2/status/{job.request_id}\n"
    )


def test_unwritable_output_is_a_local_failure(
    env: FakeBria, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    job = _submitted(env, tmp_path)
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert main(["status", "get_status", "--request-id", job, "-o", str(blocker / "x.json")]) == EXIT_LOCAL
    assert "error:" in capsys.readouterr().err


def test_ctrl_c_during_a_single_call_exits_130(
    env: FakeBria, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("bria.cli._output.invoke", interrupted)
    assert main(["status", "get_status", "--request-id", "r"]) == EXIT_INTERRUPTED
    assert "interrupted" in capsys.readouterr().err


def _submitted(server: FakeBria, tmp_path: Path) -> str:
    server.plan_jobs(JobPlan(duration=30))
    photo = tmp_path / "s.png"
    photo.write_bytes(png_bytes("s"))
    assert main([*REMOVE, "--image", str(photo), "--no-wait"]) == 0
    return server.jobs[-1].request_id


def test_batch_no_wait_then_resume_then_skip(env: FakeBria, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = []
    for name in ("a", "b", "c"):
        path = tmp_path / f"{name}.png"
        path.write_bytes(png_bytes(name))
        paths.append(str(path))
    out = tmp_path / "out"
    batch = [*REMOVE, "--inputs", *paths, "--output-dir", str(out)]
    env.plan_jobs(JobPlan(duration=0.2))
    env.inject(
        "POST",
        "/v2/image/edit/",
        Fault(status=429, body=b'{"error": {"code": 429, "message": "slow"}}', headers={"Retry-After": "100"}),
    )

    assert main([*batch, "--no-wait"]) == 5
    text = capsys.readouterr().out
    assert "0 succeeded, 1 failed, 0 skipped (already done), 0 resumed; 2 submitted and not finished" in text

    assert main([*batch, "--json"]) == 5
    summary = json.loads(capsys.readouterr().out)
    assert (summary["succeeded"], summary["resumed"], summary["skipped"], summary["failed_before"]) == (2, 2, 1, 1)

    assert main(batch) == 5
    text = capsys.readouterr().out
    assert "3 skipped (already done)" in text and "1 of the skipped had failed before" in text
    assert env.count("POST", "/v2/image/edit/remove_background") == 3


def test_batch_usage_checks(env: FakeBria, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = str(tmp_path / "out")
    assert main([*REMOVE, "--inputs", "a.png", "--output-dir", out, "-o", "x.png"]) == EXIT_USAGE
    assert main([*REMOVE, "--input-dir", str(tmp_path / "missing"), "--output-dir", out]) == EXIT_USAGE
    assert main([*REMOVE, "--inputs", "a.png", "--output-dir", out, "--requests-per-minute", "free"]) == 5
    err = capsys.readouterr().err
    assert "names one file" in err and "not a folder" in err
    assert env.requests == []

"""The runtime's pure pieces, one decision per test: status derivation, the poll schedule, argument and
image checks, client options, the token's origin rule, results without a URL. No sockets."""

from __future__ import annotations

import asyncio
import base64
import io
import itertools
from pathlib import Path

import httpx
import pytest
from bria.resources.image_editing import _BACKGROUND_REMOVE

import bria
from bria import webhooks
from bria._auth import TokenAuth
from bria._jobs import Job, PollPlanner, ResultData, Waiter, derive_status
from bria._operation import ImageField, ImageSlot
from bria._results import AsyncResult, Result
from bria._validation import check_arguments
from bria.testing import png_bytes

PNG = png_bytes("input")


@pytest.mark.parametrize(
    ("payload", "state"),
    [
        ({"status": "completed"}, "COMPLETED"),
        ({"error": {"code": 1}}, "ERROR"),
        ({"result": {"image_url": "u"}}, "COMPLETED"),
        ({"status_url": "https://x"}, "IN_PROGRESS"),
        ({}, "UNKNOWN"),
        ({"status": "", "result": None}, "UNKNOWN"),
    ],
)
def test_a_jobs_status_is_derived_as_bria_does(payload: dict[str, object], state: str) -> None:
    assert derive_status(payload) == state


def test_the_learned_schedule_clusters_polls_around_the_usual_duration() -> None:
    planner = PollPlanner()
    for duration in (4.0, 4.5, 5.0, 5.5):
        planner.record("x.op", duration)
    times = iter(planner.schedule("x.op"))
    first = [next(times) for _ in range(12)]
    assert first[0] == pytest.approx(first[1] / 2, rel=0.5), "one sparse early poll"
    inside = [t for t in first if 4.0 <= t <= 5.5]
    assert len(inside) >= 4, "short steps across the observed range"
    assert all(b > a for a, b in itertools.pairwise(first)), "increasing"


def test_one_sample_is_its_own_quantile() -> None:
    planner = PollPlanner()
    planner.record("x.op", 2.0)
    assert next(iter(planner.schedule("x.op"))) == 0.1, "too few samples: back off from the minimum"


def test_a_waiter_that_runs_past_max_wait_says_how_long_it_waited() -> None:
    waiter = Waiter(Job(request_id="r", status_url="https://h/s", submitted_at=0.0), PollPlanner(), 1.0, now=0.0)
    with pytest.raises(bria.JobTimeoutError) as raised:
        for now in range(100):
            waiter.next_delay(now / 10)
    # It gives up as soon as the next poll on the schedule would fall past the deadline.
    assert raised.value.request_id == "r" and 0 < raised.value.waited <= 1.0


def test_a_documented_range_is_enforced_before_anything_is_sent() -> None:
    from bria.resources.image_generation import _IMAGE_GENERATE

    with pytest.raises(bria.ParameterError, match="steps_num: 34 is below the minimum 35"):
        check_arguments(_IMAGE_GENERATE, {"prompt": "a cat", "steps_num": 34})


@pytest.mark.parametrize(
    ("rule_fields", "value", "reason"),
    [
        ({"maximum": 10}, 11, "above the maximum 10"),
        ({"min_length": 2}, "a", "at least 2"),
        ({"max_length": 2}, "abc", "at most 2"),
        ({"min_items": 2}, [1], "at least 2 item"),
        ({"max_items": 1}, [1, 2], "at most 1 item"),
        ({"enum": ("a", "b")}, "c", "not one of"),
    ],
)
def test_each_kind_of_rule_is_enforced(rule_fields: dict[str, object], value: object, reason: str) -> None:
    from dataclasses import replace

    from bria._operation import Rule

    operation = replace(_BACKGROUND_REMOVE, rules=(Rule("x", **rule_fields),), required=())  # type: ignore[arg-type]
    with pytest.raises(bria.ParameterError, match=reason) as raised:
        check_arguments(operation, {"x": value})
    assert raised.value.parameter == "x"


SLOT = ImageSlot("image", (ImageField("file", "base64"),), ("png",))


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (b"", "empty"),
        (b"GIF89a....", "not a JPEG, PNG or WEBP"),
        (b"\xff\xd8\xff\xe0 jpeg", "JPEG is not accepted here"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "WEBP is not accepted here"),
        (12, "unsupported type int"),
        (io.StringIO("text"), "binary mode"),
        ("https://example.com/a.png", "takes no URL"),
    ],
)
def test_image_inputs_are_refused_with_the_reason(value: object, reason: str) -> None:
    from bria._images import resolve_image

    with pytest.raises(bria.ImageInputError, match=reason) as raised:
        resolve_image(SLOT, value, None)  # type: ignore[arg-type]
    assert raised.value.parameter == "image"


def test_a_directory_and_a_missing_file_are_refused(tmp_path: Path) -> None:
    from bria._images import resolve_image

    with pytest.raises(bria.ImageInputError, match="is not a file"):
        resolve_image(SLOT, tmp_path, None)
    with pytest.raises(bria.ImageInputError, match="not found"):
        resolve_image(SLOT, tmp_path / "missing.png", None)


def test_a_url_only_slot_refuses_local_bytes() -> None:
    from bria._images import resolve_image

    url_only = ImageSlot("image", (ImageField("image_url", "url"),), ("png",))
    with pytest.raises(bria.ImageInputError, match="only a URL"):
        resolve_image(url_only, PNG, None)


def test_a_file_object_keeps_its_name() -> None:
    from bria._images import load_local

    handle = io.BytesIO(PNG)
    handle.name = "/tmp/photos/cat.png"
    assert load_local("image", handle, ("png",)).name == "cat.png"


@pytest.mark.parametrize(
    ("options", "argument"),
    [
        ({"base_url": "ftp://engine.test"}, "base_url"),
        ({"max_retries": -1}, "max_retries"),
        ({"max_retries": True}, "max_retries"),
        ({"timeout": 3.0, "http_client": httpx.Client()}, "timeout"),
    ],
)
def test_bad_client_options_name_the_argument(options: dict[str, object], argument: str) -> None:
    with pytest.raises(bria.ParameterError) as raised:
        bria.Bria("t0ken", **options)  # type: ignore[arg-type]
    assert raised.value.parameter == argument and "t0ken" not in str(raised.value)


def test_no_token_is_an_error_before_anything_else(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BRIA_API_TOKEN", raising=False)
    with pytest.raises(bria.BriaError, match="BRIA_API_TOKEN"):
        bria.AsyncBria()


def test_the_token_goes_to_the_api_origin_only() -> None:
    auth = TokenAuth("t0ken", httpx.URL("https://engine.test"))
    on_api = next(auth.auth_flow(httpx.Request("GET", "https://engine.test:443/v2/status/x")))
    elsewhere = next(auth.auth_flow(httpx.Request("GET", "https://cdn.test/x", headers={"api_token": "t0ken"})))
    downgraded = next(auth.auth_flow(httpx.Request("GET", "http://engine.test/x")))
    assert on_api.headers["api_token"] == "t0ken"
    assert "api_token" not in elsewhere.headers and "api_token" not in downgraded.headers
    assert "t0ken" not in repr(auth) and "engine.test" in repr(auth)


def test_a_result_without_a_url_has_nothing_to_download(tmp_path: Path) -> None:
    with pytest.raises(bria.BriaError, match="no result URL"):
        Result("r", None, None, {}).download(tmp_path / "x")
    with pytest.raises(bria.BriaError, match="no result URL"):
        asyncio.run(AsyncResult("r", None, None, {}).download(tmp_path / "x"))


def test_a_failed_download_leaves_nothing_behind(tmp_path: Path) -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(403, text="expired"))
    client = bria.Bria("t0ken", http_client=httpx.Client(transport=transport))
    with client, pytest.raises(bria.BriaError, match="HTTP 403") as raised:
        client.download("https://bucket.test/out.png?X-Amz-Signature=secret", tmp_path / "out.png")
    assert "secret" not in str(raised.value) and list(tmp_path.iterdir()) == []


def test_an_async_download_is_saved_and_the_callers_client_stays_open(tmp_path: Path) -> None:
    async def scenario() -> tuple[Path, httpx.AsyncClient]:
        transport = httpx.MockTransport(lambda request: httpx.Response(200, content=b"bytes"))
        own = httpx.AsyncClient(transport=transport)
        async with bria.AsyncBria("t0ken", http_client=own) as client:
            saved = await client.download("https://bucket.test/out.png", tmp_path / "out.png")
        return saved, own

    saved, own = asyncio.run(scenario())
    assert saved.read_bytes() == b"bytes" and not own.is_closed


def test_a_signature_with_a_malformed_timestamp_or_tolerance_is_not_verified() -> None:
    common = {"webhook_id": "w", "signature_header": "v1,abc", "api_token": "t"}
    assert not webhooks.verify_signature(b"{}", timestamp="12a", tolerance=10, **common)
    assert not webhooks.verify_signature(b"{}", timestamp="12", tolerance=float("nan"), now=12, **common)
    assert not webhooks.verify_request({"x": "y"}, b"{}", api_token="t")


B64_PNG = base64.b64encode(PNG).decode("ascii")
BOTH = ImageSlot("image", (ImageField("image_url", "url"), ImageField("image", "base64")), ("png",))


@pytest.mark.parametrize("given", [B64_PNG, f"data:image/png;base64,{B64_PNG}", B64_PNG[:40] + "\n" + B64_PNG[40:]])
def test_base64_and_data_uris_are_sent_as_given_where_base64_is_taken(given: str) -> None:
    from bria._images import resolve_image

    assert resolve_image(BOTH, given, None) == {"image": B64_PNG}


def test_base64_sent_as_given_is_checked_without_decoding_all_of_it(monkeypatch: pytest.MonkeyPatch) -> None:
    # A 16 MB base64 upload decoded only to look at it would cost 12 MB more (bench/peak_rss.py).
    from bria import _images

    decoded: list[int] = []
    real = base64.b64decode
    monkeypatch.setattr(_images.base64, "b64decode", lambda text: decoded.append(len(text)) or real(text))
    big = base64.b64encode(PNG + bytes(3_000_000)).decode("ascii")
    assert _images.resolve_image(BOTH, big, None) == {"image": big}
    assert decoded and max(decoded) <= 16
    too_big = base64.b64encode(PNG + bytes(13 * 1024 * 1024)).decode("ascii")
    with pytest.raises(bria.ImageInputError, match="over the 12 MB limit"):
        _images.resolve_image(BOTH, too_big, None)


def test_base64_is_decoded_for_a_binary_part() -> None:
    from bria._images import resolve_image

    binary = ImageSlot("image", (ImageField("file", "binary"),), ("png",))
    part = resolve_image(binary, B64_PNG, lambda **fields: fields)["file"]
    assert part["payload"].read() == PNG and part["mime_type"] == "image/png"


def test_base64_that_is_not_an_image_is_refused_like_bytes() -> None:
    from bria._images import resolve_image

    with pytest.raises(bria.ImageInputError, match="not a JPEG, PNG or WEBP"):
        resolve_image(BOTH, base64.b64encode(b"GIF89a" * 40).decode(), None)


def test_a_long_string_that_is_neither_is_quoted_by_a_short_prefix() -> None:
    from bria._images import resolve_image

    huge = "not base64 at all! " * 1_000_000
    with pytest.raises(bria.ImageInputError) as raised:
        resolve_image(BOTH, huge, None)
    assert len(str(raised.value)) < 300 and "neither an http(s) URL, base64 image data" in str(raised.value)


def test_an_image_opened_in_text_mode_and_an_empty_string_are_refused(tmp_path: Path) -> None:
    from bria._images import resolve_image

    photo = tmp_path / "photo.png"
    photo.write_bytes(PNG)
    with photo.open() as text, pytest.raises(bria.ImageInputError, match="binary mode"):
        resolve_image(BOTH, text, None)  # type: ignore[arg-type]
    with pytest.raises(bria.ImageInputError, match="empty string"):
        resolve_image(BOTH, "", None)


def test_a_file_named_like_base64_is_read_as_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bria._images import resolve_image

    name = "A" * 64
    (tmp_path / name).write_bytes(PNG)
    monkeypatch.chdir(tmp_path)
    assert resolve_image(BOTH, name, None) == {"image": B64_PNG}


def test_a_result_can_be_read_without_a_file_and_a_failed_download_is_typed(tmp_path: Path) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if "expired" in request.url.path:
            return httpx.Response(403, text="Request has expired")
        return httpx.Response(200, content=PNG)

    with bria.Bria("t0ken", http_client=httpx.Client(transport=httpx.MockTransport(answer))) as client:
        result = client._result(ResultData("r1", "https://cdn.test/out.png", 1, {}))
        assert result.read() == PNG
        expired = client._result(ResultData("r2", "https://cdn.test/expired.png?X-Amz-Signature=secret", 1, {}))
        with pytest.raises(bria.DownloadError) as raised:
            expired.download(tmp_path / "x.png")
        assert (
            raised.value.status_code == 403 and "secret" not in str(raised.value) and "secret" not in raised.value.url
        )
        with pytest.raises(bria.ParameterError, match="is a folder") as refused:
            result.download(tmp_path)
        assert refused.value.parameter == "path" and list(tmp_path.iterdir()) == []


def test_an_async_result_can_be_read_without_a_file() -> None:
    async def scenario() -> bytes:
        transport = httpx.MockTransport(lambda request: httpx.Response(200, content=PNG))
        async with bria.AsyncBria("t0ken", http_client=httpx.AsyncClient(transport=transport)) as client:
            return await client._result(ResultData("r1", "https://cdn.test/out.png", 1, {})).read()

    assert asyncio.run(scenario()) == PNG


def test_learned_durations_carry_over_to_a_fresh_process(tmp_path: Path) -> None:
    from bria._history import HistoryFile

    store = HistoryFile(tmp_path / "cache" / "poll-history.json")
    first = PollPlanner(store)
    for duration in (4.0, 4.4, 4.8):
        first.record("image_editing.background_remove", duration)
    first.flush()  # as the client's close() or the interpreter's exit does
    fresh = PollPlanner(HistoryFile(store.path))
    assert next(iter(fresh.schedule("image_editing.background_remove"))) > 1.0, "warm from its first job"
    assert next(iter(PollPlanner().schedule("image_editing.background_remove"))) == 0.1, "no history: cold"
    assert "request" not in store.path.read_text() and len(store.load()["image_editing.background_remove"]) == 3


@pytest.mark.parametrize("content", ["not json", "[1, 2]", '{"x": "nope", "y": [1, "a", -2, true]}'])
def test_a_garbled_history_file_costs_only_the_learning(tmp_path: Path, content: str) -> None:
    from bria._history import HistoryFile

    path = tmp_path / "poll-history.json"
    path.write_text(content)
    planner = PollPlanner(HistoryFile(path))
    assert next(iter(planner.schedule("y"))) == 0.1
    planner.record("y", 2.0)
    assert HistoryFile(path).load()["y"][-1] == 2.0


def test_where_the_history_lives(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bria._history import history_for

    monkeypatch.setenv("BRIA_POLL_HISTORY", "off")
    assert history_for(True) is None and history_for(False) is None
    monkeypatch.delenv("BRIA_POLL_HISTORY")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    found = history_for(True)
    assert found is not None and found.path == tmp_path / "bria-openapi" / "poll-history.json"
    assert history_for(tmp_path / "mine.json").path == tmp_path / "mine.json"  # type: ignore[union-attr]
    with pytest.raises(bria.ParameterError, match="poll_history"):
        bria.Bria("t0ken", poll_history=3)  # type: ignore[arg-type]


def test_the_history_is_saved_at_once_then_at_most_every_few_seconds_and_at_close(tmp_path: Path) -> None:
    from bria._constants import SAVE_INTERVAL
    from bria._history import HistoryFile

    store, now = HistoryFile(tmp_path / "poll-history.json"), [0.0]
    planner = PollPlanner(store, clock=lambda: now[0])
    planner.record("a", 1.0)
    assert store.load() == {"a": [1.0]}, "a one-job script has saved what it learned"
    for duration in (2.0, 3.0):
        planner.record("a", duration)
    planner.record("b", 4.0)
    assert store.load() == {"a": [1.0]}, "a batch does not rewrite the file per job"
    now[0] += SAVE_INTERVAL
    planner.record("a", 5.0)
    assert store.load() == {"a": [1.0, 2.0, 3.0, 5.0], "b": [4.0]}
    planner.record("b", 6.0)
    planner.flush()
    assert store.load()["b"] == [4.0, 6.0]


def test_a_process_that_never_closes_its_client_saves_its_history_at_exit(tmp_path: Path) -> None:
    import subprocess
    import sys

    from bria._history import HistoryFile

    path = tmp_path / "poll-history.json"
    script = (
        f"import bria; c = bria.Bria('t0ken', poll_history={str(path)!r})\n"
        "for d in (1.0, 2.0, 3.0): c._session.planner.record('a', d)\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True)
    assert HistoryFile(path).load() == {"a": [1.0, 2.0, 3.0]}


def test_closing_a_client_saves_its_unsaved_history(tmp_path: Path) -> None:
    from bria._history import HistoryFile

    path = tmp_path / "poll-history.json"
    client = bria.Bria("t0ken", poll_history=path)
    client._session.planner.record("a", 1.0)
    client._session.planner.record("a", 2.0)
    client.close()
    assert HistoryFile(path).load() == {"a": [1.0, 2.0]}


def test_an_unwritable_history_never_fails_a_call(tmp_path: Path) -> None:
    from bria._history import HistoryFile

    blocker = tmp_path / "file"
    blocker.write_text("")
    PollPlanner(HistoryFile(blocker / "sub" / "poll-history.json")).record("x", 1.0)


def test_a_file_for_a_binary_part_is_streamed_from_disk_not_read_into_memory(tmp_path: Path) -> None:
    from bria._images import resolve_image

    photo = tmp_path / "cat.png"
    photo.write_bytes(PNG)
    binary = ImageSlot("image", (ImageField("file", "binary"),), ("png",))
    part = resolve_image(binary, str(photo), lambda **fields: fields)["file"]
    assert isinstance(part["payload"], io.BufferedReader) and part["payload"].read() == PNG
    assert (part["file_name"], part["mime_type"]) == ("cat.png", "image/png")
    part["payload"].close()
    (tmp_path / "fake.png").write_bytes(b"GIF89a not a png")
    with pytest.raises(bria.ImageInputError, match="not a JPEG, PNG or WEBP"):
        resolve_image(binary, tmp_path / "fake.png", lambda **fields: fields)

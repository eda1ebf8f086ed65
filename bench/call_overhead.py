"""Client CPU per synchronous call: `bria` against raw `httpx` (target <= 1.10x) and bria-client.

`python -m bench.call_overhead`. The test server runs in its own process, so `time.process_time()`
counts only the client's CPU. Each round times BENCH_CALLS (default 200) calls per client,
interleaved, the order alternating; the ratio is the median over BENCH_ROUNDS (default 9) rounds of
ours / raw-httpx measured in the same round.

- v1 `remove_background(image=<url>)`: a multipart POST answered at once. Raw httpx sends the same
  multipart fields to the same URL and decodes the JSON. bria-client has no v1 API.
- v2 `remove_background(image=<url>, sync=True)` with jobs of 0 s: a JSON POST answered with the
  result. Raw httpx posts the same JSON; bria-client's `run()` is the same request (it adds
  `sync: true`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx

from bria import Bria

from ._common import (
    IMAGE_URL,
    TOKEN,
    Report,
    Row,
    bria_client_status,
    env_int,
    finish,
    median,
    ratio_text,
    server_process,
    verdict,
)

TARGET = 1.10
V2_PATH = "/v2/image/edit/remove_background"


def _cpu_per_call(call: Callable[[], Any], n: int) -> float:
    started = time.process_time()
    for _ in range(n):
        call()
    return (time.process_time() - started) / n


def _clients(base_url: str) -> tuple[dict[str, Callable[[], Any]], dict[str, Callable[[], Any]], list[Any]]:
    ours = Bria(TOKEN, base_url=base_url)
    raw = httpx.Client(timeout=60.0)
    headers = {"api_token": TOKEN}
    closers: list[Any] = [ours, raw]

    def raw_v1() -> Any:
        response = raw.post(
            f"{base_url}/v1/background/remove",
            files=[("image_url", (None, IMAGE_URL.encode(), "text/plain"))],
            headers=headers,
        )
        response.raise_for_status()
        return response.json()["result_url"]

    def raw_v2() -> Any:
        response = raw.post(f"{base_url}{V2_PATH}", json={"image": IMAGE_URL, "sync": True}, headers=headers)
        response.raise_for_status()
        return response.json()["result"]["image_url"]

    v1 = {
        "ours": lambda: ours.image_editing_v1.remove_background(image=IMAGE_URL),
        "httpx": raw_v1,
    }
    v2 = {
        "ours": lambda: ours.image_editing.background_remove(image=IMAGE_URL, sync=True),
        "httpx": raw_v2,
    }
    usable, _ = bria_client_status()
    if usable:
        from bria_client import BriaSyncClient

        theirs = BriaSyncClient(base_url=base_url, api_token=TOKEN)
        closers.append(theirs)

        def their_v2() -> Any:
            response = theirs.run(
                endpoint="image/edit/remove_background", payload={"image": IMAGE_URL}, raise_for_status=True
            )
            return response.result

        v2["bria_client"] = their_v2
    return v1, v2, closers


def _measure(calls: dict[str, Callable[[], Any]], rounds: int, n: int) -> dict[str, list[float]]:
    for call in calls.values():  # connections, caches, lazily imported modules
        for _ in range(max(20, n // 5)):
            call()
    samples: dict[str, list[float]] = {name: [] for name in calls}
    names = list(calls)
    for index in range(rounds):
        for name in names if index % 2 == 0 else reversed(names):
            samples[name].append(_cpu_per_call(calls[name], n))
    return samples


def _row(metric: str, samples: dict[str, list[float]], note: str) -> tuple[Row, dict[str, Any]]:
    per_call = {name: median(values) for name, values in samples.items()}
    paired = {
        name: median([a / b for a, b in zip(values, samples["httpx"], strict=True)])
        for name, values in samples.items()
        if name != "httpx"
    }
    baselines = f"httpx {per_call['httpx'] * 1e6:.0f} us"
    ratios = ratio_text(paired["ours"], "httpx")
    if "bria_client" in per_call:
        baselines += f"; bria-client {per_call['bria_client'] * 1e6:.0f} us"
        ratios += f"; {ratio_text(per_call['ours'] / per_call['bria_client'], 'bria-client')}"
        note += f" bria-client vs httpx: {paired['bria_client']:.2f}x."
    row = Row(
        metric=metric,
        ours=f"{per_call['ours'] * 1e6:.0f} us",
        baselines=baselines,
        ratio=ratios,
        target=f"<= {TARGET:.2f}x httpx",
        result=verdict(paired["ours"] <= TARGET),
        note=note,
    )
    return row, {"cpu_per_call_s": per_call, "paired_ratio_vs_httpx": paired, "samples_s": samples}


def main() -> None:
    started = time.monotonic()
    rounds = env_int("BENCH_ROUNDS", 9)
    n = env_int("BENCH_CALLS", 200)
    usable, client_text = bria_client_status()
    report = Report("call_overhead", "python -m bench.call_overhead")
    with server_process(job_duration=0.0) as base_url:
        v1, v2, closers = _clients(base_url)
        try:
            v1_samples = _measure(v1, rounds, n)
            v2_samples = _measure(v2, rounds, n)
        finally:
            for closer in closers:
                closer.close()
    common = (
        f"client CPU (time.process_time) per call, median of {rounds} rounds x {n} calls; "
        "ratio = median of per-round ratios."
    )
    row1, details1 = _row(
        "CPU per sync call: v1 remove_background (multipart, URL input)",
        v1_samples,
        common + " bria-client has no v1 API.",
    )
    row2, details2 = _row(
        "CPU per sync call: v2 remove_background sync=True (JSON)",
        v2_samples,
        common + ("" if usable else f" {client_text}."),
    )
    report.rows += [row1, row2]
    report.details = {"rounds": rounds, "calls_per_round": n, "v1": details1, "v2_sync": details2}
    finish(report, started)


if __name__ == "__main__":
    main()

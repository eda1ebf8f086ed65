"""Peak RSS of sending a 12 MiB local image: `bria` against raw `httpx` (target <= 1.10x) and bria-client.

`python -m bench.peak_rss`. The image is 12 MiB (the API's limit) of random bytes behind a PNG
signature, in a file. Each measurement is a fresh interpreter (`bench._rss_worker`) that imports its
client, sends one request and reports its peak RSS (`VmHWM`; `ru_maxrss` would include this
process's own peak, inherited through exec - see bench/_rss_worker.py); the server runs in its own process. Median of
BENCH_RSS_RUNS (default 5) runs per mode, interleaved.

- v1 `remove_background(image=path)`: multipart upload. Raw httpx: `files={"file": open(path, "rb")}`
  (httpx streams an open file in 64 KiB chunks). Also shown: raw httpx given the file's bytes.
- v2 `remove_background(image=base64 string)`: the caller already holds the upload as base64 (made before
  the client is imported); ours sends it as given, raw httpx posts it in `json=`.
- v2 `remove_background(image=path)`: JSON with the image base64-encoded, then the job is waited for.
  Raw httpx: `json={"image": base64(path.read_bytes())}`, then polls. bria-client (info): its
  `Image(...)` cannot take this file (it decodes paths with PIL), so it gets the base64 string.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from ._common import (
    OUT,
    REPO,
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
IMAGE_BYTES = 12 * 1024 * 1024
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _image() -> Path:
    path = OUT / "tmp" / "random-12MiB.png"
    if not path.exists() or path.stat().st_size != IMAGE_BYTES:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(PNG_SIGNATURE + os.urandom(IMAGE_BYTES - len(PNG_SIGNATURE)))
    return path


def _run(mode: str, image: Path, base_url: str) -> dict[str, int]:
    done = subprocess.run(
        [sys.executable, "-m", "bench._rss_worker", mode, str(image), base_url],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{mode} failed: {done.stderr[-2000:]}")
    result: dict[str, int] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _mib(kib: float) -> str:
    return f"{kib / 1024:.1f} MiB"


def main() -> None:
    started = time.monotonic()
    runs = env_int("BENCH_RSS_RUNS", 5)
    usable, client_text = bria_client_status()
    modes = ["ours-v1", "httpx-v1", "httpx-v1-bytes", "ours-v2", "httpx-v2", "ours-v2-base64", "httpx-v2-base64"]
    modes += ["bria_client-v2"] if usable else []
    image = _image()
    samples: dict[str, list[dict[str, int]]] = {mode: [] for mode in modes}
    with server_process(job_duration=0.0) as base_url:
        for index in range(runs):
            for mode in modes if index % 2 == 0 else list(reversed(modes)):
                samples[mode].append(_run(mode, image, base_url))
    peak = {mode: median([s["peak_kib"] for s in samples[mode]]) for mode in modes}
    imported = {mode: median([s["import_kib"] for s in samples[mode]]) for mode in modes}
    growth = {mode: peak[mode] - imported[mode] for mode in modes}

    report = Report("peak_rss", "python -m bench.peak_rss")
    labels = (
        ("v1", "v1 multipart, from a path"),
        ("v2", "v2 JSON, from a path"),
        ("v2-base64", "v2 JSON, from base64"),
    )
    for api, label in labels:
        ours, raw = f"ours-{api}", f"httpx-{api}"
        ratio = peak[ours] / peak[raw]
        baselines = f"httpx {_mib(peak[raw])}"
        ratios = ratio_text(ratio, "httpx")
        note = (
            f"fresh interpreter per run, median of {runs}; growth over the imported client: ours "
            f"{_mib(growth[ours])}, httpx {_mib(growth[raw])}; after import: ours {_mib(imported[ours])}, "
            f"httpx {_mib(imported[raw])}."
        )
        if api == "v2" and usable:
            theirs = "bria_client-v2"
            baselines += f"; bria-client {_mib(peak[theirs])}"
            ratios += f"; {ratio_text(peak[ours] / peak[theirs], 'bria-client')}"
            note += (
                f" bria-client: after import {_mib(imported[theirs])}, growth {_mib(growth[theirs])} "
                "(given a base64 string: its Image() decodes paths with PIL)."
            )
        elif api == "v2":
            note += f" {client_text}."
        elif api == "v2-base64":
            note += " The caller holds the image as a base64 string (made before the import); both send it as given."
        else:
            raw_bytes = "httpx-v1-bytes"
            baselines += f"; httpx with the file's bytes {_mib(peak[raw_bytes])}"
            ratios += f"; {ratio_text(peak[ours] / peak[raw_bytes], 'httpx+bytes')}"
            note += " bria-client has no v1 API."
        report.rows.append(
            Row(
                metric=f"peak RSS sending a 12 MiB image ({label})",
                ours=_mib(peak[ours]),
                baselines=baselines,
                ratio=ratios,
                target=f"<= {TARGET:.2f}x httpx",
                result=verdict(ratio <= TARGET),
                note=note,
            )
        )
    report.details = {
        "runs": runs,
        "image_bytes": IMAGE_BYTES,
        "peak_kib": peak,
        "import_kib": imported,
        "growth_kib": growth,
        "samples": samples,
        "bria_client": client_text,
    }
    finish(report, started)


if __name__ == "__main__":
    main()

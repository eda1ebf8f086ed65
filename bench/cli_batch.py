"""Batch throughput of the `bria` command against `AsyncBria` used directly, on the same files and server.

`python -m bench.cli_batch`. BENCH_CLI_BATCH_IMAGES (default 100) local PNG files, jobs of
BENCH_CLI_BATCH_DURATION (default 0.2 s) on the test server in its own process, concurrency
BENCH_CLI_BATCH_CONCURRENCY (default 8, the command's default); items per second, median of
BENCH_CLI_BATCH_REPEATS (default 3) runs, interleaved.

- ours: `bria image_editing background_remove --input-dir ... --output-dir ...` in a fresh process, timed from
  start to exit (interpreter start-up, outcomes.jsonl written and flushed per event, results downloaded).
- baseline: one `AsyncBria` in this process doing the same work per file (submit, wait, download) with an
  `asyncio.Semaphore` of the same size: what a script written against the SDK gets.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bria import AsyncBria

from ._common import REPO, TOKEN, Report, Row, env_float, env_int, finish, median, server_process


def _images(folder: Path, count: int) -> list[Path]:
    from bria.testing import png_bytes

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(count):
        path = folder / f"img{index:04d}.png"
        path.write_bytes(png_bytes(f"bench-{index}"))
        paths.append(path)
    return paths


def _cli(base_url: str, inputs: Path, out: Path, concurrency: int) -> float:
    env = {**os.environ, "BRIA_API_TOKEN": TOKEN, "BRIA_BASE_URL": base_url}
    command = [sys.executable, "-m", "bria.cli", "image_editing", "background_remove"]
    command += ["--input-dir", str(inputs), "--output-dir", str(out), "--concurrency", str(concurrency)]
    started = time.perf_counter()
    subprocess.run(command, cwd=REPO, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


async def _sdk(base_url: str, images: list[Path], out: Path, concurrency: int) -> float:
    semaphore = asyncio.Semaphore(concurrency)
    started = time.perf_counter()
    async with AsyncBria(TOKEN, base_url=base_url) as client:

        async def one(path: Path) -> None:
            async with semaphore:
                result = await client.image_editing.background_remove(image=str(path))
                await result.download(out / path.name)

        await asyncio.gather(*(one(path) for path in images))
    return time.perf_counter() - started


def main() -> None:
    started = time.monotonic()
    count = env_int("BENCH_CLI_BATCH_IMAGES", 100)
    duration = env_float("BENCH_CLI_BATCH_DURATION", 0.2)
    concurrency = env_int("BENCH_CLI_BATCH_CONCURRENCY", 8)
    repeats = env_int("BENCH_CLI_BATCH_REPEATS", 3)
    samples: dict[str, list[float]] = {"cli": [], "sdk": []}
    work = Path(tempfile.mkdtemp(prefix="bench-cli-batch-"))
    try:
        images = _images(work / "in", count)
        with server_process(job_duration=duration) as base_url:
            for repeat in range(repeats):
                cli_out, sdk_out = work / f"cli-{repeat}", work / f"sdk-{repeat}"
                samples["cli"].append(count / _cli(base_url, work / "in", cli_out, concurrency))
                sdk_out.mkdir()
                samples["sdk"].append(count / asyncio.run(_sdk(base_url, images, sdk_out, concurrency)))
                assert len(list(cli_out.glob("*.png"))) == count, "the CLI batch did not finish every image"
                print(f"  cli {samples['cli'][-1]:.1f} items/s, sdk {samples['sdk'][-1]:.1f} items/s", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    cli, sdk = median(samples["cli"]), median(samples["sdk"])
    ideal = concurrency / duration
    report = Report("cli_batch", "python -m bench.cli_batch")
    report.rows.append(
        Row(
            metric="CLI batch throughput (bria ... --input-dir vs AsyncBria directly)",
            ours=f"{cli:.1f} items/s",
            baselines=f"AsyncBria {sdk:.1f} items/s",
            ratio=f"{cli / sdk:.2f}x AsyncBria",
            target="info",
            result="info",
            note=(
                f"{count} local PNGs, jobs of {duration:g} s, concurrency {concurrency} (ideal {ideal:.0f} items/s), "
                f"server in its own process, median of {repeats}; the CLI's figure includes its process start-up "
                "and outcomes.jsonl"
            ),
        )
    )
    report.details = {
        "images": count,
        "duration_s": duration,
        "concurrency": concurrency,
        "repeats": repeats,
        "samples_items_per_s": samples,
    }
    finish(report, started)


if __name__ == "__main__":
    main()

"""`wait()` from a cold start: one fresh process per job, as a script or a CLI call runs.

`python -m bench.cold_wait`. The test server runs in this process; each job is a new interpreter
that imports `bria`, submits one v2 job, waits and prints `time.monotonic()` when it has the result
(Linux's monotonic clock is shared by all processes, so overshoot = returned - the server's
`completed_at`). Status calls per job = the server's poll count. Per duration band
(BENCH_COLD_DURATIONS, default "1,3.5,6"; jobs +- 10 %, deterministic):

- ours, with the poll history (`bria/_history.py`): BENCH_COLD_JOBS (default 6) processes in a row sharing
  one history file, as repeated runs of a script do. The first three have too little history to plan
  with; the figure is the median over the later ones ("with history").
- ours, no history (`poll_history=False`): 3 processes, each as cold as a first run ever.
- bria-client 0.3.1: `submit` + `poll` (its fixed 1 s interval) for as many jobs, one at a time.

Target (issue 11) for the processes with history: median overshoot <= half of bria-client's, and
median status calls <= bria-client's + 2.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bria.testing import FakeBria, JobPlan

from ._common import IMAGE_URL, REPO, TOKEN, Report, Row, bria_client_status, env_int, finish, median, verdict
from .wait_overshoot import _jittered

_CHILD = """
import json, sys, time, bria
history = sys.argv[2] if sys.argv[2] != "off" else False
with bria.Bria(sys.argv[3], base_url=sys.argv[1], poll_history=history) as client:
    result = client.image_editing.background_remove(image=sys.argv[4])
print(json.dumps({"request_id": result.request_id, "returned": time.monotonic()}))
"""
_LEARNING = 3


def _durations() -> tuple[float, ...]:
    text = os.environ.get("BENCH_COLD_DURATIONS", "1,3.5,6")
    return tuple(float(part) for part in text.split(",") if part.strip())


def _process_job(server: FakeBria, history: str) -> dict[str, float]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO / "src"), str(REPO / "generated/python")]))
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, server.base_url, history, TOKEN, IMAGE_URL],
        capture_output=True, text=True, env=env, check=True, timeout=120,
    )  # fmt: skip
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    info = server.job(answer["request_id"])
    assert info.completed_at is not None
    return {"overshoot": answer["returned"] - info.completed_at, "polls": float(info.polls)}


def _bria_client_jobs(server: FakeBria, jobs: int, duration: float) -> list[dict[str, float]]:
    from bria_client import BriaAsyncClient

    async def run() -> list[dict[str, float]]:
        samples = []
        async with BriaAsyncClient(base_url=server.base_url, api_token=TOKEN) as theirs:
            for _ in range(jobs):
                submitted = await theirs.submit(
                    endpoint="image/edit/remove_background", payload={"image": IMAGE_URL}, raise_for_status=True
                )
                done = await theirs.poll(submitted, timeout=max(60, int(duration * 3)))
                returned = time.monotonic()
                info = server.job(str(done.request_id))
                assert info.completed_at is not None
                samples.append({"overshoot": returned - info.completed_at, "polls": float(info.polls)})
        return samples

    return asyncio.run(run())


def _fmt(samples: list[dict[str, float]]) -> str:
    return (
        f"{median([s['overshoot'] for s in samples]) * 1e3:.0f} ms, {median([s['polls'] for s in samples]):.0f} calls"
    )


def main() -> None:
    started = time.monotonic()
    jobs = max(env_int("BENCH_COLD_JOBS", 6), _LEARNING + 1)
    usable, client_text = bria_client_status()
    report = Report("cold_wait", "python -m bench.cold_wait")
    bands: list[dict[str, Any]] = []
    with FakeBria(token=TOKEN, validate=False) as server, tempfile.TemporaryDirectory() as folder:
        for duration in _durations():
            server.plan_jobs(JobPlan(duration=_jittered(duration, 0.10, seed=int(duration * 1000))))
            history = str(Path(folder) / f"history-{duration:g}.json")
            with_history = [_process_job(server, history) for _ in range(jobs)]
            without = [_process_job(server, "off") for _ in range(3)]
            theirs = _bria_client_jobs(server, jobs, duration) if usable else []
            band = {"duration_s": duration, "with_history": with_history, "no_history": without, "bria_client": theirs}
            bands.append(band)
            learned = with_history[_LEARNING:]
            print(
                f"  {duration:g} s: with history {_fmt(learned)}, first runs {_fmt(with_history[:_LEARNING])}, "
                f"no history {_fmt(without)}" + (f", bria-client {_fmt(theirs)}" if theirs else ""),
                flush=True,
            )
            ok = None
            if theirs:
                ours_over = median([s["overshoot"] for s in learned])
                ours_calls = median([s["polls"] for s in learned])
                their_over = median([s["overshoot"] for s in theirs])
                their_calls = median([s["polls"] for s in theirs])
                ok = ours_over <= their_over / 2 and ours_calls <= their_calls + 2
            report.rows.append(
                Row(
                    metric=f"cold-process wait() {duration:g} s jobs: median overshoot, status calls/job",
                    ours=f"with history {_fmt(learned)}; first {_LEARNING} runs {_fmt(with_history[:_LEARNING])}; "
                    f"no history {_fmt(without)}",
                    baselines=f"bria-client {_fmt(theirs)}" if theirs else client_text,
                    ratio="n/a",
                    target="<= 1/2 of bria-client's overshoot, <= its calls + 2 (with history)",
                    result=verdict(ok),
                    note=f"{jobs} fresh processes in a row sharing one history file; 'with history' = runs "
                    f"{_LEARNING + 1}-{jobs}; 'no history' = 3 runs with poll_history=False.",
                )
            )
    report.details = {"bands": bands, "jobs": jobs, "bria_client": client_text}
    finish(report, started)


if __name__ == "__main__":
    main()

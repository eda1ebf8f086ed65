"""Job handles: submit without waiting, do other work, then wait - by handle or by request_id.

Run: `python examples/jobs_and_wait.py`
"""

from __future__ import annotations

from _local import IMAGE_URL, api

import bria
from bria import Bria

IMAGE = IMAGE_URL  # any image URL Bria can download


def main() -> None:
    with api(job_duration=0.5) as where, Bria(where.token, base_url=where.base_url) as client:
        # wait=False returns a Job at once: request_id and status_url, nothing polled yet.
        jobs = [client.image_editing.background_remove(image=IMAGE, wait=False) for _ in range(3)]
        for job in jobs:
            print(f"submitted {job.request_id}")

        # ... other work here ...

        # client.wait(job) polls the Status Service until the job is done and returns its Result.
        for job in jobs:
            result = client.wait(job)
            print(f"{job.request_id} done: {result.image_url}")

        # A request_id alone is enough (e.g. stored in a database by another process).
        again = client.wait(jobs[0].request_id)
        assert again.image_url == client.wait(jobs[0]).image_url

        # A wait has a limit (max_wait); the job keeps running on Bria's side and can be waited for again.
        if where.server is not None:
            from bria.testing import JobPlan

            where.server.plan_jobs(JobPlan(duration=5.0))
        slow = client.image_editing.background_remove(image=IMAGE, wait=False)
        try:
            client.wait(slow, max_wait=1.0)
        except bria.JobTimeoutError as error:
            print(f"not yet: {error}")
        else:
            if where.server is not None:
                raise AssertionError("expected a JobTimeoutError")


if __name__ == "__main__":
    main()

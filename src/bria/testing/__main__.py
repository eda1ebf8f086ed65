"""Run FakeBria in the foreground: `python -m bria.testing --port 8765 --token demo-token` (Ctrl-C stops it)."""

from __future__ import annotations

import argparse

from ._server import FakeBria, JobPlan


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bria.testing", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--token", default="demo-token", help="the api_token clients must send")
    parser.add_argument("--job-duration", type=float, default=0.5, help="seconds until a v2 job finishes")
    parser.add_argument("--outcome", default="COMPLETED", help="COMPLETED, ERROR, NEVER or any status string")
    parser.add_argument("--webhook-url", help="POST every job's final status here (a loopback URL)")
    parser.add_argument("--no-validate", action="store_true", help="do not check requests against the specs")
    args = parser.parse_args(argv)

    server = FakeBria(
        token=args.token, host=args.host, port=args.port, validate=not args.no_validate, webhook_url=args.webhook_url
    )
    server.plan_jobs(JobPlan(duration=args.job_duration, outcome=args.outcome))
    server.start()
    print(f"Bria test server on {server.base_url} (api_token={args.token!r}); Ctrl-C to stop", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()

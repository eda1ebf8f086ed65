"""A local Bria API server (v1, v2, Status Service, result downloads) for tests, examples and benchmarks."""

from ._server import BriaTestServer, Fault, JobInfo, JobPlan, RecordedRequest, png_bytes

__all__ = ["BriaTestServer", "Fault", "JobInfo", "JobPlan", "RecordedRequest", "png_bytes"]

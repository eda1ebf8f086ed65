"""A local Bria API server (v1, v2, Status Service, result downloads) for tests, examples and benchmarks."""

from ._server import FakeBria, Fault, JobInfo, JobPlan, RecordedRequest, png_bytes

__all__ = ["FakeBria", "Fault", "JobInfo", "JobPlan", "RecordedRequest", "png_bytes"]

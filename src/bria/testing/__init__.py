"""A fake Bria API for tests: `FakeBria` serves every operation of the effective specs on 127.0.0.1.

```python
from bria import Bria
from bria.testing import FakeBria, Fault, JobPlan

with FakeBria(token="t") as fake, Bria("t", base_url=fake.base_url) as client:
    fake.plan_jobs(JobPlan(duration=0.1))
    fake.inject("POST", "/v2/image/edit", Fault(status=429, headers={"Retry-After": "0"}))
    client.image_editing.remove_background(image="https://example.com/a.png")
    assert fake.count("POST", "/v2/image/edit/remove_background") == 2
```

The pytest plugin (`bria.testing.pytest_plugin`, registered as the `bria` pytest11 entry point) provides the
fixtures `fake_bria`, `bria_client` and `async_bria_client`. Request validation needs jsonschema
(`pip install bria-openapi[testing]`); importing this package does not.
"""

from ._server import FakeBria, Fault, JobInfo, JobPlan, RecordedRequest, WebhookDelivery, png_bytes

__all__ = ["FakeBria", "Fault", "JobInfo", "JobPlan", "RecordedRequest", "WebhookDelivery", "png_bytes"]

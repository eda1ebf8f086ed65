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

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._server import FakeBria, Fault, JobInfo, JobPlan, RecordedRequest, WebhookDelivery, png_bytes

__all__ = ["FakeBria", "Fault", "JobInfo", "JobPlan", "RecordedRequest", "WebhookDelivery", "png_bytes"]


def __getattr__(name: str) -> Any:
    # The server module loads on first use, so pytest loading the plugin (bria.testing.pytest_plugin, a
    # submodule: this package is imported first) does not pay for the HTTP server and its imports.
    if name in __all__:
        value = getattr(importlib.import_module("._server", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*__all__, *(name for name in globals() if name.startswith("__"))})

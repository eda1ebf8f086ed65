"""One request with a large local image, in a fresh interpreter; prints its peak RSS as JSON.

`python -m bench._rss_worker <mode> <image path> <base url>`; run by `bench.peak_rss`. Prints
{"import_kib": peak RSS after the imports, "peak_kib": peak RSS after the call, "ru_maxrss_kib": ...}.

Peak RSS is `VmHWM` from /proc/self/status, the high-water mark of this process's own address space.
`ru_maxrss` is printed too but not used: on Linux it carries over the parent's peak through
fork/vfork + exec (the parent's high-water mark is saved into the child's at exec), so a child of a
big benchmark process reports the parent's size.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path
from typing import Any

TOKEN = "bench-token"  # bench._common.TOKEN; not imported, so nothing but the client is loaded
V1_PATH = "/v1/background/remove"
V2_PATH = "/v2/image/edit/remove_background"


def _maxrss_kib() -> int:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux; see the module docstring


def _poll(get: Any, status_url: str) -> None:
    while True:
        status = get(status_url).json()
        if status.get("status") != "IN_PROGRESS":
            assert status.get("status") == "COMPLETED", status
            return
        time.sleep(0.05)


def main() -> None:
    mode, path, base_url = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
    headers = {"api_token": TOKEN}
    if mode.endswith("-base64"):
        # What a user holding an upload has: the image as a base64 string, made before the client is imported.
        import base64

        encoded = base64.b64encode(path.read_bytes()).decode("ascii")
    if mode in ("ours-v1", "ours-v2", "ours-v2-base64"):
        from bria import Bria

        client: Any = Bria(TOKEN, base_url=base_url)
        imported = _maxrss_kib()
        if mode == "ours-v1":
            client.image_editing_v1.remove_background(image=path)
        elif mode == "ours-v2":
            client.image_editing.background_remove(image=path)
        else:
            client.image_editing.background_remove(image=encoded)
    elif mode == "httpx-v2-base64":
        import httpx

        client = httpx.Client(timeout=60.0)
        imported = _maxrss_kib()
        answer = client.post(base_url + V2_PATH, json={"image": encoded}, headers=headers).raise_for_status().json()
        _poll(lambda url: client.get(url, headers=headers), answer["status_url"])
    elif mode in ("httpx-v1", "httpx-v1-bytes", "httpx-v2"):
        import base64

        import httpx

        client = httpx.Client(timeout=60.0)
        imported = _maxrss_kib()
        if mode == "httpx-v1":
            with path.open("rb") as file:  # httpx streams an open file in chunks
                files = {"file": (path.name, file, "image/png")}
                client.post(base_url + V1_PATH, files=files, headers=headers).raise_for_status().json()
        elif mode == "httpx-v1-bytes":  # the file read into memory first, as `bria` does
            files = {"file": (path.name, path.read_bytes(), "image/png")}
            client.post(base_url + V1_PATH, files=files, headers=headers).raise_for_status().json()
        else:
            body = {"image": base64.b64encode(path.read_bytes()).decode("ascii")}
            answer = client.post(base_url + V2_PATH, json=body, headers=headers).raise_for_status().json()
            del body
            _poll(lambda url: client.get(url, headers=headers), answer["status_url"])
    elif mode == "bria_client-v2":
        import base64

        from bria_client import BriaSyncClient
        from bria_client.toolkit.image import Image

        client = BriaSyncClient(base_url=base_url, api_token=TOKEN)
        imported = _maxrss_kib()
        # Image(<local path>) decodes and re-encodes the picture with PIL, which random bytes with a PNG
        # header are not; its documented other local input is a base64 string, so that is what it gets.
        image = Image(base64.b64encode(path.read_bytes()).decode("ascii")).as_bria_api_input
        submitted = client.submit(endpoint="image/edit/remove_background", payload={"image": image})
        del image
        client.poll(submitted, raise_for_status=True)
    else:
        raise SystemExit(f"unknown mode {mode!r}")
    ru_maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"import_kib": imported, "peak_kib": _maxrss_kib(), "ru_maxrss_kib": ru_maxrss}))


if __name__ == "__main__":
    main()

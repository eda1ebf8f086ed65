"""Quickstart: remove the background of a local photo and save the cut-out.

Run: `python examples/quickstart.py`
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from _local import api, sample_png

from bria import Bria


def main() -> None:
    with api() as where, tempfile.TemporaryDirectory() as tmp:
        photo = sample_png(Path(tmp))  # use your own: Path("photo.jpg")
        with Bria(where.token, base_url=where.base_url) as client:  # Bria() reads BRIA_API_TOKEN
            # A v2 edit is a job: the call submits it, waits for it and returns the result.
            result = client.image_editing.background_remove(image=photo)
            print(f"request {result.request_id}: {result.image_url} (seed {result.seed})")

            saved = result.download(Path(tmp) / "cutout.png")
            print(f"saved {saved.name}: {saved.stat().st_size} bytes")
            assert saved.read_bytes().startswith(b"\x89PNG")


if __name__ == "__main__":
    main()

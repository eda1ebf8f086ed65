"""Each line below must be rejected by mypy (test_typing.py counts the errors)."""

from __future__ import annotations

import bria


def misuse(client: bria.Bria) -> None:
    client.image_editing.background_remove()  # missing image
    client.image_editing.background_remove(image="a.png", colour="red")  # unknown argument
    client.image_editing.background_replace(image="a.png", mode="turbo")  # not an enum value
    client.image_editing.blur_bg(image="a.png", scale="high")  # wrong type
    client.image_editing_v1.erase(image="a.png")  # mask is required

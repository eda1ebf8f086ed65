"""Each line below must be rejected by mypy (test_typing.py counts the errors)."""

from __future__ import annotations

import bria


def misuse(client: bria.Bria) -> None:
    client.v2.remove_background()  # missing image
    client.v2.remove_background(image="a.png", colour="red")  # unknown argument
    client.v2.replace_background(image="a.png", mode="turbo")  # not an enum value
    client.v2.blur_background(image="a.png", scale="high")  # wrong type
    client.v1.erase(image="a.png")  # mask is required

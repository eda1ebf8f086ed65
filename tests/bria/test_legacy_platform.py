"""The deprecated v1 platform routes (`legacy_platform`, reconstructed from Bria's rendered v1 reference) through
the real client over an `httpx.MockTransport`: routes and token, only the caller's values sent (plus v1's
sync=true), every call warns with its v2 replacement, and the information routes' answers and codes."""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable

import httpx
import pytest

import bria

TOKEN = "sentinel-token-legacy-51e2"
BASE = "https://engine.test"
Handler = Callable[[httpx.Request], httpx.Response]


def client_for(answer: Handler) -> tuple[bria.Bria, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return answer(request)

    http = httpx.Client(transport=httpx.MockTransport(handler))
    return bria.Bria(TOKEN, base_url=BASE, http_client=http, max_retries=0, poll_history=False), seen


def test_text_to_image_sends_only_what_is_set_and_warns_with_the_replacement() -> None:
    answer = {"result": [{"urls": ["https://cdn.test/1.png"], "seed": 7}]}
    client, seen = client_for(lambda r: httpx.Response(200, json=answer))
    with pytest.warns(DeprecationWarning, match=r"Use client\.image_generation\.image_generate\(\.\.\.\) instead"):
        result = client.legacy_platform.text_to_image_base(model_version="2.3", prompt="a lighthouse", num_results=1)
    (request,) = seen
    assert str(request.url) == f"{BASE}/v1/text-to-image/base/2.3"
    assert request.headers["api_token"] == TOKEN
    # No page default (num_results 4, aspect_ratio 1:1, steps 30 ...) is sent; sync=true is v1's finish flag.
    assert json.loads(request.content) == {"prompt": "a lighthouse", "num_results": 1, "sync": True}
    # The page documents no body: the open model keeps whatever came.
    assert result.additional_properties == answer


def test_the_nonstandard_209_is_an_answer_too() -> None:
    client, _ = client_for(lambda r: httpx.Response(209, json={"result": []}))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        result = client.legacy_platform.text_to_image_base(model_version="2.3", prompt="x")
    assert result.additional_properties == {"result": []}


def test_tailored_names_its_replacement_and_model_id_is_one_path_segment() -> None:
    client, seen = client_for(lambda r: httpx.Response(200, json={}))
    with pytest.warns(DeprecationWarning, match=r"tailored_generation\.image_generate_tailored"):
        client.legacy_platform.text_to_image_tailored(model_id="a b/../c", prompt="x")
    assert seen[0].url.raw_path.decode() == "/v1/text-to-image/tailored/a%20b%2F..%2Fc"


@pytest.mark.parametrize(
    ("call", "reason"),
    [
        (lambda c: c.legacy_platform.text_to_image_fast(model_version="2.2", prompt="x"), "model_version"),
        (lambda c: c.legacy_platform.text_to_image_fast(model_version="2.3", steps_num=11), "steps_num"),
        (lambda c: c.legacy_platform.text_to_image_hd(model_version="2.2", num_results=5), "num_results"),
    ],
)
def test_the_pages_ranges_and_values_are_checked_before_sending(
    call: Callable[[bria.Bria], object], reason: str
) -> None:
    client, seen = client_for(lambda r: httpx.Response(200, json={}))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        with pytest.raises(bria.ParameterError) as raised:
            call(client)
    assert raised.value.parameter == reason
    assert seen == []


def test_information_routes_parse_their_samples() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/objects/info"):
            return httpx.Response(200, json=[{"id": "o1"}, {"id": "o2"}])
        if request.url.path.endswith("/background/info"):
            return httpx.Response(200, json={"id": "bg", "type": "background", "labels": None, "rect": None})
        return httpx.Response(200, json={"description": "Coming Soon", "scene": [], "org_width": 640})

    client, seen = client_for(answer)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        info = client.legacy_platform.get_image_info(visual_id="8487fb411f3c6716", lean=True)
        background = client.legacy_platform.get_background_info(visual_id="f49943971e3039c7")
        objects = client.legacy_platform.get_objects_info(visual_id="92bf8ce17584de82")
    assert info.description == "Coming Soon" and info.org_width == 640
    assert background.type_ == "background" and background.labels is None
    assert [o.additional_properties["id"] for o in objects] == ["o1", "o2"]
    assert [str(r.url) for r in seen] == [
        f"{BASE}/v1/8487fb411f3c6716/info?lean=true",
        f"{BASE}/v1/f49943971e3039c7/background/info",
        f"{BASE}/v1/92bf8ce17584de82/objects/info",
    ]


@pytest.mark.parametrize(("status", "error"), [(205, bria.APIStatusError), (506, bria.UnsupportedInputError)])
def test_not_onboarded_yet_and_unsupported_input_are_errors(status: int, error: type[bria.APIStatusError]) -> None:
    client, seen = client_for(lambda r: httpx.Response(status, text="File hasn't finished onboarding."))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        with pytest.raises(error) as raised:
            client.legacy_platform.get_objects_info(visual_id="92bf8ce17584de82")
    assert raised.value.status_code == status
    assert len(seen) == 1  # neither is retried: a 205 is the caller's to call again, a 506 is the input's


def test_replace_bg_returns_an_image_result_and_sends_sync_true() -> None:
    rows = {"result": [["https://cdn.test/bg1.png", "123", "sid-1"], ["https://cdn.test/bg2.png", "456", "sid-2"]]}
    client, seen = client_for(lambda r: httpx.Response(200, json=rows))
    with pytest.warns(DeprecationWarning, match=r"image_editing\.background_replace"):
        result = client.legacy_platform.replace_bg(
            visual_id="fa8f8572986ccb03", bg_prompt="a parking lot", desired_resolution="hd"
        )
    assert isinstance(result, bria.ImageResult)
    assert result.image_url == "https://cdn.test/bg1.png"
    assert result.answer.result == rows["result"]
    assert str(seen[0].url) == f"{BASE}/v1/fa8f8572986ccb03/replace_bg"
    assert json.loads(seen[0].content) == {"bg_prompt": "a parking lot", "desired_resolution": "hd", "sync": True}


def test_replace_bg_checks_num_results_and_the_512_is_a_server_error() -> None:
    client, seen = client_for(lambda r: httpx.Response(512, text="Insufficient resources to process the request."))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        with pytest.raises(bria.ParameterError):
            client.legacy_platform.replace_bg(visual_id="v", num_results=0)
        assert seen == []
        with pytest.raises(bria.InternalServerError) as raised:
            client.legacy_platform.replace_bg(visual_id="v")
    assert raised.value.status_code == 512 and len(seen) == 1  # a POST is never retried after a 5xx


def test_the_mask_generator_answers_the_zip_url() -> None:
    url = "https://bria-image-repository.s3.amazonaws.com/mask2click/masks/92bf8ce17584de82.zip"
    client, seen = client_for(lambda r: httpx.Response(200, json={"objects_masks": url}))
    with pytest.warns(DeprecationWarning, match="legacy_platform.generate_object_masks is deprecated"):
        result = client.legacy_platform.generate_object_masks(visual_id="92bf8ce17584de82")
    assert result.image_url == url
    assert (seen[0].method, str(seen[0].url)) == ("POST", f"{BASE}/v1/92bf8ce17584de82/objects/mask_generator")


def test_image_expansion_checks_its_pairs_and_returns_the_result_url() -> None:
    answer = {"result_url": "https://cdn.test/expanded.png", "sid": "sid-9", "seed": 3}
    client, seen = client_for(lambda r: httpx.Response(200, json=answer))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        with pytest.raises(bria.ParameterError) as raised:
            client.legacy_platform.image_expansion(visual_id="8487fb411f3c6716", canvas_size=[1000, 1000, 3])
        assert raised.value.parameter == "canvas_size" and seen == []
        result = client.legacy_platform.image_expansion(
            visual_id="8487fb411f3c6716", canvas_size=(1200, 800), original_image_location=[-66, 0]
        )
    assert result.image_url == answer["result_url"] and result.answer.sid == "sid-9"
    assert json.loads(seen[0].content) == {"canvas_size": [1200, 800], "original_image_location": [-66, 0]}


def test_campaign_generator_needs_a_template_or_layouts_and_takes_hex_colours() -> None:
    client, seen = client_for(lambda r: httpx.Response(200, json={"ads": [{"url": "https://cdn.test/ad.png"}]}))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        with pytest.raises(bria.ParameterError, match="template_id"):
            client.legacy_platform.campaign_generator(visual_id="8487fb411f3c6716", header1_text="Sale")
        assert seen == []
        answer = client.legacy_platform.campaign_generator(
            visual_id="8487fb411f3c6716", layout_ids=["l1", "l2"], header1_color="#FF5500"
        )
    assert answer.ads[0].additional_properties == {"url": "https://cdn.test/ad.png"}
    assert json.loads(seen[0].content) == {"layout_ids": ["l1", "l2"], "header1_color": "#FF5500"}


def test_caption_returns_its_results() -> None:
    client, seen = client_for(lambda r: httpx.Response(200, json={"results": ["a lighthouse at dusk"]}))
    with pytest.warns(DeprecationWarning, match="legacy_platform.get_caption is deprecated"):
        answer = client.legacy_platform.get_caption(visual_id="8487fb411f3c6716")
    assert answer.results == ["a lighthouse at dusk"]
    assert str(seen[0].url) == f"{BASE}/v1/8487fb411f3c6716/caption"

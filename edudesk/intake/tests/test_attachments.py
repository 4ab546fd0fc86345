"""The screenshot policy, on real bytes: only JPEG and PNG, judged by content, re-encoded."""

import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from edudesk.intake import attachments
from edudesk.intake.attachments import (
    AttachmentPolicy,
    AttachmentRefused,
    Upload,
    accept_screenshot,
    check_uploads,
    sniff,
)
from edudesk.intake.tests import files

RULE = "Изображения, вставленные в файлы .doc, .zip или .rar, не принимаются к рассмотрению."


def refusal(name: str, data: bytes, policy: AttachmentPolicy = attachments.DEFAULT_POLICY) -> str:
    with pytest.raises(AttachmentRefused) as caught:
        accept_screenshot(Upload(name, data), policy)
    return caught.value.message


def decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_png_screenshot_is_accepted_and_reencoded_as_png():
    image = accept_screenshot(Upload("ошибка.png", files.png(120, 80)))
    assert (image.format, image.width, image.height) == ("PNG", 120, 80)
    assert image.content_type == "image/png"
    assert decoded(image.data).size == (120, 80)


def test_jpeg_screenshot_is_accepted_and_reencoded_as_jpeg():
    image = accept_screenshot(Upload("screen.jpg", files.jpeg(200, 100)))
    assert image.format == "JPEG"
    assert decoded(image.data).format == "JPEG"


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("отчёт.pdf", files.pdf_one_page(), "документ PDF"),
        ("скриншоты.zip", files.zip_archive(), "архив ZIP"),
        ("скриншоты.rar", files.rar5_empty_archive(), "архив RAR"),
        ("ошибка.docx", files.docx_with_picture(), "документ Word (.docx)"),
        ("ошибка.doc", files.doc_ole(), "документ Word (.doc)"),
        ("notes.txt", "Не выставляются оценки".encode(), "файл неизвестного формата"),
    ],
)
def test_a_document_or_archive_is_refused_quoting_the_rule(name, data, kind):
    message = refusal(name, data)
    assert f"«{name}»" in message
    assert kind in message
    assert RULE in message
    assert ".jpeg или .png" in message


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [("screen.gif", files.gif(), "изображение GIF"), ("screen.webp", files.webp(), "изображение WebP")],
)
def test_a_picture_in_another_format_is_told_jpeg_or_png_only(name, data, kind):
    message = refusal(name, data)
    assert message.startswith(f"Файл «{name}» не принят: это {kind}.")
    assert "Принимаются только снимки экрана в формате JPEG или PNG" in message
    assert RULE not in message


def test_zip_renamed_to_png_is_refused_as_an_archive():
    message = refusal("картинка1.png", files.zip_archive())
    assert "архив ZIP" in message
    assert RULE in message


def test_png_renamed_to_doc_is_accepted_because_content_decides():
    image = accept_screenshot(Upload("картинка.doc", files.png()))
    assert image.format == "PNG"
    assert image.numbered_name(1) == "картинка1.png"


def test_declared_content_type_is_ignored():
    message = refusal("scan.png", files.pdf_one_page())
    assert "документ PDF" in message


@pytest.mark.parametrize("maker", [files.png, files.jpeg])
def test_truncated_image_is_refused_as_damaged(maker):
    data = maker(300, 300)
    message = refusal("screen", data[: len(data) // 2])
    assert "повреждён или обрезан" in message


def test_png_with_broken_checksum_is_refused():
    data = bytearray(files.png())
    data[40] ^= 0xFF  # inside IDAT: the CRC no longer matches
    assert "повреждён" in refusal("screen.png", bytes(data))


def test_decompression_bomb_is_refused_before_decoding():
    bomb = files.png_bomb(30_000)
    assert len(bomb) < 1024 * 1024  # small on disk, 900 megapixels when decoded
    message = refusal("bomb.png", bomb)
    assert "слишком большое" in message
    assert "не более 40 мегапикселей" in message


def test_pillow_guard_still_refuses_a_bomb_when_the_policy_allows_more_pixels():
    message = refusal("bomb.png", files.png_bomb(30_000), AttachmentPolicy(max_pixels=10**10))
    assert "слишком большое" in message


def test_image_below_pillows_guard_but_over_the_policy_is_refused_with_its_size():
    message = refusal("bomb.png", files.png_bomb(8_000), AttachmentPolicy(max_pixels=50_000_000))
    assert "8000×8000" in message


def test_image_over_the_pixel_limit_is_refused():
    message = refusal("wide.png", files.png(200, 100), AttachmentPolicy(max_pixels=10_000))
    assert "200×100" in message


def test_file_over_the_byte_limit_is_refused_before_it_is_read():
    message = refusal("big.png", files.png(), AttachmentPolicy(max_bytes=100))
    assert "слишком большой" in message


def test_empty_file_is_refused():
    assert "неизвестного формата" in refusal("empty.png", b"")


def test_exif_gps_and_comment_are_stripped_and_orientation_applied():
    original = files.jpeg_with_gps_and_orientation()
    assert b"secret comment" in original
    image = accept_screenshot(Upload("photo.jpg", original))
    clean = decoded(image.data)
    assert not clean.getexif()
    assert b"secret comment" not in image.data
    assert "comment" not in clean.info
    assert clean.size == (40, 80)  # rotated as the phone displayed it


def test_png_text_chunks_are_stripped():
    image = accept_screenshot(Upload("screen.png", files.png_with_text_chunk("login=ivanova")))
    assert b"login=ivanova" not in image.data
    assert not decoded(image.data).text


def test_polyglot_png_with_appended_zip_loses_the_zip():
    polyglot = files.png() + files.zip_archive({"evil.html": b"<script>alert(1)</script>"})
    assert sniff(polyglot) == "png"
    image = accept_screenshot(Upload("screen.png", polyglot))
    assert b"PK\x03\x04" not in image.data
    assert b"<script>" not in image.data


@pytest.mark.parametrize("mode", ["RGBA", "L", "P", "1"])
def test_png_modes_survive_reencoding(mode):
    image = accept_screenshot(Upload("screen.png", files.png(10, 10, mode=mode)))
    assert decoded(image.data).size == (10, 10)


def test_count_limit_per_message_includes_files_already_attached():
    uploads = [Upload(f"s{n}.png", files.png()) for n in range(3)]
    accepted, refused = check_uploads(uploads, AttachmentPolicy(max_count=4), already_attached=2)
    assert [image.original_name for image in accepted] == ["s0.png", "s1.png"]
    assert [item.name for item in refused] == ["s2.png"]
    assert "не более 4 снимков экрана" in refused[0].message


def test_mixed_uploads_keep_good_images_and_report_each_bad_file():
    accepted, refused = check_uploads(
        [Upload("a.png", files.png()), Upload("b.zip", files.zip_archive())]
    )
    assert [image.original_name for image in accepted] == ["a.png"]
    assert [item.name for item in refused] == ["b.zip"]


def test_pictures_are_named_like_the_seed_suggests():
    assert attachments.picture_label(2) == "картинка2"
    assert attachments.picture_name(3, ".jpeg") == "картинка3.jpeg"


# --- robustness: whatever the bytes, the answer is a screenshot or a refusal ------------------

_REAL = [files.png(40, 30), files.jpeg(40, 30), files.png(8, 8, mode="P")]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    original=st.sampled_from(_REAL),
    flips=st.lists(st.tuples(st.integers(min_value=0), st.integers(0, 255)), max_size=8),
    cut=st.one_of(st.none(), st.integers(min_value=1)),
)
def test_damaged_images_are_refused_never_crash(original, flips, cut):
    data = bytearray(original)
    for position, value in flips:
        data[position % len(data)] = value
    if cut is not None:
        data = data[: cut % len(data) or 1]
    try:
        image = accept_screenshot(Upload("s.png", bytes(data)))
    except AttachmentRefused as refusal:
        assert refusal.message
    else:
        assert decoded(image.data).size == (image.width, image.height)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=512))
def test_arbitrary_bytes_are_refused_never_crash(data):
    with pytest.raises(AttachmentRefused):
        accept_screenshot(Upload("s.png", data))

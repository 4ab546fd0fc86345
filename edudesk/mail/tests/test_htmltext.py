"""HTML mail: readable text for the ticket, sanitised HTML for display."""

from __future__ import annotations

from edudesk.mail.htmltext import html_to_text, sanitise_html


def test_blocks_breaks_lists_and_links_become_readable_lines():
    html = (
        "<div>Здравствуйте!<br>Не&nbsp;открывается <b>журнал</b>.</div><p>Шаги:</p>"
        '<ol><li>войти</li><li>открыть <a href="https://eschool.example/journal">журнал</a></li></ol>'
    )
    assert html_to_text(html) == (
        "Здравствуйте!\nНе открывается журнал.\nШаги:\n- войти\n"
        "- открыть журнал (https://eschool.example/journal)"
    )


def test_blockquotes_become_quoted_lines_and_scripts_vanish():
    html = "<p>Chrome 131</p><blockquote><p>Уточните браузер</p></blockquote><script>x()</script>"
    assert html_to_text(html) == "Chrome 131\n> Уточните браузер"


def test_preformatted_text_keeps_its_lines():
    assert html_to_text("<pre>line 1\n  line 2</pre>") == "line 1\n  line 2"


def test_sanitising_removes_scripts_handlers_styles_javascript_links_and_cid_images():
    html = (
        '<p onclick="steal()" style="color:red">Текст</p><script>alert(1)</script>'
        '<a href="javascript:alert(1)">ссылка</a><img src="cid:img1" alt="картинка1" onerror="x()">'
        '<iframe src="https://evil.example"></iframe>'
    )
    clean = sanitise_html(html)
    assert clean == (
        '<p>Текст</p><a rel="noopener noreferrer nofollow">ссылка</a><img alt="картинка1">'
    )


def test_inline_images_are_named_by_file_and_resolved_only_to_the_urls_given():
    from edudesk.mail.htmltext import resolve_inline_images

    stored = sanitise_html(
        '<img src="cid:%3Cshot@tb%3E" alt="снимок"><a href="cid:shot@tb">ссылка</a>'
        '<img src="edudesk-inline:forged.png" alt="подделка"><img src="../../desk/sign-out">',
        {"shot@tb": "снимок экрана.png"},
    )
    assert stored == (
        '<img src="edudesk-inline:%D1%81%D0%BD%D0%B8%D0%BC%D0%BE%D0%BA%20%D1%8D%D0%BA%D1%80%D0%B0'
        '%D0%BD%D0%B0.png" alt="снимок"><a rel="noopener noreferrer nofollow">ссылка</a>'
        '<img alt="подделка"><img>'
    )
    shown = resolve_inline_images(stored + '<img src="edudesk-inline:other.png" alt="чужой">',
                                  {"снимок экрана.png": "/desk/t/INC0000123/a/1"})
    assert shown == (
        '<img src="/desk/t/INC0000123/a/1" alt="снимок"><a rel="noopener noreferrer nofollow">'
        'ссылка</a><img alt="подделка"><img><img alt="чужой">'
    )

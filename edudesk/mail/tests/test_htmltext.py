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

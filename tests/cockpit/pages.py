"""Reading the cockpit's HTML in tests: a widget's section, its links, the rows of the task list behind a link."""

from __future__ import annotations

import html
import re

LINK = re.compile(r'<a href="([^"]+)"([^>]*)>([^<]*)</a>')


def get(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def section(page: str, widget_id: str) -> str:
    """The HTML of the widget section whose id is ``widget_id`` ("" when the page has none)."""
    start = page.find('<section class="widget')
    while start != -1:
        end = page.find("</section>", start)
        if f'id="{widget_id}"' in page[start:page.find(">", start)]:
            return page[start:end]
        start = page.find('<section class="widget', end)
    return ""


def widget_ids(page: str) -> list[str]:
    return re.findall(r'<section class="widget[^"]*" id="([^"]+)"', page)


def links(fragment: str, marker: str = "") -> list[tuple[str, str]]:
    """(address, text) of the links in ``fragment`` whose attributes contain ``marker``."""
    return [(html.unescape(url), text.strip()) for url, attrs, text in LINK.findall(fragment) if marker in attrs]


def task_rows(client, url: str) -> list[str]:
    """The task codes listed by the task list at ``url``."""
    page = get(client, url)
    body = page[page.find('<table class="tasks">'):]
    body = body[:body.find("</table>")]
    return re.findall(r'<a href="/tasks/\d+/">([^<]+)</a>', body)

"""Bar charts as server-rendered SVG: no script, no CDN; every bar is a link (drill-down).

A chart is a list of groups (one per period or value), each with one bar per series; bars of
a stacked chart sit on each other. The numbers are also given as a table beneath every chart
by the template, so the chart is never the only way to read them.
"""

from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 720, 240
LEFT, BOTTOM, TOP = 40, 36, 12


@dataclass(frozen=True)
class Series:
    label: str
    css: str


@dataclass
class Group:
    label: str
    values: list[float]
    links: list[str] = field(default_factory=list)


def bar_chart(title: str, series: list[Series], groups: list[Group], *, stacked: bool = False,
              unit: str = "") -> SafeString:
    plot_w, plot_h = WIDTH - LEFT - 8, HEIGHT - BOTTOM - TOP
    top = max([sum(g.values) if stacked else max(g.values, default=0) for g in groups] or [0]) or 1
    slot = plot_w / max(len(groups), 1)
    per_bar = slot * 0.8 / (1 if stacked else max(len(series), 1))
    # A chart with links to its tickets is a group of links; one without, a picture.
    role = "group" if any(group.links for group in groups) else "img"
    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="{role}" '
             f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
             f'<title>{escape(title)}</title>',
             f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - 8}" y2="{TOP + plot_h}" stroke="#999"/>',
             f'<text x="{LEFT - 4}" y="{TOP + 10}" text-anchor="end">{_number(top)}{escape(unit)}</text>',
             f'<text x="{LEFT - 4}" y="{TOP + plot_h}" text-anchor="end">0</text>']
    label_every = max(1, len(groups) // 12)
    for index, group in enumerate(groups):
        x0 = LEFT + index * slot + slot * 0.1
        base = TOP + plot_h
        for position, (one, value) in enumerate(zip(series, group.values, strict=True)):
            height = plot_h * value / top if value > 0 else 0
            x = x0 if stacked else x0 + position * per_bar
            y = base - height
            tip = f"{group.label}: {one.label} — {_number(value)}{unit}"
            rect = (f'<rect class="{one.css}" x="{x:.1f}" y="{y:.1f}" width="{max(per_bar - 1, 1):.1f}" '
                    f'height="{height:.1f}"><title>{escape(tip)}</title></rect>')
            link = group.links[position] if position < len(group.links) else ""
            parts.append(f'<a href="{escape(link)}" aria-label="{escape(tip)}">{rect}</a>' if link
                         else rect)
            if stacked:
                base = y
        if index % label_every == 0:
            parts.append(f'<text x="{x0 + slot * 0.4:.1f}" y="{HEIGHT - BOTTOM + 14}" '
                         f'text-anchor="middle">{escape(group.label)}</text>')
    parts.append("</svg>")
    # Every text put into the markup above is escaped.
    return mark_safe("".join(parts))


def _number(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"

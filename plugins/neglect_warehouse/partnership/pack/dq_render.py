"""The agency data quality report as HTML: ``templates/dq_report.html.j2`` (its CSS inlined)
rendered with what dq_shape.py made, and the small inline SVG charts of the trend. No script,
no external resource: one self-contained file."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from neglect_warehouse.partnership.pack import formats

TEMPLATES = Path(__file__).resolve().parent / "templates"
TEMPLATE = "dq_report.html.j2"


@cache
def _environment():
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(["html", "j2"], default=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pct"] = formats.percent
    env.filters["thousands"] = formats.count
    env.filters["date"] = formats.date
    return env


def sparkline(values: list[float | None], label: str, width: int = 132, height: int = 30) -> str:
    """A small inline SVG line of ``values`` (oldest first; None leaves a gap), the newest
    point marked. Returns SVG markup (no script, no external reference)."""
    known = [v for v in values if v is not None]
    title = f"{label}: " + ", ".join("–" if v is None else f"{v:g}" for v in values)
    title = title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if not known:
        return ""
    lo, hi = min(known), max(known)
    span = hi - lo or 1.0
    pad = 4
    n = len(values)
    step = (width - 2 * pad) / (n - 1) if n > 1 else 0

    def point(i, v):
        x = pad + i * step if n > 1 else width / 2
        y = height - pad - (v - lo) / span * (height - 2 * pad) if hi > lo else height / 2
        return round(x, 1), round(y, 1)

    segments: list[list[tuple[float, float]]] = []
    current: list[tuple[float, float]] = []
    for i, v in enumerate(values):
        if v is None:
            if current:
                segments.append(current)
            current = []
        else:
            current.append(point(i, v))
    if current:
        segments.append(current)
    parts = [
        f'<svg class="spark" xmlns="http://www.w3.org/2000/svg" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="{title}">',
        f"<title>{title}</title>",
    ]
    for seg in segments:
        if len(seg) > 1:
            pts = " ".join(f"{x},{y}" for x, y in seg)
            parts.append(
                f'<polyline points="{pts}" fill="none" stroke="#1d4e89" stroke-width="1.5"/>'
            )
    for seg in segments:
        for x, y in seg:
            parts.append(f'<circle cx="{x}" cy="{y}" r="1.8" fill="#1d4e89"/>')
    if values[-1] is not None:
        x, y = point(n - 1, values[-1])
        parts.append(f'<circle cx="{x}" cy="{y}" r="3.2" fill="#d9480f"/>')
    parts.append("</svg>")
    return "".join(parts)


def render_html(context: dict) -> str:
    """The report of one delivery (``dq_shape.report_context``) as HTML."""
    import markupsafe

    sparks = [
        # built here from numbers only, so safe to insert as markup
        {**s, "svg": markupsafe.Markup(sparkline(s["series"], s["label"]))}
        for s in context["sparks"]
    ]
    return _environment().get_template(TEMPLATE).render(**{**context, "sparks": sparks})

"""``transfernews report``: one self-contained HTML page about a window of time.

The page needs nothing but itself: the CSS is inline and the charts are inline SVG drawn
with matplotlib (text kept as text, metadata and namespace URLs stripped), so it can be
mailed, archived or opened offline, and it makes no request of any kind. Every chart has
a table with the same figures under it. The figures come from :mod:`storage.reporting`.
"""
from __future__ import annotations

import html
import io
import re
from datetime import datetime, timezone

from storage.reporting import ReportData

#: fixed colours, so a type keeps its colour from one report to the next
TYPE_COLOURS = {
    "transfer": "#1f77b4", "loan": "#17becf", "free_transfer": "#2ca02c", "contract_extension": "#bcbd22",
    "termination": "#8c564b", "appointment": "#9467bd", "dismissal": "#d62728", "resignation": "#ff7f0e",
    "rumour": "#7f7f7f",
}
PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
           "#17becf"]

CSS = """
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: #1d2733;
       margin: 0 auto; max-width: 1100px; padding: 1.5em; background: #fafbfc; }
h1 { font-size: 1.7em; margin: 0 0 .2em; }
h2 { font-size: 1.25em; margin: 2em 0 .6em; border-bottom: 2px solid #dde3ea; padding-bottom: .2em; }
.meta { color: #5a6978; margin: 0; }
.totals { display: flex; gap: 1em; flex-wrap: wrap; margin: 1em 0; padding: 0; list-style: none; }
.totals li { background: #fff; border: 1px solid #dde3ea; border-radius: 6px; padding: .5em 1em; }
.totals strong { display: block; font-size: 1.4em; }
figure { margin: 0 0 1em; background: #fff; border: 1px solid #dde3ea; border-radius: 6px; padding: .5em; }
figure svg { display: block; max-width: 100%; height: auto; }
figcaption { color: #5a6978; font-size: .9em; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; background: #fff; font-size: .92em; }
th, td { border: 1px solid #dde3ea; padding: .3em .6em; text-align: left; vertical-align: top; }
th { background: #eef2f6; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.empty { color: #5a6978; font-style: italic; }
.bad { color: #b3261e; font-weight: 600; }
.ok { color: #1e7b34; }
footer { margin-top: 3em; color: #5a6978; font-size: .85em; }
"""


class ReportError(Exception):
    """The report cannot be made; the message says why."""


def _pyplot():
    try:
        import matplotlib
    except ImportError:
        raise ReportError("report needs matplotlib: pip install 'transfernews[report]'") from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"svg.fonttype": "none", "svg.hashsalt": "transfernews", "font.size": 9,
                         "axes.spines.top": False, "axes.spines.right": False})
    return plt


def _svg(fig, plt) -> str:
    """The figure as inline SVG with no URL in it: no XML prolog, DOCTYPE, RDF metadata or
    namespace declarations (HTML parsing puts an inline ``<svg>`` in the SVG namespace)."""
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    svg = re.sub(r'\s+xmlns(:\w+)?="[^"]*"', "", svg)
    return svg.replace("<svg", '<svg role="img"', 1)


def _e(value) -> str:
    return html.escape("" if value is None else str(value))


def _table(table_id: str, header: list[str], rows: list[list], numeric: set[int] = frozenset()) -> str:
    head = "".join(f'<th scope="col">{_e(h)}</th>' for h in header)
    body = "".join(
        "<tr>" + "".join(f'<td class="n">{_e(v)}</td>' if i in numeric else f"<td>{_e(v)}</td>"
                         for i, v in enumerate(row)) + "</tr>"
        for row in rows)
    return (f'<div class="table-wrap"><table id="{table_id}"><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table></div>")


def _figure(chart_id: str, svg: str, caption: str) -> str:
    return f'<figure class="chart" id="{chart_id}">{svg}<figcaption>{_e(caption)}</figcaption></figure>'


def _empty(message: str) -> str:
    return f'<p class="empty">{_e(message)}</p>'


def _day(d) -> str:
    return d.isoformat()


def _stacked_bars(plt, labels: list[str], series: list[tuple[str, list[int], str]], ylabel: str):
    """A stacked bar chart; zero-height bars are not drawn (a long window stays small)."""
    fig, ax = plt.subplots(figsize=(9, 3.4))
    bottom = [0] * len(labels)
    for name, values, colour in series:
        shown = [i for i, v in enumerate(values) if v]
        ax.bar(shown, [values[i] for i in shown], bottom=[bottom[i] for i in shown], label=name, color=colour)
        bottom = [b + v for b, v in zip(bottom, values)]
    step = max(1, -(-len(labels) // 16))  # at most 16 labels
    ax.set_xticks(range(0, len(labels), step), labels[::step], rotation=45 if len(labels) > 8 else 0)
    ax.set_xlim(-0.6, len(labels) - 0.4)
    ax.set_ylabel(ylabel)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    return fig


def _events_section(data: ReportData, plt) -> str:
    if not data.event_count:
        return _empty("No events in this window.")
    weeks, types = list(data.events_per_week), data.event_types
    series = [(kind, [data.events_per_week[w].get(kind, 0) for w in weeks], TYPE_COLOURS.get(kind, PALETTE[i % 10]))
              for i, kind in enumerate(types)]
    fig = _stacked_bars(plt, [w.strftime("%d %b %y" if len(weeks) > 26 else "%d %b") for w in weeks], series, "events")
    rows = [[_day(w)] + [data.events_per_week[w].get(t, 0) for t in types] + [sum(data.events_per_week[w].values())]
            for w in weeks if data.events_per_week[w]]
    return (_figure("chart-events-per-week", _svg(fig, plt),
                    "Events per week (weeks start on Monday), by type. The table lists the weeks with events.")
            + _table("events-per-week", ["week of"] + types + ["total"], rows, set(range(1, len(types) + 2))))


def _clubs_section(data: ReportData, plt) -> str:
    if not data.club_moves:
        return _empty("No arrivals or departures in this window.")
    clubs = [c for c, _, _ in data.club_moves][::-1]
    arrivals = [a for _, a, _ in data.club_moves][::-1]
    departures = [d for _, _, d in data.club_moves][::-1]
    fig, ax = plt.subplots(figsize=(9, 0.6 + 0.32 * len(clubs)))
    ax.barh(clubs, arrivals, color="#2ca02c", label="arrivals")
    ax.barh(clubs, [-d for d in departures], color="#d62728", label="departures")
    ax.axvline(0, color="#1d2733", linewidth=0.8)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_xticks(ax.get_xticks(), [str(abs(int(t))) for t in ax.get_xticks()])
    ax.set_xlabel("← departures   arrivals →")
    ax.legend(loc="lower right", frameon=False)
    rows = [[club, a, d, a + d] for club, a, d in data.club_moves]
    return (_figure("chart-club-moves", _svg(fig, plt),
                    "Clubs with the most moves: signings, loans and appointments in; sales, loans out, "
                    "dismissals, resignations and terminations out.")
            + _table("club-moves", ["club", "arrivals", "departures", "total"], rows, {1, 2, 3}))


def _coach_section(data: ReportData) -> str:
    if not data.coach_changes:
        return _empty("No appointments or dismissals in this window.")
    rows = [[_day(c.date), c.type, c.person, c.role or "", c.club or "", "yes" if c.official else "no", c.outlets]
            for c in data.coach_changes]
    return _table("coach-changes", ["date", "what", "person", "role", "club", "official", "outlets"], rows, {6})


def _articles_section(data: ReportData, plt) -> str:
    if not data.article_count:
        return _empty("No articles stored in this window.")
    buckets, sources = data.article_buckets, list(data.articles)
    by_size = sorted(sources, key=lambda name: -sum(data.articles[name].values()))
    drawn, rest = by_size[:9], by_size[9:]  # the chart has ten colours: the smallest sources share one
    series = [(name, [data.articles[name].get(b, 0) for b in buckets], PALETTE[i]) for i, name in enumerate(drawn)]
    if rest:
        series.append((f"{len(rest)} other sources",
                       [sum(data.articles[name].get(b, 0) for name in rest) for b in buckets], PALETTE[9]))
    label = "%b %Y" if data.article_bucket == "month" else "%d %b"
    fig = _stacked_bars(plt, [b.strftime(label) for b in buckets], series, "articles")
    rows = [[source] + [data.articles[source].get(b, 0) for b in buckets] + [sum(data.articles[source].values())]
            for source in sources]
    header = ["source"] + [b.strftime("%Y-%m") if data.article_bucket == "month" else _day(b) for b in buckets]
    unit = {"day": "day", "week": "week (from Monday)", "month": "month"}[data.article_bucket]
    return (_figure("chart-articles", _svg(fig, plt), f"Articles first stored per {unit}, by source.")
            + _table("articles-per-source", header + ["total"], rows, set(range(1, len(buckets) + 2))))


def _health_section(data: ReportData) -> str:
    if not data.health:
        return _empty("No sources in the database yet.")
    rows = "".join(
        f"<tr><td>{_e(h.source)}</td><td class=\"n\">{h.runs}</td>"
        f"<td class=\"{'ok' if h.healthy else 'bad'}\">{'ok' if h.healthy else 'unhealthy'}</td>"
        f"<td>{'<br>'.join(_e(p) for p in h.problems)}</td></tr>"
        for h in data.health)
    return ('<div class="table-wrap"><table id="source-health"><thead><tr><th scope="col">source</th>'
            '<th scope="col">runs read</th><th scope="col">status</th><th scope="col">problems</th></tr></thead>'
            f"<tbody>{rows}</tbody></table></div>")


def render(data: ReportData, database: str = "", generated: datetime | None = None) -> str:
    """The report page as one HTML string."""
    plt = _pyplot()
    generated = generated or datetime.now(timezone.utc)
    window = f"{data.since.isoformat(timespec='minutes')} to {data.until.isoformat(timespec='minutes')}"
    unhealthy = sum(1 for h in data.health if not h.healthy)
    per = data.article_bucket
    sections = [
        ("events-per-week", "Events per week by type", _events_section(data, plt)),
        ("top-clubs", "Top clubs by arrivals and departures", _clubs_section(data, plt)),
        ("coach-changes-section", "New appointments and dismissals", _coach_section(data)),
        ("articles", f"Articles per source per {per}", _articles_section(data, plt)),
        ("health", "Sources' health (latest runs)", _health_section(data)),
    ]
    body = "".join(f'<section id="section-{sid}"><h2>{_e(title)}</h2>{content}</section>'
                   for sid, title, content in sections)
    totals = (f'<ul class="totals"><li><strong id="total-events">{data.event_count}</strong>events</li>'
              f'<li><strong id="total-articles">{data.article_count}</strong>articles stored</li>'
              f'<li><strong id="total-coach-changes">{len(data.coach_changes)}</strong>appointments and dismissals</li>'
              f'<li><strong id="total-unhealthy">{unhealthy}</strong>unhealthy sources</li></ul>')
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>transfernews report, {_e(window)}</title>
<style>{CSS}</style>
</head>
<body>
<header>
<h1>transfernews report</h1>
<p class="meta">Window: <span id="window">{_e(window)}</span> (UTC; the end is excluded). Events count on their
date, else on when they were first reported; articles on when they were first stored.</p>
<p class="meta">Database: {_e(database)} · generated {_e(generated.isoformat(timespec='seconds'))}</p>
{totals}
</header>
{body}
<footer>Made by transfernews report. Article texts and facts come from their publishers.</footer>
</body>
</html>
"""

"""Render a model scorecard: one self-contained HTML file (tables inline, figures base64)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import pandas as pd


@dataclass
class Table:
    html: str
    caption: str = ""


@dataclass
class Figure:
    png: str
    alt: str


@dataclass
class Section:
    title: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)

    def table(self, frame: pd.DataFrame, caption: str = "", digits: int = 4) -> Section:
        self.tables.append(Table(frame_html(frame, digits), caption))
        return self

    def figure(self, png: str, alt: str) -> Section:
        self.figures.append(Figure(png, alt))
        return self


def frame_html(frame: pd.DataFrame, digits: int = 4) -> str:
    def fmt(v: object) -> str:
        if isinstance(v, float):
            return "" if pd.isna(v) else f"{v:,.{digits}g}" if abs(v) < 1e4 else f"{v:,.0f}"
        return "" if v is None else str(v)

    return frame.to_html(index=False, border=0, escape=True, formatters={c: fmt for c in frame.columns})


def md_table(frame: pd.DataFrame, digits: int = 4) -> str:
    """A Markdown table for Dagster metadata (pandas' to_markdown needs an extra package)."""

    def cell(v: object) -> str:
        return f"{v:.{digits}g}" if isinstance(v, float) else str(v)

    head = "| " + " | ".join(map(str, frame.columns)) + " |"
    rule = "| " + " | ".join("---" for _ in frame.columns) + " |"
    body = ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([head, rule, *body])


def render(
    title: str, promote: bool, reasons: list[str], facts: list[tuple[str, str]], sections: list[Section]
) -> str:
    import jinja2

    text = resources.files("ml.common").joinpath("templates/scorecard.html.j2").read_text(encoding="utf-8")
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    return env.from_string(text).render(
        title=title,
        promote=promote,
        reasons=reasons,
        facts=facts,
        sections=sections,
        generated_at=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    )


def write(path: Path, html: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(path)
    return path

"""Render an eval run: a terminal table, a Markdown report and a PNG chart (matplotlib, Agg)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from evals.suite import EvalResult
from evals.thresholds import BY_METRIC, THRESHOLDS

# Metrics shown in the table, in this order, when measured (thresholded ones come first).
ORDER = (
    "recall@1", "recall@5", "mrr", "mean_context_chars",
    "key_term_coverage", "citation_support", "citation_precision",
    "out_of_scope_refusal", "answerable_refused",
    "canvas_archetype_match", "canvas_nine_blocks", "canvas_valid_citations",
)
_RATIO_HINT = ("recall", "mrr", "coverage", "support", "precision", "refus", "match", "blocks",
               "citations", "rate", "accuracy", "share", "kind_")


def _fmt(name: str, value: float | None) -> str:
    if value is None or value != value:
        return "n/a"
    counts = name.endswith(("_chars", "_ms", "_questions")) or value > 1.0
    if counts or not any(h in name for h in _RATIO_HINT):
        return f"{value:,.1f}" if value % 1 else f"{value:,.0f}"
    return f"{value:.3f}"


def rows(result: EvalResult) -> list[tuple[str, str, str, str]]:
    """(metric, value, threshold, verdict) for every measured metric, known ones first."""
    names = [m for m in ORDER if m in result.metrics]
    names += sorted(m for m in result.metrics if m not in names)
    verdicts = result.verdicts
    out = []
    for name in names:
        value = result.metrics[name]
        t = BY_METRIC.get(name)
        verdict = "" if t is None else ("pass" if verdicts.get(name) else "FAIL")
        out.append((name, _fmt(name, value), t.describe() if t else "", verdict))
    return out


def missing(result: EvalResult) -> list[str]:
    """Thresholded metrics this run did not measure."""
    return [t.metric for t in THRESHOLDS if result.metrics.get(t.metric) is None]


def verdict(result: EvalResult) -> str:
    """PASS, FAIL, or INCOMPLETE when what was measured passes but some parts were not run."""
    if result.extra.get("errors") or not result.passed:
        return "FAIL"
    return "INCOMPLETE" if missing(result) else "PASS"


def table(result: EvalResult) -> str:
    """The metrics and latencies as plain aligned text for the terminal."""
    lines = [f"{'metric':28s} {'value':>10s} {'threshold':>12s}  verdict"]
    lines += [f"{m:28s} {v:>10s} {t:>12s}  {p}" for m, v, t, p in rows(result)]
    for name in missing(result):
        lines.append(f"{name:28s} {'n/a':>10s} {BY_METRIC[name].describe():>12s}  not measured")
    lines.append("")
    lines.append(f"{'latency':28s} {'p50 ms':>10s} {'p95 ms':>12s}  calls")
    for stage, lat in result.latency.items():
        lines.append(f"{stage:28s} {lat['p50_ms']:>10.1f} {lat['p95_ms']:>12.1f}  {int(lat['n'])}")
    info = result.info
    for part, error in (result.extra.get("errors") or {}).items():
        lines.append(f"{part} could not be measured: {error}")
    lines.append("")
    lines.append(
        f"{info['questions']} questions, {info['briefs']} briefs, backend {info['backend']}, "
        f"{'CI subset' if info['subset'] else 'full set'}, {info['seconds']} s: "
        f"{verdict(result)}"
    )
    return "\n".join(lines)


def markdown(result: EvalResult, chart: str | None = "chart.png") -> str:
    """The whole report as Markdown."""
    info = result.info
    out = [
        "# Evaluation report",
        "",
        f"- run: {info['timestamp']}",
        f"- backend: `{info['backend']}`",
        f"- gold set: {'CI subset' if info['subset'] else 'full'} — {info['questions']} "
        f"questions ({int(result.metrics.get('answerable_questions') or 0)} answerable), "
        f"{info['briefs']} canvas briefs",
        f"- parts measured: {', '.join(info['parts'])}; took {info['seconds']} s",
        f"- verdict: **{verdict(result)}**",
        "",
        *[f"- **{part} could not be measured**: {error}"
          for part, error in (result.extra.get("errors") or {}).items()],
        "",
        "## Metrics",
        "",
        "| metric | value | threshold | verdict |",
        "|---|---:|---:|---|",
    ]
    out += [f"| {m} | {v} | {t} | {p} |" for m, v, t, p in rows(result)]
    out += [f"| {m} | n/a | {BY_METRIC[m].describe()} | not measured |" for m in missing(result)]
    out += ["", "## Latency per stage", "", "| stage | p50 ms | p95 ms | calls |",
            "|---|---:|---:|---:|"]
    out += [
        f"| {s} | {lat['p50_ms']:.1f} | {lat['p95_ms']:.1f} | {int(lat['n'])} |"
        for s, lat in result.latency.items()
    ]
    out += ["", "## Retrieval by category", "", "| category | questions | recall@5 | MRR |",
            "|---|---:|---:|---:|"]
    out += [
        f"| {c} | {int(m['n'])} | {m['recall@5']:.3f} | {m['mrr']:.3f} |"
        for c, m in result.by_category.items()
    ]
    misses = [q for q in result.questions if q["rank"] is None]
    if misses:
        out += ["", "## Questions whose evidence was not in the top 5", ""]
        out += [f"- `{q['id']}`: {q['query']} — got: {'; '.join(q['sections'][:3])}"
                for q in misses]
    whole = result.extra.get("whole_report")
    if whole:
        out += ["", "## Baseline: the whole report in the prompt", "", whole.get("note", ""), ""]
        out += ["| metric | retrieval | whole report |", "|---|---:|---:|"]
        for name, value in whole.get("metrics", {}).items():
            ours = result.metrics.get(name)
            if name.startswith("ask_p"):
                ours = result.latency.get("ask", {}).get(name[len("ask_"):])
            out.append(f"| {name} | {_fmt(name, ours)} | {_fmt(name, value)} |")
    if chart:
        out += ["", f"![metrics]({chart})"]
    return "\n".join(out) + "\n"


def plot(result: EvalResult, path: Path) -> Path:
    """A PNG with the ratio metrics against their thresholds and the latency per stage."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ratios = [
        (m, float(v)) for m, v in result.metrics.items()
        if v is not None and 0.0 <= v <= 1.0 and m in ORDER
    ]
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.8), width_ratios=[3, 1.3])
    names = [m for m, _ in ratios]
    values = [v for _, v in ratios]
    verdicts = result.verdicts
    colours = [
        "#2e7d32" if verdicts.get(m, True) else "#c62828" for m in names
    ]
    left.barh(names, values, color=colours)
    for i, m in enumerate(names):
        t = BY_METRIC.get(m)
        if t is not None:
            left.plot([t.bound, t.bound], [i - 0.4, i + 0.4], color="black", linewidth=2)
        inside = values[i] >= 0.15
        left.text(0.01 if inside else values[i] + 0.04, i, f"{values[i]:.3f}", va="center",
                  fontsize=9, color="white" if inside else "black")
    left.set_xlim(0, 1.05)
    left.invert_yaxis()
    left.set_title("Quality (bars) and thresholds (black ticks)")
    stages = list(result.latency)
    p50 = [result.latency[s]["p50_ms"] for s in stages]
    p95 = [result.latency[s]["p95_ms"] for s in stages]
    xs = range(len(stages))
    right.bar([x - 0.2 for x in xs], p50, width=0.4, label="p50")
    right.bar([x + 0.2 for x in xs], p95, width=0.4, label="p95")
    right.set_xticks(list(xs), stages)
    right.set_yscale("log")
    right.set_ylabel("ms (log scale)")
    right.set_title("Latency per stage")
    right.legend()
    fig.suptitle(
        f"Advisor eval — backend {result.info['backend']}, "
        f"{'CI subset' if result.info['subset'] else 'full gold set'}, {result.info['timestamp']}"
    )
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def write(result: EvalResult, folder: Path) -> dict[str, Path]:
    """Write report.md, chart.png and results.json into a folder."""
    folder.mkdir(parents=True, exist_ok=True)
    chart = plot(result, folder / "chart.png")
    report = folder / "report.md"
    report.write_text(markdown(result, chart.name), encoding="utf-8")
    data = folder / "results.json"
    data.write_text(json.dumps(result.to_json(), indent=2, default=_default), encoding="utf-8")
    return {"report": report, "chart": chart, "json": data}


def _default(obj: Any) -> Any:
    if isinstance(obj, tuple | set):
        return list(obj)
    if isinstance(obj, Path):
        return str(obj)
    return repr(obj)

"""Realistic questions by kind: enumerate, overview, advise, risks, partial, follow-up, off-topic.

`evals/advisor_questions.jsonl` holds the questions, split into a `tune` half (to look at while
building) and a `report` half (reported untouched). A question passes when all of these hold:
- it is refused exactly when it should be (off-topic questions);
- every expected item of an enumeration is in the answer;
- for every group of expected sections, some citation lies in one of them;
- for partial questions, every term the report never mentions is in `not_in_report`;
- the answer is shorter than MAX_CHARS.

Run alone: `python -m evals.advisor_eval [--split tune|report|all] [--data-dir DIR] [-v]`.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

QUESTIONS = Path(__file__).resolve().parent / "advisor_questions.jsonl"
KINDS = ("enumerate", "overview", "advise", "risks", "partial", "followup", "offtopic")
SPLITS = ("tune", "report")
MAX_CHARS = 6000


@dataclass(frozen=True)
class AdvisorQuestion:
    """One realistic question with its conversation and what a good answer holds."""

    id: str
    kind: str
    question: str
    history: tuple[dict[str, str], ...]
    split: str
    refused: bool
    items: tuple[str, ...]
    sections_any: tuple[tuple[str, ...], ...]
    not_in_report: tuple[str, ...]


def load_questions(path: Path = QUESTIONS) -> list[AdvisorQuestion]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        raw = json.loads(line)
        expect = raw["expect"]
        out.append(AdvisorQuestion(
            id=raw["id"], kind=raw["kind"], question=raw["question"],
            history=tuple(raw.get("history") or ()), split=raw["split"],
            refused=bool(expect.get("refused")), items=tuple(expect.get("items") or ()),
            sections_any=tuple(tuple(g) for g in expect.get("sections_any") or ()),
            not_in_report=tuple(expect.get("not_in_report") or ()),
        ))
    return out


def _fold(text: str) -> str:
    return " ".join(re.sub(r"[*_`]", "", text).lower().split())


def judge(q: AdvisorQuestion, answer: dict[str, Any]) -> list[str]:
    """Why an answer (the JSON of `advisor ask --json`) fails its question; [] when it passes."""
    problems = []
    if bool(answer.get("refused")) != q.refused:
        problems.append("refused" if answer.get("refused") else "not refused")
    text = _fold(str(answer.get("answer", "")))
    missing = [item for item in q.items if _fold(item) not in text]
    if missing:
        problems.append(f"missing items: {missing[:4]}{'…' if len(missing) > 4 else ''}")
    sections = [str(c.get("section", "")) for c in answer.get("citations", [])]
    for group in q.sections_any:
        if not any(s.startswith(alt) for s in sections for alt in group):
            problems.append(f"no citation in {group[0].split(' > ')[-1]!r}"
                            + (f" (or {len(group) - 1} more)" if len(group) > 1 else ""))
    reported = [_fold(t) for t in answer.get("not_in_report", [])]
    for term in q.not_in_report:
        folded = _fold(term)
        if not any(folded in r or r in folded for r in reported if r):
            problems.append(f"not_in_report lacks {term!r}")
    if len(str(answer.get("answer", ""))) >= MAX_CHARS:
        problems.append(f"answer is {len(str(answer.get('answer', '')))} characters")
    return problems


def evaluate(advisor: Any, questions: Sequence[AdvisorQuestion]) -> dict[str, Any]:
    """Pass rates per kind and split, and every failure with its reasons."""
    rows = []
    for q in questions:
        answer = advisor.ask(q.question, history=list(q.history) or None).to_json()
        problems = judge(q, answer)
        rows.append({"id": q.id, "kind": q.kind, "split": q.split, "passed": not problems,
                     "problems": problems, "question": q.question,
                     "plan": answer.get("plan")})
    rates: dict[str, dict[str, float]] = defaultdict(dict)
    for split in (*SPLITS, "all"):
        for kind in KINDS:
            mine = [r for r in rows if r["kind"] == kind and split in (r["split"], "all")]
            if mine:
                rates[split][kind] = sum(r["passed"] for r in mine) / len(mine)
        chosen = [r for r in rows if split in (r["split"], "all")]
        if chosen:
            rates[split]["overall"] = sum(r["passed"] for r in chosen) / len(chosen)
    return {"rates": dict(rates), "rows": rows}


def table(result: dict[str, Any]) -> str:
    """Pass rate per kind, one column per split."""
    lines = [f"{'kind':12s} {'tune':>7s} {'report':>7s}"]
    for kind in (*KINDS, "overall"):
        cells = [result["rates"].get(s, {}).get(kind) for s in SPLITS]
        lines.append(f"{kind:12s} " + " ".join(
            f"{c:7.2f}" if c is not None else f"{'-':>7s}" for c in cells))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=[*SPLITS, "all"], default="tune")
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("-v", "--verbose", action="store_true", help="print every failure")
    args = parser.parse_args(argv)
    from bot.advisor import Advisor
    from bot.settings import load_settings

    overrides = {"data_dir": args.data_dir} if args.data_dir else {}
    advisor = Advisor(load_settings(**overrides))
    questions = [q for q in load_questions() if args.split in (q.split, "all")]
    result = evaluate(advisor, questions)
    if args.verbose:
        for row in result["rows"]:
            if not row["passed"]:
                plan = row["plan"] or {}
                print(f"FAIL {row['id']}: {row['question'][:90]}\n     {row['problems']}\n"
                      f"     plan: {plan.get('kind')} models={plan.get('models')} "
                      f"lists={plan.get('lists')} absent={plan.get('not_in_report')}")
    print(table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())

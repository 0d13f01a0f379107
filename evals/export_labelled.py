"""Write the tuned half of the advisor question set, and the questions written to show what the
report can and cannot answer (scope_examples.jsonl), as labelled questions
(bot.report.labelled).

Run after changing either file or how the asking part of a question is found:
`python -m evals.export_labelled`. tests/test_learnt_kinds.py checks the file is current.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from bot.answers.company import asking_part, extract_company
from bot.report.labelled import LABELLED
from evals.advisor_eval import AdvisorQuestion, load_questions

SCOPE_EXAMPLES = Path(__file__).with_name("scope_examples.jsonl")


def _line(question: str, kind: str, teaches: str = "") -> str:
    asking = asking_part(question) if extract_company(question) is not None else question
    return json.dumps({"asking": asking, "question": question, "kind": kind}
                      | ({"teaches": teaches} if teaches else {}), ensure_ascii=False)


def labelled_lines(
    questions: Sequence[AdvisorQuestion], scope_examples: Path = SCOPE_EXAMPLES
) -> list[str]:
    """One JSON line per tuned question (its asking part, the question, and its kind), then
    one per scope example, which teaches the off-topic model alone."""
    lines = [_line(q.question, q.kind) for q in questions if q.split == "tune"]
    for raw in scope_examples.read_text(encoding="utf-8").splitlines():
        if raw.strip():
            example = json.loads(raw)
            lines.append(_line(example["question"], example["kind"], "offtopic"))
    return lines


def main() -> None:
    lines = labelled_lines(load_questions())
    LABELLED.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} labelled questions written to {LABELLED}")


if __name__ == "__main__":
    main()

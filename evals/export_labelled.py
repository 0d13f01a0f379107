"""Write the tuned half of the advisor question set as labelled questions (bot.report.labelled).

Run after changing the question set or how the asking part of a question is found:
`python -m evals.export_labelled`. tests/test_offtopic_model.py checks the file is current.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from bot.answers.company import asking_part, extract_company
from bot.report.labelled import LABELLED
from evals.advisor_eval import AdvisorQuestion, load_questions


def labelled_lines(questions: Sequence[AdvisorQuestion]) -> list[str]:
    """One JSON line per tuned question: its asking part, the question, and its kind."""
    lines = []
    for q in questions:
        if q.split != "tune":
            continue
        asking = asking_part(q.question) if extract_company(q.question) is not None else q.question
        lines.append(json.dumps({"asking": asking, "question": q.question,
                                 "kind": q.kind}, ensure_ascii=False))
    return lines


def main() -> None:
    lines = labelled_lines(load_questions())
    LABELLED.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} labelled questions written to {LABELLED}")


if __name__ == "__main__":
    main()

"""Questions labelled as the report can or cannot answer them, for learning the difference.

They are the tuned half of the advisor question set (`evals/advisor_questions.jsonl`), written
to `labelled_questions.jsonl` beside this module by `python -m evals.export_labelled`; the
reported half is never among them. bot.answers.offtopic learns from them how likely a new
question is to ask for something outside the report (code, legal advice, market figures, the
user's own shop-floor problems).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

LABELLED = Path(__file__).resolve().with_name("labelled_questions.jsonl")


@dataclass(frozen=True)
class Labelled:
    """One labelled question: the sentences that ask, the whole question, and its label."""

    asking: str  # the whole question when it describes no company
    question: str
    offtopic: bool


@lru_cache(maxsize=1)
def labelled_questions(path: Path = LABELLED) -> tuple[Labelled, ...]:
    """The labelled questions ((), when the file is missing)."""
    if not path.is_file():
        return ()
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            raw = json.loads(line)
            out.append(Labelled(raw["asking"], raw["question"], bool(raw["offtopic"])))
    return tuple(out)


def labelled_texts() -> list[str]:
    """Every text the model embeds: each question's asking part and the whole question."""
    texts = [t for q in labelled_questions() for t in (q.asking, q.question)]
    return list(dict.fromkeys(texts))

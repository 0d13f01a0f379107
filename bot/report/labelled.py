"""Questions labelled as the report can or cannot answer them, for learning the difference.

They are the tuned half of the advisor question set (`evals/advisor_questions.jsonl`) and the
questions written only to show what the report can and cannot answer
(`evals/scope_examples.jsonl`, which teach the off-topic model alone), written to
`labelled_questions.jsonl` beside this module by `python -m evals.export_labelled`; the
reported half is never among them. bot.answers.learnt learns from them how likely a new
question is to be of a kind: to ask for something outside the report (code, legal advice,
market figures, the user's own shop-floor problems), or for a whole list of it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

LABELLED = Path(__file__).resolve().with_name("labelled_questions.jsonl")


@dataclass(frozen=True)
class Labelled:
    """One labelled question: the sentences that ask, the whole question, and its kind."""

    asking: str  # the whole question when it describes no company
    question: str
    kind: str  # enumerate, overview, advise, risks, partial, followup, lookup or offtopic
    teaches: str = ""  # the one kind whose model it teaches ("": every kind's)


@lru_cache(maxsize=1)
def labelled_questions(path: Path = LABELLED) -> tuple[Labelled, ...]:
    """The labelled questions ((), when the file is missing)."""
    if not path.is_file():
        return ()
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            raw = json.loads(line)
            out.append(Labelled(raw["asking"], raw["question"], raw["kind"],
                                raw.get("teaches", "")))
    return tuple(out)


def labelled_texts() -> list[str]:
    """Every text the model embeds: each question's asking part and the whole question."""
    texts = [t for q in labelled_questions() for t in (q.asking, q.question)]
    return list(dict.fromkeys(texts))

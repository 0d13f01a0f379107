"""Follow-up questions made standalone before retrieval.

With a model, the model rewrites the follow-up from the conversation. Without one (or when the
model's rewrite is unusable), the subject of the last turns is carried into the query: the
business model they discussed, the recommendation number, the contributors list or the topic.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.answers.pointers import ORDINAL_REF, RECOMMENDATION, Turn, count_word
from bot.answers.prompts import rewrite_messages
from bot.answers.subjects import subjects_in
from bot.llm import BackendError, ChatBackend
from bot.report.vocabulary import COMPARE, LIST_CUES, ORDINALS

_DEPENDENT = re.compile(
    r"(?:^|[.!?]\s+)\s*(and|also|what about|how about|then|so)\b|\b(it|its|it's|they|them|their|"
    r"this|that|these|those|such|same|former|latter|the model|that model|this model)\b",
    re.IGNORECASE,
)
_OWN_LISTS = tuple(re.compile(p, re.IGNORECASE) for p in LIST_CUES.values())
_COMPARE = re.compile(COMPARE, re.IGNORECASE)
# A request to say the last answer again, differently ("shorter pls", "summarise that", "too long
# didnt read. 2 lines max"): what is left after its format words and fillers is next to nothing.
_FORMAT = re.compile(
    r"\b(shorter|briefer|simpler|more (briefly|simply|concise\w*)|too long|tl;?dr|didn'?t read|"
    r"(summari[sz]e|recap|condense|shorten|simplify|rephrase|repeat) (that|this|it|the above|your "
    r"answer)|in (\w+ )?(bullets?|bullet points|a table|one line|plain (words|english))|again|eli5|"
    r"(\d+|one|two|three|four|five|a few) (lines?|sentences?|words|bullets?)( max)?|max(imum)? "
    r"(\d+|one|two|three) (lines?|sentences?|words))\b",
    re.IGNORECASE,
)
_FILLER = re.compile(
    r"\b(ok|okay|pls|plz|please|thx|thanks|lol|can|could|would|you|u|make|put|say|it|that|this|"
    r"the|answer|just|max|now|but|and|so|too|long|read|in|a|me|for|give|explain|words?|each|"
    r"slides?|deck|ppt|powerpoint|presentation|email|chat)\b|"
    r"[^\w\s]", re.IGNORECASE
)
_CONTRIBUTORS = re.compile(
    r"\b(contribut\w*|affiliat\w*|universit\w*|institut\w*|authors?|wrote)\b", re.IGNORECASE
)
_TOPICS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bwhy\b.*\b(matter|important|innovat\w*)\b", re.IGNORECASE),
     "manufacturing business model innovation"),
    (re.compile(r"\b(trend|economy)\b", re.IGNORECASE), "innovation trends"),
    (re.compile(r"\bclosing\b", re.IGNORECASE), "closing statement"),
)
MAX_REWRITE_CHARS = 400
SHORT_FOLLOW_UP = 6  # a question this short after earlier turns leans on them


def recommendation_number(match: re.Match[str]) -> int:
    """The number of a recommendation matched by RECOMMENDATION_REF."""
    return int(match.group(1) or match.group(2) or ORDINALS[match.group(3).lower()])


def needs_rewrite(question: str, history: Sequence[Turn] | None) -> bool:
    """Whether a question leans on earlier turns (pronouns, "and ...", no subject of its own)."""
    if not history:
        return False
    compares = bool(_COMPARE.search(question)) and len(subjects_in(question)) < 2  # "which is less
    # risky?", "how does the digital one compare?": what the last turns named is the other side
    if subjects_in(question) and not _DEPENDENT.search(question) and not compares:
        return False
    return (bool(_DEPENDENT.search(question) or ORDINAL_REF.search(question)) or compares
            or len(question.split()) <= SHORT_FOLLOW_UP or not _names_a_subject(question))


def _names_a_subject(question: str) -> bool:
    """Whether a question names a subject of its own: a business model, one of the report's
    lists or a recommendation ("fine, but which partners would a small workshop need?" names
    none, so it goes on about what the last turns discussed)."""
    return bool(subjects_in(question) or RECOMMENDATION.search(question)
                or any(p.search(question) for p in _OWN_LISTS))


def _subject_of(text: str) -> str | None:
    rec = RECOMMENDATION.search(text)
    if rec:
        return f"recommendation {recommendation_number(rec)}"
    found = subjects_in(text)
    if found:
        return f"{found[0].label} business model"
    if _CONTRIBUTORS.search(text):
        return "contributors"
    for pattern, topic in _TOPICS:
        if pattern.search(text):
            return topic
    return None


def carry_context(question: str, history: Sequence[Turn]) -> str:
    """The follow-up with the subject of the last turns appended in brackets."""
    users = [t.get("content", "") for t in history if t.get("role") == "user"]
    others = [t.get("content", "") for t in history if t.get("role") != "user"]
    subject = None
    for text in [*reversed(users), *reversed(others)]:
        subject = _subject_of(text)
        if subject:
            break
    extra = []
    if subject and subject.split()[0].lower() not in question.lower():
        extra.append(subject)
    return f"{question} ({', '.join(extra)})" if extra else question


def _fold(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def _echoes_answer(line: str, history: Sequence[Turn]) -> bool:
    """Whether a 'rewrite' just repeats an earlier answer instead of asking a question."""
    folded = _fold(line)
    return any(
        folded and folded in _fold(t.get("content", ""))
        for t in history
        if t.get("role") == "assistant"
    )


def rewrite(question: str, history: Sequence[Turn] | None, llm: ChatBackend | None) -> str:
    """A standalone version of the question (the question itself when it already is one)."""
    if not history or not needs_rewrite(question, history):
        return question
    fallback = carry_context(question, history)
    if llm is None:
        return fallback
    try:
        text = llm.complete(rewrite_messages(question, history)).strip()
    except BackendError:
        return fallback
    line = text.splitlines()[0].strip().strip('"').strip() if text else ""
    if len(line) < 8 or len(line) > MAX_REWRITE_CHARS or "NOT_IN_REPORT" in line:
        return fallback
    if _echoes_answer(line, history):
        return fallback
    # A weak model may drop the subject: make sure the carried one is still there.
    subject = _subject_of(fallback)
    if subject and subject.split()[0].lower() not in line.lower():
        line = f"{line} ({subject})"
    return line


SHORTER = 3  # points kept when the user asks for a shorter answer without saying how short
_COUNT = re.compile(r"\b(\d+|one|two|three|four|five)\s+(?:lines?|sentences?|bullets?|points?)\b",
                    re.IGNORECASE)


def brevity(question: str, history: Sequence[Turn]) -> int:
    """How many points a request to say the last answer again asks it to keep ("shorter pls":
    SHORTER, "2 lines max": 2); 0 for any other question."""
    if restated(question, history) is None:
        return 0
    count = _COUNT.search(question)
    each = r"\s*(each|apiece|per (item|point|bullet|entry))\b"
    if count and re.match(each, question[count.end():], re.IGNORECASE):
        return 0  # "one line each": every point stays, and each is one line already
    if count is None:
        shorter = re.search(r"\b(short|brief|tl;?dr|didn'?t read|condense|summari[sz]e|recap)",
                            question, re.IGNORECASE)
        return SHORTER if shorter else 0
    return max(1, count_word(count.group(1)))


def restated(question: str, history: Sequence[Turn]) -> tuple[str, list[Turn]] | None:
    """For "shorter pls" or "summarise that": the last question asked, with the turns before
    it; for "the same for the circular model": the last question that named a business model,
    about the one named now; None for any other question."""
    if _SAME.search(question):
        return _swapped(question, history)
    if not _FORMAT.search(question) or _FILLER.sub(" ", _FORMAT.sub(" ", question)).split():
        return None
    for i in range(len(history) - 1, -1, -1):
        if history[i].get("role") == "user":
            return history[i].get("content", ""), list(history[:i])
    return None


# "the same for the circular one", "same question about AI", "do that again for data-driven"
_SAME = re.compile(r"\bsame\s+(?:question\s+|thing\s+|again\s+)?(?:for|about|with|on|but)\b|"
                   r"\b(?:do|repeat|ask)\s+(?:that|this|it)\s+(?:again\s+)?for\b|\binstead\b",
                   re.IGNORECASE)


def _swapped(question: str, history: Sequence[Turn]) -> tuple[str, list[Turn]] | None:
    """The last user turn that named one business model, with the one model the question
    names in its place, and the turns before it; None unless the two differ. A last user turn
    that named no model ("what business model fits us?") is asked of the one named now."""
    named = subjects_in(question)
    if len(named) != 1:
        return None
    last = True
    for i in range(len(history) - 1, -1, -1):
        text = history[i].get("content", "")
        if history[i].get("role") != "user":
            continue
        earlier = subjects_in(text)
        if not earlier and last:
            return f"{text} ({named[0].label} business model)", list(history[:i])
        if len(earlier) == 1 and earlier[0].key != named[0].key:
            return earlier[0].pattern.sub(named[0].label, text), list(history[:i])
        if earlier:
            return None
        last = False
    return None

"""Follow-up questions made standalone before retrieval.

With a model, the model rewrites the follow-up from the conversation. Without one (or when the
model's rewrite is unusable), the subject of the last turns is carried into the query: the
business model they discussed, the recommendation number, the contributors list or the topic.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from bot.answers.prompts import rewrite_messages
from bot.answers.subjects import subjects_in
from bot.llm import BackendError, ChatBackend
from bot.report.vocabulary import COMPARE, LIST_CUES, ORDINALS, RECOMMENDATION_REF

Turn = dict[str, str]

_DEPENDENT = re.compile(
    r"(?:^|[.!?]\s+)\s*(and|also|what about|how about|then|so)\b|\b(it|its|it's|they|them|their|"
    r"this|that|these|those|such|same|former|latter|the model|that model|this model)\b",
    re.IGNORECASE,
)
_RECOMMENDATION = re.compile(RECOMMENDATION_REF, re.IGNORECASE)
_OWN_LISTS = tuple(re.compile(p, re.IGNORECASE) for p in LIST_CUES.values())
_COMPARE = re.compile(COMPARE, re.IGNORECASE)
_ORDINAL_REF = re.compile(
    r"\b(?:the\s+)?(" + "|".join(ORDINALS) + r"|last)\s+(?:one|item|point|bullet|model|trend|"
    r"economy|challenge|option|entry|of (?:them|"
    r"those|these))\b|(?:\bnumber|\bno\.?|#|\bitem|\bpoint)\s*(\d{1,2})\b|"
    r"\bthe\s+(" + "|".join(ORDINALS) + r"|last)\b(?=\s*(?:[?.!,;)]|$|and\b|please\b))|"
    r"(?:\bthe\s+|^\W*)(\d{1,2})(?:st|nd|rd|th)\b(?!\s+recommendation)|"
    r"\b(\d{1,2})(?:st|nd|rd|th)\s+(?:one|item|point|bullet)\b",
    re.IGNORECASE,
)
_BEFORE_LAST = re.compile(r"\b(?:(?:the\s+)?one\s+before\s+(?:the\s+)?last|(?:second|next)[\s-]+to"
                          r"[\s-]+(?:the\s+)?last|penultimate|last\s+but\s+one)\b", re.IGNORECASE)
_LIST_LINE = re.compile(r"^\s*(?:[-*•]|\d{1,2}[.)])\s+(.*\S)\s*$")
_MARKER = re.compile(r"\s*\[\d+(?:\s*,\s*\d+)*\]")
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
    return (bool(_DEPENDENT.search(question) or _ORDINAL_REF.search(question)) or compares
            or len(question.split()) <= SHORT_FOLLOW_UP or not _names_a_subject(question))


def _names_a_subject(question: str) -> bool:
    """Whether a question names a subject of its own: a business model, one of the report's
    lists or a recommendation ("fine, but which partners would a small workshop need?" names
    none, so it goes on about what the last turns discussed)."""
    return bool(subjects_in(question) or _RECOMMENDATION.search(question)
                or any(p.search(question) for p in _OWN_LISTS))


def _subject_of(text: str) -> str | None:
    rec = _RECOMMENDATION.search(text)
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


def last_list(history: Sequence[Turn]) -> list[str]:
    """The list items of the last answer (bullets or numbered lines), markers removed."""
    for turn in reversed(history):
        if turn.get("role") == "assistant":
            content = turn.get("content", "")
            items = [_MARKER.sub("", m.group(1)).strip()
                     for line in content.splitlines() if (m := _LIST_LINE.match(line))]
            return [i for i in items if i] or _prose_list(content)
    return []


_CITED = re.compile(r"\s*\[[^\]]*\]")  # "[3]", "[New Business Models > Circular ...]"
_NUMBERED = re.compile(r"(?:^|[\s,;:(])(\d{1,2})[).]\s+(.+?)(?=[,;]?\s+(?:and\s+)?\d{1,2}[).]\s|$)",
                       re.DOTALL)


_ORDERED = re.compile(r"(?:^|[.!?]\s+)(?:first|second|third|fourth|fifth|then|finally|lastly)"
                      r"(?:ly)?,\s+(?:the\s+|a\s+|an\s+)?([^:.,;]{3,80})", re.IGNORECASE)


def _prose_list(text: str) -> list[str]:
    """The items of a list written as prose ("six: Digital, Data-driven, ... and Circular", or
    "1) customer-centric innovation, 2) ..."), citations removed."""
    text = _CITED.sub("", text)
    ordered = [m.group(1).strip() for m in _ORDERED.finditer(text)]  # "First, the X: ... Second,"
    if len(ordered) >= 2:
        return ordered
    numbered = {int(m.group(1)): m.group(2).strip(" .;,") for m in _NUMBERED.finditer(text)}
    if len(numbered) >= 3 and sorted(numbered) == list(range(1, len(numbered) + 1)):
        return [numbered[n] for n in sorted(numbered)]
    best: list[str] = []
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        tail = sentence.split(":", 1)[-1]
        parts = [p.strip(" .;") for p in re.split(r",\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+", tail)]
        parts = [re.sub(r"^(the|a|an)\s+", "", p, flags=re.IGNORECASE) for p in parts]
        items = [p for p in parts if p and len(p.split()) <= 5]
        if len(items) >= 3 and len(items) > len(best):
            best = items
    return best


def _position(question: str, items: Sequence[str]) -> int | None:
    """The 1-based position in a list that an ordinal of the question names, or None."""
    match = _ORDINAL_REF.search(question)
    before_last = _BEFORE_LAST.search(question)
    if not (match or before_last) or _RECOMMENDATION.search(question) or not items:
        return None
    if before_last or match is None:
        index = len(items) - 1
    else:
        word = (match.group(1) or match.group(3) or "").lower()
        number = match.group(2) or match.group(4) or match.group(5) or 0
        index = len(items) if word == "last" else ORDINALS.get(word) or int(number)
    return index if 1 <= index <= len(items) else None


def resolve_ordinal(question: str, history: Sequence[Turn]) -> tuple[str, list[Turn]] | None:
    """"Tell me more about the fourth one" -> the question with that item of the last list;
    "the one before it", "the next one" -> the item next to the one the turns after the last
    list were about. With it, the user turns whose targets go with the item (the question the
    list answered)."""
    asked = [t for t in history[-2:] if t.get("role") == "user"]
    several = _SEVERAL.search(question)  # "expand on the first two", "the last three"
    end, n = (several.group(1).lower(), _number(several.group(2))) if several else ("", 0)
    for i, items in _answer_lists(history) if several else ():
        if n < len(items):
            first = end in {"first", "top"}
            asked = _asked_for(history, i)
            if any(_RECOMMENDATIONS.search(t.get("content", "")) for t in asked):
                numbers = range(1, n + 1) if first else range(len(items) - n + 1, len(items) + 1)
                # "the last two": recommendations 9 and 10, not their titles' words
                return f"{question} (recommendations {' and '.join(map(str, numbers))})", asked
            picked = items[:n] if first else items[-n:]
            return f"{question} ({'; '.join(picked)})", asked
    picked_numbers = _numbers_listed(question)  # "the skills levers of 2 and 3", "#7 and #9"
    for i, items in _answer_lists(history) if picked_numbers else ():
        if max(picked_numbers) <= len(items):
            asked = _asked_for(history, i)
            if any(_RECOMMENDATIONS.search(t.get("content", "")) for t in asked):
                named = " and ".join(map(str, picked_numbers))
                return f"{question} (recommendations {named})", asked
            return f"{question} ({'; '.join(items[n - 1] for n in picked_numbers)})", asked
        break
    ordinal = _ORDINAL_REF.search(question)
    counted = _COUNTED.search(question)  # "the first of those two": a list of two
    count = _number(counted.group(1)) if counted else 0
    compared = _compared(history)
    if ordinal and (re.search(r"\bmodels?\b", ordinal.group(0), re.IGNORECASE)
                    or count == len(compared)):  # "the first model you compared"
        index = _position(question, compared)
        if index is not None:
            return f"{question} ({compared[index - 1]} business model)", asked
    for i, items in _answer_lists(history):  # the latest list long enough ("the 4th of the ten")
        if count and len(items) != count:
            continue
        index = _position(question, items)
        if index is not None:
            asked = _asked_for(history, i)
            if any(_RECOMMENDATIONS.search(t.get("content", "")) for t in asked):
                return f"{question} (recommendation {index})", asked  # not its title's words
            return f"{question} ({items[index - 1]})", asked
    if _OTHER.search(question):
        if len(compared) == 2:  # "the other trend you described": not the one discussed last
            last = next((found for t in reversed(history) if len(found := [
                s.label for s in subjects_in(t.get("content", "")) if s.label in compared]) == 1),
                        compared[:1])
            return f"{question} ({next(m for m in compared if m != last[0])} business model)", asked
    relative = _RELATIVE.search(question)
    beside = _neighbour(question, history, relative) if relative else None
    return (beside, asked) if beside else None


_RECOMMENDATIONS = re.compile(r"\b(?:recommendations|recs)\b", re.IGNORECASE)
_SEVERAL = re.compile(r"\b(?:the\s+)?(first|last|top)\s+(two|three|four|five|2|3|4|5)\b(?!\s+"
                      r"(?:years?|months?|weeks?|days?|steps?|phases?))", re.IGNORECASE)
_COUNTED = re.compile(r"\b(?:those|these|the|both|of)\s+(two|three|four|five|2|3|4|5)\b",
                      re.IGNORECASE)
_OTHER = re.compile(r"\bthe other (?:one|model|trend|economy|canvas|side)\b", re.IGNORECASE)


# Two or more items by number: "2 and 3", "no. 6 and no. 8", "#1, #4 and #7"
_NUMBERS_LISTED = re.compile(
    r"(?<![\d.,%$€£-])(?<!between\s)(?:\b(?:nos?\.?|numbers?|items?|points?)\s*|#)?\b(\d{1,2})\b"
    r"(?:\s*(?:,|and|&|\+)\s*(?:nos?\.?\s*|#)?\d{1,2}\b)+(?!\s*(?:%|people|staff|employees|"
    r"plants|sites|years?|months?|lines?|words?|sentences?|bullets?|points?|pages?|minutes?))",
    re.IGNORECASE)


def _numbers_listed(question: str) -> list[int]:
    """The item numbers a question names two or more of ("the levers of 2 and 3")."""
    match = _NUMBERS_LISTED.search(question)
    return [int(n) for n in re.findall(r"\d{1,2}", match.group(0))] if match else []


def _answer_lists(history: Sequence[Turn]) -> Iterator[tuple[int, list[str]]]:
    """The lists of the earlier answers, the latest first, each with its turn's index."""
    for i in range(len(history) - 1, -1, -1):
        if history[i].get("role") == "assistant" and (items := last_list(history[: i + 1])):
            yield i, items


def _asked_for(history: Sequence[Turn], i: int) -> list[Turn]:
    """The user turn the answer at index i replied to (its targets go with the answer's list)."""
    return [t for t in history[max(0, i - 1):i] if t.get("role") == "user"]


def _compared(history: Sequence[Turn]) -> list[str]:
    """The business models the latest user turn that named two or more names, in its order;
    else those the user turns named one by one ("what is the Data Economy?", "and the AI
    Economy?")."""
    users = [t.get("content", "") for t in history if t.get("role") == "user"]
    for text in reversed(users):
        if len(found := subjects_in(text)) > 1:
            return [s.label for s in found]
    return list(dict.fromkeys(s.label for text in users for s in subjects_in(text)[:1]))


_RELATIVE = re.compile(
    r"\b(?:(?P<adjacent>previous|preceding|next|following)\s+(?:one|item|point|bullet|trend|"
    r"economy|model|challenge|option|entry)|(?:one|item|point|trend|economy|model|challenge|entry)"
    r"\s+(?:(?:listed|mentioned|named|shown|that\s+comes?|coming)\s+)?(?:right\s+|just\s+|"
    r"directly\s+|immediately\s+)?(?P<side>before|after)\s+(?:it|that|this)(?:\s+one)?)\b",
    re.IGNORECASE,
)


def _head(item: str) -> str:
    """What an item is called: the words before its explanation ("Data Economy - from ...")."""
    return re.split(r"\s+[-–—]\s+|:\s|\s\(", item, maxsplit=1)[0].strip(" *_.").lower()


def _neighbour(question: str, history: Sequence[Turn], relative: re.Match[str]) -> str | None:
    """The question with the item before or after the one the turns since the latest list
    (in any earlier answer) were about: by its ordinal ("the third one") or its name."""
    word = (relative.group("adjacent") or relative.group("side")).lower()
    step = -1 if word in {"previous", "preceding", "before"} else 1
    for i, items in _answer_lists(history):
        if len(items) < 3:
            continue
        for turn in reversed(history[i + 1:]):  # the latest turn that names one item
            text = turn.get("content", "")
            at = _position(text, items) if turn.get("role") == "user" else None
            named = [n for n, item in enumerate(items, 1) if _head(item)
                     and re.search(rf"\b{re.escape(_head(item))}\b", text, re.IGNORECASE)]
            if at is None and len(named) == 1:
                at = named[0]
            if at is not None:
                return (f"{question} ({items[at - 1 + step]})"
                        if 1 <= at + step <= len(items) else None)
    return None  # no list whose items the turns since named (a prose "list" of an answer)


SHORTER = 3  # points kept when the user asks for a shorter answer without saying how short
_COUNT = re.compile(r"\b(\d+|one|two|three|four|five)\s+(?:lines?|sentences?|bullets?|points?)\b",
                    re.IGNORECASE)
_COUNT_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}


def _number(word: str) -> int:
    """A count written in digits or as a word up to five ("2", "two")."""
    return int(word) if word.isdigit() else _COUNT_WORDS[word.lower()]


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
    return max(1, _number(count.group(1)))


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

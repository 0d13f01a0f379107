"""What a follow-up points at in the earlier turns: an item of the last answer's list by its
ordinal or number ("the fourth one", "2 and 3", "the last two"), the model before or after one
discussed, or one of the models compared."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from bot.answers.subjects import subjects_in
from bot.report.vocabulary import ORDINALS, RECOMMENDATION_REF

Turn = dict[str, str]

RECOMMENDATION = re.compile(RECOMMENDATION_REF, re.IGNORECASE)
ORDINAL_REF = re.compile(
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
_COUNT_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}


def count_word(word: str) -> int:
    """A count written in digits or as a word up to five ("2", "two")."""
    return int(word) if word.isdigit() else _COUNT_WORDS[word.lower()]


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
    match = ORDINAL_REF.search(question)
    before_last = _BEFORE_LAST.search(question)
    if not (match or before_last) or RECOMMENDATION.search(question) or not items:
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
    end, n = (several.group(1).lower(), count_word(several.group(2))) if several else ("", 0)
    for i, items in _answer_lists(history) if several else ():
        if n < len(items):
            first = end in {"first", "top"}
            asked = _asked_for(history, i)
            if _about_recommendations(asked):
                numbers = range(1, n + 1) if first else range(len(items) - n + 1, len(items) + 1)
                # "the last two": recommendations 9 and 10, not their titles' words
                return f"{question} (recommendations {' and '.join(map(str, numbers))})", asked
            picked = items[:n] if first else items[-n:]
            return f"{question} ({'; '.join(picked)})", asked
    picked_numbers = _numbers_listed(question)  # "the skills levers of 2 and 3", "#7 and #9"
    for i, items in _answer_lists(history) if picked_numbers else ():
        if max(picked_numbers) <= len(items):
            asked = _asked_for(history, i)
            if _about_recommendations(asked):
                named = " and ".join(map(str, picked_numbers))
                return f"{question} (recommendations {named})", asked
            return f"{question} ({'; '.join(items[n - 1] for n in picked_numbers)})", asked
        break
    ordinal = ORDINAL_REF.search(question)
    counted = _COUNTED.search(question)  # "the first of those two": a list of two
    count = count_word(counted.group(1)) if counted else 0
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
            if _about_recommendations(asked):
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


def _about_recommendations(asked: Sequence[Turn]) -> bool:
    """Whether the turns a list answered asked for recommendations (its items are pointed at
    by their numbers, not by their titles' words)."""
    return any(_RECOMMENDATIONS.search(t.get("content", "")) for t in asked)


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

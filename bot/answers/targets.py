"""What a question names: the report's business models, canvas blocks, lists and numbered
recommendations, whether it names a topic beyond them, and what a follow-up carries over from
earlier turns. bot.answers.plan reads these into a Plan.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable, Sequence

from bot.answers.rewrite import Turn, recommendation_number
from bot.answers.subjects import BLOCKS, comparison, subjects_in
from bot.index.lexical import STOPWORDS, tokenize
from bot.report.catalog import Outline, list_keys
from bot.report.outline import BLOCK_HEADINGS, archetype_of
from bot.report.vocabulary import (
    ACROSS_CUES,
    CHAT_WORDS,
    COMPARE,
    DOMAIN_WORDS,
    LEVER_CUES,
    LIST_CUES,
    LIST_WORDS,
    RECOMMENDATION_REF,
    WORDING,
)
from bot.types import SECTION_SEP, Plan

_LISTS = {k: re.compile(p, re.IGNORECASE) for k, p in LIST_CUES.items()}
_LEVER = re.compile(LEVER_CUES, re.IGNORECASE)
_ACROSS = re.compile(ACROSS_CUES, re.IGNORECASE)
_CANVAS_WORD = re.compile(r"\bcanvas(?:es)?\b", re.IGNORECASE)
# "all nine blocks", or blocks in the plural with none named ("which building blocks ...")
_EVERY_BLOCK = r"\b(all|every|each)( the| of the)? (nine |9 )?blocks?\b"
_ALL_BLOCKS = re.compile(_EVERY_BLOCK + r"|\bblocks\b", re.IGNORECASE)
ONE_REC = re.compile(RECOMMENDATION_REF, re.IGNORECASE)
# "every business model type", "each trend": a quantified singular names the whole list.
_QUANTIFIED = re.compile(
    r"\b(?:every|each)\s+((?:[\w-]+\s+){0,2}?)(model|trend|recommendation|challenge|archetype|"
    r"lever|barrier|obstacle|reason|driver|impact)(?:\s+(?:type|kind|category))?\b(?!['’])",
    re.IGNORECASE,
)
_SEVERAL_RECS = re.compile(  # "recs 1, 4 and 7", "recommendations 3/6/9"
    r"\b(?:recommendations|recs)\.?\s*(?:nos?\.?|numbers?|#)?\s*((?:\d{1,2}\s*(?:,|and|&|/|\+)?\s*){2,})",
    re.IGNORECASE,
)
_COMPARE_CUE = re.compile(COMPARE, re.IGNORECASE)
_KNOWN_LISTS = frozenset(list_keys())
_LEVER_LISTS = ("levers:skills", "levers:technology", "levers:policy")
_A_RECOMMENDATION = re.compile(r"\brec(?:ommendation)?s?\b", re.IGNORECASE)
_THOSE = re.compile(r"\b(those|these|them|they|of the list|on the list|in the list)\b|"
                    r"\bwhich(\s+ones?)?\s+(is|are|would|should|will|could|matters?|fits?|"
                    r"suits?)\b|\bwhich\s+ones?\b", re.IGNORECASE)  # "which is the hardest?"
# The lists a follow-up may point into, as words that name them again.
_CARRIED_LISTS = {
    "challenges": "the challenges of business model innovation",
    "impact": "the impacts of business model innovation on the sector",
    "why": "why business model innovation matters",
    "trends": "the innovation trends",
    "recommendations": "the ten recommendations",
}
NOT_TOPIC = frozenset(tokenize(f"{CHAT_WORDS} {WORDING} {DOMAIN_WORDS} {LIST_WORDS}"))
_CHOICE = re.compile(r"\b(which|best|better|choose|pick|go with|prefer)\b", re.IGNORECASE)
BLOCKS_LISTED = 3  # a question naming this many blocks of one canvas gets each block whole


def models_in(text: str) -> tuple[str, ...]:
    """The archetype keys a text names, in order."""
    found = (archetype_of(s.model_section.split(SECTION_SEP)[-1]) for s in subjects_in(text))
    return tuple(a for a in found if a is not None)


def blocks_in(text: str) -> tuple[str, ...]:
    """The canvas blocks a text names, in the order it names them."""
    found = sorted((m.start(), key) for key, _, p in BLOCKS if (m := p.search(text)))
    return tuple(dict.fromkeys(key for _, key in found))


def lists_in(
    text: str, models: Sequence[str], blocks: Sequence[str], all_items: bool
) -> tuple[str, ...]:
    """The report lists a question asks for (keys of bot.report.catalog)."""
    found: list[str] = []
    text = _QUANTIFIED.sub(lambda m: f"all {m.group(1)}{m.group(2)}s", text)
    one_rec = bool(ONE_REC.search(text))
    for key, pattern in _LISTS.items():
        if not pattern.search(text):
            continue
        if key.startswith("levers:"):
            if not one_rec and (_LEVER.search(text) or all_items):
                found.append(key)
        elif key == "recommendations":
            if not one_rec:
                found.append(key)
        elif key == "models":
            if not models and not blocks:
                found.append(key)
        elif key == "trends":
            if not models or all_items:
                found.append(key)
        else:
            found.append(key)
    if any(k.startswith("levers:") for k in found) and "recommendations" in found:
        found.remove("recommendations")
    for block in blocks:
        if _ACROSS.search(text) or (not models and all_items):
            found.append(f"block:{block}")
    every_block = re.search(_EVERY_BLOCK, text, re.IGNORECASE)  # "every block, incl. the partners"
    if len(models) == 1 and (every_block or not blocks and (_CANVAS_WORD.search(text)
                                                            or _ALL_BLOCKS.search(text))):
        found.append(f"canvas:{models[0]}")
    elif len(models) == 1 and (all_items or len(blocks) >= BLOCKS_LISTED):  # every bullet of each
        found += [f"canvas:{models[0]}:{block}" for block in blocks]
    if len(models) > 1 and blocks and not _ACROSS.search(text):  # "revenue for data and digital"
        found += [f"canvas:{model}:{block}" for model in models for block in blocks]
    return tuple(k for k in dict.fromkeys(found) if k in _KNOWN_LISTS)


def searchable(plan: Plan) -> str:
    """The question without the terms the index never mentions: they can only add noise."""
    text = plan.question
    for term in plan.not_in_report:
        text = text.replace(term, " ")
    text = " ".join(text.split())
    return text if len(text.split()) >= 2 and topical(text) else plan.question


def choice_among(text: str, absent: Sequence[str]) -> bool:
    """Whether a question asks to choose among options that are all terms the report never
    mentions ("Which MES is best: Siemens Opcenter, Critical Manufacturing or Plex?")."""
    if not absent or not _CHOICE.search(text):
        return False
    for sentence in re.split(r"(?<=[?.!])\s+", text):
        tail = sentence.rsplit(":", 1)[-1]
        if ":" not in sentence and "," in sentence:  # "which ERP is best, SAP or Oracle?"
            tail = sentence.split(",", 1)[1]
        if not re.search(r"\s(or|vs\.?|versus)\s", tail, re.IGNORECASE):
            continue
        options = [o.strip(" ?.!") for o in re.split(r",|\s(?:or|vs\.?|versus)\s", tail,
                                                     flags=re.IGNORECASE)]
        options = [o for o in options if o]
        lowered = [t.lower() for t in absent]
        if len(options) >= 2 and all(
            len(o.split()) <= 4 and any(t in o.lower() for t in lowered) for o in options
        ):
            return True
    return False


_REPORT_NAME = re.compile(r"\b(?:world manufacturing report|wmr)(?:\s*['’]?(?:20)?\d\d)?\b",
                          re.IGNORECASE)


def topical(
    text: str, known: Callable[[str], bool] | None = None, ignored: frozenset[str] = NOT_TOPIC
) -> bool:
    """Whether a question names a topic beyond the report's lists and the words of asking.

    known: whether the index knows a word; a word it never uses ("why should we care") can
    narrow nothing down, so it is no topic.
    ignored: the words that name no topic (by default also the report's domain words).
    """
    rest = _REPORT_NAME.sub(" ", text)  # "the contributors of the World Manufacturing Report 2023"
    for pattern in (*_LISTS.values(), _LEVER):
        rest = pattern.sub(" ", rest)
    return any(t not in ignored and (known is None or known(t)) for t in tokenize(rest))


# The words after which a question says what it is about ("say about cybersecurity", "define
# servitisation", "what role do governments play").
_ABOUT_SLOT = re.compile(
    r"\b(?:about|regarding|concerning|on|define|defines|definition of|role (?:of|do|does|did|"
    r"for)|mean by|stance on|view on|explain|explains|cover|covers|discuss|discusses|mention|"
    r"mentions|address|addresses)\s+((?:[\w'’-]+\s*){1,4})", re.IGNORECASE)


def asks_about(text: str, known: Callable[[str], bool] | None = None) -> bool:
    """Whether a question says what it is about: words after "about", "define", "role of" that
    name a topic (see `topical`). There a word of the report's domain is a topic too ("what does
    the report say about pricing?"), but for the report's and the sector's own names."""
    return any(topical(m.group(1), known, _NOT_ASKED_ABOUT) for m in _ABOUT_SLOT.finditer(text))


_NOT_ASKED_ABOUT = frozenset(tokenize(f"{CHAT_WORDS} {WORDING} {LIST_WORDS} report wmr "
                                      "manufacturing manufacturer manufacturers industry "
                                      "industries sector sectors"))


def recommendations_in(text: str) -> tuple[str, ...]:
    """Recommendations a text names by number ("recommendation 8", "the first recommendation",
    "recs 1, 4 and 7")."""
    numbers = [recommendation_number(m) for m in ONE_REC.finditer(text)]
    for match in _SEVERAL_RECS.finditer(text):
        numbers += [int(n) for n in re.findall(r"\d{1,2}", match.group(1))]
    return tuple(dict.fromkeys(f"recommendation:{n}" for n in numbers if 1 <= n <= 10))


def recommendation_numbers(keys: Sequence[str]) -> list[int]:
    """The numbers of the recommendations among list keys ("recommendation:5" -> 5)."""
    return [int(k.split(":")[1]) for k in keys if k.startswith("recommendation:")]


def pointed_list(question: str, history: Sequence[Turn]) -> str | None:
    """The list of the last question that a follow-up naming no list, model or block of its own
    points into ("which of those would hit a family firm hardest?", "which one matters most?"
    after the six trends), or None."""
    if models_in(question) or blocks_in(question) or any(
            p.search(question) for p in _LISTS.values()) or not _THOSE.search(question):
        return None
    asked = next((t.get("content", "") for t in reversed(history) if t.get("role") == "user"), "")
    return next((k for k in _CARRIED_LISTS if _LISTS[k].search(asked)), None)


def carried_targets(question: str, history: Sequence[Turn]) -> list[str]:
    """What a follow-up leaves out and the last turns named: a model, a block, a recommendation,
    or the list (the contributors among them) a follow-up that names none points into."""
    own = models_in(question)
    need_model = not own
    need_block = not blocks_in(question)
    need_rec = not ONE_REC.search(question)
    out: list[str] = []
    last = " ".join(t.get("content", "") for t in history[-2:])
    names_none = need_model and need_block and not any(p.search(question) for p in _LISTS.values())
    if names_none and _LISTS["contributors"].search(last):  # "any other nordic institutions?"
        out.append("contributors")
    elif (listed := pointed_list(question, history)) is not None:  # names none of its own
        out.append(_CARRIED_LISTS[listed])
    last_user = next((t.get("content", "") for t in reversed(history)  # the last that named
                      if t.get("role") == "user" and models_in(t.get("content", ""))), "")  # one
    if need_model and len(found := models_in(last_user)) > 1 and (
        comparison(last_user) or _COMPARE_CUE.search(question)  # "compare them"
    ):
        # both models of a comparison ("which is cheaper to start?")
        out.append(f"{found[0]} and {found[1]} business models")
        need_model = False
    if len(own) == 1 and _COMPARE_CUE.search(question):  # "what about X? compare the two"
        for turn in reversed(history):
            if other := [m for m in models_in(turn.get("content", "")) if m not in own]:
                out.append(f"{other[0]} business model")
                break
    for turn in reversed(history):
        text = turn.get("content", "")
        # an answer is about the model its first sentence names, not one it mentions in passing
        # ("... buying analytics and AI tools externally keeps costs scalable")
        said = text if turn.get("role") == "user" else _FIRST_SENTENCE.split(text, maxsplit=1)[0]
        if need_model and (found := models_in(said)):
            out.append(f"{found[0]} business model")
            need_model = False
        if need_block and turn.get("role") == "user" and (blocks := blocks_in(text)):
            out.append(BLOCK_HEADINGS[blocks[0]])
            need_block = False
        named = {m.group(0).lower() for m in ONE_REC.finditer(text)}
        # a recommendation the user named, or the only one an answer was about (not advice
        # that lists three)
        if need_rec and (turn.get("role") == "user" or len(named) == 1) and (
            match := ONE_REC.search(text)
        ):
            out.append(match.group(0))
            need_rec = False
        if not (need_model or need_block or need_rec):
            break
    lever = next((k[7:] for k in _LEVER_LISTS if _LISTS[k].search(question)), None)
    if lever and not _A_RECOMMENDATION.search(question):
        # "and the policy side?" after an answer that named several recommendations: that lever
        # of each of them (not "the technology lever of that recommendation")
        answer = next((t.get("content", "") for t in reversed(history)
                       if t.get("role") == "assistant"), "")
        numbers = [key.split(":")[1] for key in recommendations_in(answer)]
        if len(numbers) > 1:
            out.append(f"the {lever} levers of recommendations {', '.join(numbers[:-1])} and "
                       f"{numbers[-1]}")
        elif own or not need_model:  # "any policy support?" about a model: the levers closest
            out.append(f"the {lever} levers of the recommendations")  # to it
    return out


_FIRST_SENTENCE = re.compile(r"(?<=[.!?:])\s")
_ITEM_TERMS: weakref.WeakKeyDictionary[Outline, frozenset[str]] = weakref.WeakKeyDictionary()
_WORD = re.compile(r"[a-z][a-z-]*[a-z]")


def _terms_of(words: Sequence[str]) -> set[str]:
    return {w for w in words if "-" in w} | {
        f"{a} {b}" for a, b in zip(words, words[1:], strict=False)
        if a not in STOPWORDS and b not in STOPWORDS}


def names_an_item(outline: Outline, text: str) -> bool:
    """Whether a text names a term an item of the indexed lists is made of: a hyphenated word
    ("pay-per-use") or two words that are not stop words ("online platforms")."""
    terms = _ITEM_TERMS.get(outline)
    if terms is None:
        found: set[str] = set()
        for section in outline.sections:
            for entry in outline.items(section):
                found |= _terms_of(_WORD.findall(entry.text.lower()))
        terms = _ITEM_TERMS[outline] = frozenset(found)
    return bool(_terms_of(_WORD.findall(text.lower())) & terms)


# "the localisation recommendation", "the recommendation on partnerships" (not "your
# recommendation", which asks for advice).
_TOPIC_REC = re.compile(
    r"\b(?:the|that|this)\s+((?:[\w-]+\s+){1,3})recommendation\b(?!s)|"
    r"\b(?:the|that|this)\s+recommendation\s+(?:on|about|for|regarding|to)\s+((?:[\w-]+\s*){1,4})",
    re.IGNORECASE,
)


def recommendation_by_topic(outline: Callable[[], Outline] | None, text: str) -> tuple[str, ...]:
    """The one recommendation a text names by its topic rather than its number ("the
    localisation recommendation", "the recommendation on partnerships"): the title that
    shares the most words next to "recommendation" that no other title has."""
    match = _TOPIC_REC.search(text)
    if outline is None or match is None or ONE_REC.search(text):
        return ()
    named = outline().named("recommendations")
    if named is None:
        return ()
    titles = [set(tokenize(re.sub(r"^\d+\.\s*", "", e.text))) for e in named.entries]
    words = set(tokenize(match.group(1) or match.group(2) or "")) - NOT_TOPIC
    scores = []
    for i, title in enumerate(titles):
        others = set().union(*(t for j, t in enumerate(titles) if j != i))
        scores.append(len((title - others) & words))
    best = max(scores, default=0)
    if best == 0 or scores.count(best) > 1:
        return ()
    number = re.match(r"\d+", named.entries[scores.index(best)].text)
    return (f"recommendation:{number.group(0)}",) if number else ()

"""What a question asks whether the text mentions ("does the report cover edge computing?",
"is right to repair mentioned?", a phrase in quotes), and which of those phrases the text never
says, neither in the same words nor in other words."""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.answers.scope import Vocabulary
from bot.answers.terms import LIST_NAMES, SPAN_LEAD, spelt, without_adverbs
from bot.index.lexical import tokenize

# "does the report mention X", "any mention of X", "anything on X": the user asks whether a
# phrase is there, so a phrase of known words that the text never puts together is absent too.
_ASKS_AFTER = re.compile(
    r"\b(?:mentions?|mentioning|covers?|covering|discuss(?:es)?|discussing|address(?:es)?|"
    r"references?|referencing|"
    r"talks? about|say (?:anything|something|much|a word) (?:about|on)|anything (?:about|on)|"
    r"(?:any|a) (?:mention|word|discussion|coverage) (?:of|about|on)|refers? to|deal with|"
    r"(?P<neutral>says? about|said about|think (?:of|about)|views? on|position on|stance on|"
    r"take on))\s+(?P<span>[^?.,;:!()\"“”]+)",
    re.IGNORECASE,
)
_ASKS_BEFORE = re.compile(
    r"\b(?:is|are|was|were)\s+(?P<span>[^?.,;:!()\"“”]+?)\s+(?:ever\s+|even\s+|at all\s+)?"
    r"(?:mentioned|covered|discussed|addressed|talked about|referred to|"
    r"(?:anywhere )?in (?:the|this) (?:report|wmr|document))\b",
    re.IGNORECASE,
)
# "How does that fit with ...", "Where would these belong": the thing the sentence before named.
_ASKS_FIT = re.compile(
    r"\b(?:(?:how|where)\s+)?(?:does|do|would|could|can|will|might)\s+"
    r"(?P<neutral>(?P<span>that|this|it|these|those))\s+"
    r"(?:fit|count|belong|relate|tie in|apply|feature|appear|show up)\b",
    re.IGNORECASE,
)
_SPAN_END = re.compile(
    r"\s+(?:in|for|as|within|anywhere|at all|by|with|when|if|from|on|under|across|"
    r"versus|vs\.?|at|among|between|through|inside|the report|this report|it|like (?:this|that|"
    r"these|those|ours|mine|us)|of (?:this|that|the same) (?:kind|sort|type))\b.*$",
    re.IGNORECASE,
)
_QUESTION_WORD = re.compile(
    r"\s*(?:what|which|who|whom|whose|where|when|why|how|does|do|did|is|are|can|could|should|"
    r"would|will|list|give|tell|name)\b", re.IGNORECASE)
_NAME_WITH_IN = re.compile(r"\s*[A-Z][\w'’-]*\s+(?:in|for|of|on)\s+[A-Z]")  # "Make in India"
_QUOTED = re.compile(r"[\"“]([^\"“”]{3,80})[\"”]|(?<![\w'])'([^']{3,80})'(?![\w'])")
_PRONOUN = re.compile(r"(?:these|those|this|that|them|it|they|either|(?:any|either|both) of "
                      r"(?:these|those|them)"
                      r"|such (?:things|topics|rules|schemes))", re.IGNORECASE)
MAX_PHRASE_WORDS = 6  # a longer span after "talks about" is a clause, not a term
PARAPHRASE_MIN = 0.85  # a phrase this close to one of the text's own phrases is said there


def asked_phrases(question: str, explicit: bool | None = None) -> list[str]:
    """The phrases a question asks whether the text mentions, as the user wrote them.

    explicit: True for only those asked in so many words ("does it mention X"), False for only
    those asked about neutrally ("what does it say about X"), None for both.
    """
    out: list[str] = []
    if explicit is not False:  # a phrase in quotes is asked about as such
        for quoted in _QUOTED.finditer(question):
            phrase = (quoted.group(1) or quoted.group(2)).strip()
            if 2 <= len(phrase.split()) <= MAX_PHRASE_WORDS and phrase not in out:
                out.append(phrase)
    for pattern in (_ASKS_AFTER, _ASKS_BEFORE, _ASKS_FIT):
        for match in pattern.finditer(question):
            neutral = bool(match.groupdict().get("neutral"))
            if explicit is not None and neutral == explicit:
                continue
            span = match.group("span")
            if _PRONOUN.fullmatch(span.strip()):  # "... about X and Y. Does it cover these?"
                span = _antecedent(question[: match.start()])
            for piece in re.split(r"\s+(?:and|or|nor)\s+|\s*/\s*|,\s*", span):
                if _QUESTION_WORD.match(piece):
                    break  # "X and what does it say about Y": Y has its own cue
                piece = SPAN_LEAD.sub("", piece.strip(" '’‘-"))  # "the Make in India scheme"
                if pattern is _ASKS_AFTER and not _NAME_WITH_IN.match(piece):
                    piece = _SPAN_END.sub("", piece)
                phrase = without_adverbs(piece.strip(" '’‘-"))  # "SMEs specifically"
                topic = [t for t in tokenize(phrase) if t not in LIST_NAMES]  # "skills levers"
                short = len(phrase.split()) <= MAX_PHRASE_WORDS
                if len(topic) >= 2 and short and phrase not in out:
                    out.append(phrase)
    return out


def _antecedent(before: str) -> str:
    """What "these" or "that" points back to: what the text before named after "about", "like"
    or "including" ("our buyers ask about X and Y"), else the thing its last clause ends on
    ("our marketing guy wants a loyalty card, is that in the report?")."""
    said = re.split(r"\b(?:about|regarding|like|such as|including)\s+", before)
    if len(said) > 1:
        return re.split(r"[.!?](?:\s|$)", said[-1])[0]
    before = _QUESTION_LEAD.sub("", before).strip()  # "... passport. Does the report [...]"
    clause = re.split(r"[.!?;](?:\s|$)", before.rstrip(".!;"))[-1]
    if before.endswith("?") or _QUESTION_WORD.match(clause):
        return ""  # "how does X mitigate risk? does the report say something about it?"
    # the object the clause introduces ("we've built a digital twin of the supply chain across
    # our plants"), else the last thing of the user's ("... wants our loyalty card")
    starts = list(re.finditer(r"\b(?:a|an|the|some|any)\s+", clause, re.IGNORECASE)) or list(
        re.finditer(r"\b(?:our|their|its)\s+", clause, re.IGNORECASE))[-1:]
    if not starts:
        return ""
    thing = clause[starts[0].end():].strip(" ,:-")
    return thing if _NAME_WITH_IN.match(thing) else _SPAN_END.sub("", thing)


_QUESTION_LEAD = re.compile(r"(?:(?<=[,;.!?])|^)\s*(?:(?:and|so|but|also)\s+)?(?:does|do|did|is|"
                            r"are|can|could|would|will)\b[^.,;!?]*$", re.IGNORECASE)


def unsaid_phrases(
    question: str,
    vocab: Vocabulary,
    closest: Callable[[str], float],
    covered: Callable[[str], bool] = lambda _: False,
) -> list[str]:
    """Phrases the question asks about (see asked_phrases) whose words the text never puts
    together and that come no closer than PARAPHRASE_MIN to any phrase of the text.

    closest: the similarity of a phrase to the nearest phrase of the text that is more than a
    part of it (so "edge computing" is not found in "edge" alone).
    covered: whether some passage covers a phrase in other words; asked for only when the user
    did not ask in so many words whether the text mentions it.
    """
    explicit = asked_phrases(question, explicit=True)
    return [p for p in asked_phrases(question)
            if not vocab.together([spelt(vocab, t) for t in tokenize(p)])
            and closest(p) < PARAPHRASE_MIN and (p in explicit or not covered(p))]

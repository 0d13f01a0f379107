"""Whether the report covers a question: off-topic intents, unknown specifics, weak evidence.

Three independent signals, each refusing on its own:

1. an off-topic intent: the question asks for code, shopping advice or general trivia;
2. a specific the report never mentions: a number (a year, a standard) absent from the indexed
   text, or such a proper name while the best dense match is only moderate and the question
   names none of the report's business models;
3. weak evidence: the best dense cosine is low and most content words of the question do not
   occur in the indexed text at all.

The thresholds were calibrated on evals/gold.jsonl (answerable versus out_of_scope) and
deliberately kept loose: each signal has a wide margin on both sides of the gold set.
"""

from __future__ import annotations

import bisect
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from bot.answers.subjects import subjects_in
from bot.index.lexical import text_phrases, tokenize
from bot.report.vocabulary import DEMONYMS, META, OFF_TOPIC, WORDING
from bot.types import SECTION_SEP, Chunk, Hit

# Below this best dense cosine, a question must share most content words with the report.
WEAK_DENSE = 0.30
# Share of the question's content words that must occur in the report when dense is weak.
MIN_KNOWN_SHARE = 0.5
# An unknown proper name refuses only when the best dense cosine is below this.
ENTITY_DENSE = 0.5
# Shortest shared prefix that counts as the same word (brazilian ~ brazil, contribut~ion).
PREFIX = 5

_OFF_TOPIC_RE = tuple((name, re.compile(p, re.IGNORECASE)) for name, p in OFF_TOPIC)
_WORDING = frozenset(tokenize(WORDING))
_META = re.compile(META, re.IGNORECASE)
_SENTENCE_BREAK = re.compile(r"[.;:!?()\n,]")

_DEMONYM_RE = re.compile(
    r"\b(" + "|".join(re.escape(k) for k in DEMONYMS) + r")\b", re.IGNORECASE
)
_RAW_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’.-]*[A-Za-z0-9]|[A-Za-z0-9]")


def fold_demonyms(text: str) -> str:
    """The text with place adjectives ("Swiss") followed by the place name ("Switzerland")."""
    return _DEMONYM_RE.sub(lambda m: f"{m.group(1)} {DEMONYMS[m.group(1).lower()]}", text)


_EDITION = re.compile(r"\b(?:world manufacturing report|wmr)\s*(?:of\s+|from\s+)?['’]?"
                      r"((?:19|20)?\d{2})\b|\b((?:19|20)\d{2})(?:'s)?\s+(?:world manufacturing "
                      r"report|wmr|edition)\b", re.IGNORECASE)


def other_edition(question: str, known: Callable[[str], bool]) -> bool:
    """Whether a question asks about an edition of the report (by its year) that the index
    never mentions ("the WMR 2021's findings"), and about no edition it holds."""
    years = [m.group(1) or m.group(2) for m in _EDITION.finditer(question)]
    return bool(years) and not any(known(y if len(y) == 4 else f"20{y}") for y in years)  # "wmr23"


# "What does the WEF Global Lighthouse Network 2024 white paper say ...", "according to the
# McKinsey Global Survey": a named document as the source asked about.
_SOURCE = re.compile(
    r"\b(?:(?:does|do|did)\s+|according\s+to\s+|in\s+)(?:the\s+)?(?P<name>(?:[A-Z0-9][\w&'’.-]*"
    r"\s+){1,6})(?:\d{4}\s+)?(?:[Rr]eport|[Ww]hite ?[Pp]aper|[Ss]tudy|[Ss]urvey|[Pp]aper|"
    r"[Oo]utlook|[Aa]rticle|[Bb]ook|[Ii]ndex|[Gg]uide|[Hh]andbook|[Pp]laybook)s?\b")
_THIS_REPORT = re.compile(r"\b(?:the|this|your|its)\s+(?:report|document|wmr)\b|\bwmr\b|"
                          r"world manufacturing report", re.IGNORECASE)


def other_source(question: str, absent: Sequence[str]) -> bool:
    """Whether a question asks what another named document says (its name holds a term the
    index never mentions), and never mentions the indexed report."""
    if _THIS_REPORT.search(question):
        return False
    for match in _SOURCE.finditer(question):
        name = match.group("name").lower()
        if any(term.lower() in name or name.strip() in term.lower() for term in absent):
            return True
    return False


def off_topic_intent(question: str) -> str | None:
    """The kind of off-topic request (coding, purchasing, trivia), or None."""
    for name, pattern in _OFF_TOPIC_RE:
        if pattern.search(question):
            return name
    return None


@dataclass(frozen=True)
class ScopeCheck:
    """The verdict on one question, with the signals behind it."""

    in_scope: bool
    reason: str
    max_dense: float
    known_share: float
    unknown: tuple[str, ...] = ()


class Vocabulary:
    """Stemmed words of the indexed chunks (prefix-tolerant lookup) and chunks by section."""

    def __init__(self, chunks: Sequence[Chunk]) -> None:
        words: set[str] = set()
        pairs: set[tuple[str, str]] = set()
        for chunk in chunks:
            words.update(tokenize(chunk.text))
            words.update(tokenize(chunk.section))
            for sentence in _SENTENCE_BREAK.split(f"{chunk.text}\n{chunk.section}"):
                tokens = tokenize(sentence)
                pairs.update((a, b) for i, a in enumerate(tokens) for b in tokens[i + 1 : i + 4])
        self.words = words
        self.pairs = pairs
        self.phrases = text_phrases(chunks)
        self._sorted = sorted(words)
        self.by_section: dict[str, list[Chunk]] = {}
        for chunk in chunks:
            self.by_section.setdefault(chunk.section, []).append(chunk)
        sections = set(self.by_section)
        # Sections with sub-sections: their own chunks are only introductory lines.
        self.parents = frozenset(
            s for s in sections if any(o.startswith(s + SECTION_SEP) for o in sections)
        )

    def knows(self, token: str) -> bool:
        if token in self.words:
            return True
        if len(token) < PREFIX:
            return False
        i = bisect.bisect_left(self._sorted, token)
        if i < len(self._sorted) and self._sorted[i].startswith(token):
            return True
        return any(token[:n] in self.words for n in range(PREFIX, len(token)))

    def knows_closely(self, token: str) -> bool:
        """Like knows(), but a shared prefix must cover all of the token but its ending
        ("brazilian" ~ "brazil", not "caterpillar" ~ "cater")."""
        if token in self.words:
            return True
        i = bisect.bisect_left(self._sorted, token)
        if len(token) >= PREFIX and i < len(self._sorted) and self._sorted[i].startswith(token):
            return True
        shortest = max(PREFIX, len(token) - 4)
        return any(token[:n] in self.words for n in range(shortest, len(token)))

    def together(self, tokens: Sequence[str]) -> bool:
        """Whether the text puts these words next to each other (within three words)."""
        return all((a, b) in self.pairs or (b, a) in self.pairs for a, b in pairwise(tokens))

    def near(self, token: str) -> list[str]:
        """Known words sharing the token's first two letters (candidates for a misspelling)."""
        head = token[:2]
        i = bisect.bisect_left(self._sorted, head)
        out = []
        while i < len(self._sorted) and self._sorted[i].startswith(head):
            out.append(self._sorted[i])
            i += 1
        return out


def _specifics(question: str) -> list[str]:
    """Numbers, acronyms and capitalised words after the first word: likely named things."""
    out = []
    for i, match in enumerate(_RAW_WORD.finditer(question)):
        word = match.group(0)
        if any(ch.isdigit() for ch in word):
            out.append(word)
        elif i > 0 and word[0].isupper() and word.lower() not in DEMONYMS:
            out.append(word)
        elif len(word) > 1 and word.isupper() and word.lower() not in DEMONYMS:
            out.append(word)
    return out


class ScopeGuard:
    """Decides whether the indexed report covers a question, from its retrieved hits."""

    def __init__(self, chunks: Callable[[], Sequence[Chunk]], token: Callable[[], object]) -> None:
        self._chunks = chunks
        self._token = token
        self._vocab: tuple[object, Vocabulary] | None = None
        self._lock = threading.Lock()

    def vocabulary(self) -> Vocabulary:
        token = self._token()
        cached = self._vocab
        if cached is not None and cached[0] == token:
            return cached[1]
        with self._lock:
            vocab = Vocabulary(self._chunks())
            self._vocab = (token, vocab)
            return vocab

    def check(
        self, question: str, hits: Sequence[Hit], targeted: bool = False
    ) -> ScopeCheck:
        """In scope unless one of the three signals (see the module docstring) fires.

        targeted: the question names one of the report's models or lists, so a specific it
        also names (a year, a product name) does not refuse it on its own.
        """
        vocab = self.vocabulary()
        max_dense = max((h.dense_score for h in hits if h.dense_score is not None), default=-1.0)
        folded = fold_demonyms(question)
        content = [t for t in tokenize(folded) if t not in _WORDING]
        known = [t for t in content if vocab.knows(t)]
        if _META.search(question):  # a question about the report itself (its authors, ...)
            content, known = [*content, "_report"], [*known, "_report"]
        share = len(known) / len(content) if content else 0.0

        def verdict(ok: bool, reason: str, unknown: Sequence[str] = ()) -> ScopeCheck:
            return ScopeCheck(ok, reason, max_dense, share, tuple(unknown))

        intent = off_topic_intent(question)
        if intent is not None:
            return verdict(False, f"off-topic:{intent}")
        if not hits:
            return verdict(False, "no-evidence")
        unknown_numbers: list[str] = []
        unknown_names: list[str] = []
        for word in _specifics(question):
            tokens = tokenize(word)
            if tokens and not all(vocab.knows(t) for t in tokens):
                digits = any(ch.isdigit() for ch in word)
                (unknown_numbers if digits else unknown_names).append(word)
        if unknown_numbers and not targeted:
            return verdict(False, "unknown-number", unknown_numbers)
        if unknown_names and max_dense < ENTITY_DENSE and not (subjects_in(question) or targeted):
            return verdict(False, "unknown-name", unknown_names)
        if max_dense < WEAK_DENSE and share < MIN_KNOWN_SHARE:
            return verdict(False, "weak-evidence")
        return verdict(True, "covered")

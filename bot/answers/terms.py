"""Terms of a question that the indexed text never mentions, and which parts of it are covered.

A term is a run of the question's words (split at stop words and punctuation) that holds a
word the index does not know, not even as a close spelling. Company facts the user gave
(products, places, sizes, figures) are context and never count; nor do words of the
conversation itself ("summary", "boss", "please").
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from functools import lru_cache

from bot.answers.scope import Vocabulary
from bot.index.lexical import STOPWORDS, tokenize
from bot.report.vocabulary import CHAT_WORDS, DEMONYMS, DOMAIN_WORDS, WORDING

_RAW = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’.&+/-]*[A-Za-z0-9+]|[A-Za-z0-9]")
_BREAK = re.compile(r"[,;:!?()\"“”]|\.(?=\s|$)|\s[-–—]\s")
_IGNORE = frozenset(tokenize(f"{CHAT_WORDS} {WORDING} {DOMAIN_WORDS}"))
_PLACE_WORDS = frozenset(DEMONYMS) | frozenset(DEMONYMS.values())
FUZZY_CUTOFF = 0.86  # a misspelt word this close to a known one is known
COMMON_ZIPF = 4.4  # words at least this frequent in English (Zipf scale) are everyday words


@lru_cache(maxsize=4096)
def common_word(word: str) -> bool:
    """An everyday English word (function words, numbers in words, "towards", "boss"): never a
    term on its own, whether or not the report uses it."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en") >= COMMON_ZIPF


def _known(vocab: Vocabulary, word: str) -> bool:
    tokens = tokenize(word)
    if not tokens:
        return True  # a stop word
    if word.islower() and common_word(word):
        return True
    for token in tokens:
        if token in _IGNORE or vocab.knows(token):
            continue
        if len(token) >= 5 and not any(ch.isdigit() for ch in token) and difflib.get_close_matches(
            token, vocab.near(token), n=1, cutoff=FUZZY_CUTOFF
        ):
            continue
        return False
    return True


def _runs(text: str) -> list[list[str]]:
    """Word runs of a text, split at punctuation and stop words."""
    runs: list[list[str]] = []
    for piece in _BREAK.split(text):
        current: list[str] = []
        for match in _RAW.finditer(piece):
            word = match.group(0).strip(".'’")
            if not word:
                continue
            lower = word.lower()
            if lower in STOPWORDS or lower in {"the", "a", "an", "of", "in", "on", "for", "to"}:
                if current:
                    runs.append(current)
                current = []
                continue
            current.append(word)
        if current:
            runs.append(current)
    return runs


def absent_terms(question: str, vocab: Vocabulary, context: Sequence[str] = ()) -> list[str]:
    """Terms of the question the index never mentions (company context left out)."""
    text = question
    for span in sorted(context, key=len, reverse=True):
        if span:
            text = text.replace(span, " , ")
    terms: list[str] = []
    for run in _runs(text):
        unknown = [i for i, w in enumerate(run) if not _known(vocab, w)
                   and w.lower() not in _PLACE_WORDS]
        if not unknown:
            continue
        start, end = unknown[0], unknown[-1]
        if start > 0 and (run[start - 1][:1].isupper() or run[start - 1][:1].isdigit()):
            start -= 1  # "Industry 5.0", "MSCI ESG"
        if end + 1 < len(run) and len(unknown) == 1 and not run[end][:1].isdigit():
            nxt = run[end + 1]
            if nxt.lower() not in _IGNORE and not tokenize(nxt)[:1] == []:
                end += 1  # "quantum computing", "blockchain technology"
        words = run[start : end + 1]
        if all(any(ch.isdigit() for ch in w) for w in words) and len(words) == 1:
            terms.append(words[0])
            continue
        term = " ".join(words)
        if term and term.lower() not in (t.lower() for t in terms):
            terms.append(term)
    return terms


def clauses(question: str) -> list[str]:
    """The parts of a question asked separately ("X? And what about Y?")."""
    parts = re.split(
        r"(?<=[?.!])\s+|;\s*|,?\s+\b(?:and also|and what|and which|and how|and who|and about|"
        r"also what|plus what)\b",
        question,
        flags=re.IGNORECASE,
    )
    return [p.strip() for p in parts if p and len(p.strip().split()) >= 2]

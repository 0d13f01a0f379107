"""Terms of a question that the indexed text never mentions, and which parts of it are covered.

A term is a run of the question's words (split at stop words and punctuation) that holds a
word the index does not know, not even as a close spelling. Company facts the user gave
(products, places, sizes, figures) are context and never count; nor do words of the
conversation itself ("summary", "boss", "please").
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Sequence
from functools import lru_cache

from bot.answers.scope import Vocabulary
from bot.index.lexical import STOPWORDS, tokenize
from bot.report.phrasings import ADVICE_CUES, ALL_CUES, OVERVIEW_CUES, RISK_CUES
from bot.report.vocabulary import (
    BUSINESS_SHORTHAND,
    CHAT_WORDS,
    COUNTRIES,
    DEMONYMS,
    DOMAIN_WORDS,
    LIST_CUES,
    LIST_WORDS,
    ORDINALS,
    REGIONS,
    WORDING,
)

RAW_WORD = re.compile(r"[^\W_][\w'’.&+/-]*(?:[^\W_]|\+)|[^\W_]")  # "Gdańsk", "C++", "S/4HANA"
BREAK = re.compile(r"[,;:!?()\"“”]|\.(?=\s|$)|\s[-–—]\s")
IGNORED = frozenset(tokenize(f"{CHAT_WORDS} {WORDING} {DOMAIN_WORDS} {LIST_WORDS} "
                             + " ".join(ORDINALS)))  # "the seventh" points into a list
_ASKING_CUES = tuple(re.compile(p, re.IGNORECASE) for p in (
    ALL_CUES, OVERVIEW_CUES, RISK_CUES, ADVICE_CUES, *LIST_CUES.values()
))
LIST_NAMES = frozenset(tokenize(LIST_WORDS))  # words that name one of the report's lists
_QUANTITY = re.compile(r"^~?\d+(?:[.,]\d+)?[-–]\d+(?:[.,]\d+)?$|"  # "1-10", "4-5"
                       r"^~?\d+(?:[.,]\d+)?[-–]?(?:years?|words?|pages?|minutes?|hours?|days?|"
                       r"weeks?|months?|persons?|people|man|seats?|lines?|slides?|steps?|shifts?|"
                       r"points?|bullets?|chars?|characters?)(?:[-–]old|[-–]long)?$")
_CONTRACTION = re.compile(  # "I'd", "we're": a pronoun and its verb, never a term
    r"^(?:i|we|you|they|he|she|it|that|there|who|what)['’](?:d|ll|m|re|s|ve)$", re.IGNORECASE)
NUMBER_WORDS = frozenset("one two three four five six seven eight nine ten twelve twenty "
                          "dozens hundreds thousands several many few".split())
PLACE_WORDS = (frozenset(DEMONYMS) | frozenset(DEMONYMS.values()) | COUNTRIES
                | frozenset(w for region in REGIONS for w in region.split())
                | frozenset({"english", "polish", "turkish", "greek", "korean", "arabic", "hindi"}))
# A sentence's first word, capitalised only because it comes first ("Weigh up ...", not "SAP").
_SENTENCE_START = re.compile(r"(^\s*|[.!?]\s+)([A-Z])(?=[a-z'’]*\b)")


def lower_sentence_starts(text: str) -> str:
    """The text with each sentence's first word in lower case, unless more than its first letter
    is a capital ("Weigh up" -> "weigh up"; "SAP" and "KfW" stay)."""
    return _SENTENCE_START.sub(lambda m: m.group(1) + m.group(2).lower(), text)
# Word endings of the nouns that complete a term ("quantum computing", "blockchain technology").
HEAD_NOUN = re.compile(r"^[a-z]{3,}(ing|tion|sion|ment|ity|ics|ogy|ure|ism|ance|ence|ware)s?$")
_TOPIC_PREPOSITIONS = frozenset({"about", "on", "of", "regarding", "mention", "mentions", "using",
                                 "use", "with", "like", "via", "through", "into", "for"})
FUZZY_CUTOFF = 0.86  # a misspelt word this close to a known one is known
COMMON_ZIPF = 4.4  # words at least this frequent in English (Zipf scale) are everyday words
TOPIC_ZIPF = 3.9  # ...outside a topic slot, words this frequent are everyday words too
FUNCTION_ZIPF = 5.5  # a capitalised word this frequent is a sentence's first word, not a name


def without_adverbs(phrase: str) -> str:
    """A phrase without the adverbs it ends on ("SMEs specifically" -> "SMEs"; "supply" and
    "family" are no adverbs: without "-ly" they are no words)."""
    words = phrase.split()
    while words and words[-1].islower() and _adverb(words[-1]):
        words.pop()
    return " ".join(words)


def _adverb(word: str) -> bool:
    return word.endswith("ly") and (word.endswith("ically") or common_word(word[:-2], 3.0) or (
        word.endswith("ily") and common_word(f"{word[:-3]}y", 3.0)))


@lru_cache(maxsize=4096)
def common_word(word: str, zipf: float = 0.0) -> bool:
    """An everyday English word (function words, numbers in words, "towards", "boss"): never a
    term on its own, whether or not the report uses it."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en") >= (zipf or COMMON_ZIPF)


FOREIGN_ZIPF = 3.0  # a word this frequent in another language users write in...
FOREIGN_GAP = 1.5  # ...and this much rarer in English is a word of that language, not a term
_LANGUAGES = ("de", "fr", "es", "it", "pt")


def foreign_word(word: str) -> bool:
    """An everyday word of another language ("rapide", "Betreuer", "estamos"): how a user
    writes, not a term the report could be asked about. Codes ("KfW") are never foreign."""
    if not word.isalpha() or sum(ch.isupper() for ch in word) > 1:
        return False
    return word.lower() in _foreign_words()


@lru_cache(maxsize=1)
def _foreign_words() -> frozenset[str]:
    """The words at least FOREIGN_ZIPF frequent in one of _LANGUAGES and FOREIGN_GAP rarer in
    English, kept in the user's cache folder once found (loading the word lists of five
    languages takes seconds)."""
    from importlib.metadata import version

    from bot.index.store import cached_words

    name = f"foreign-words-{version('wordfreq')}-{FOREIGN_ZIPF}-{FOREIGN_GAP}.txt"
    return cached_words(name, _find_foreign_words)


def _find_foreign_words() -> frozenset[str]:
    from wordfreq import get_frequency_dict

    def zipf(frequency: float) -> float:  # as wordfreq.zipf_frequency gives it
        return round(math.log10(frequency) + 9, 2) if frequency > 0 else 0.0

    english = get_frequency_dict("en")
    others = [get_frequency_dict(lang) for lang in _LANGUAGES]
    out = set()
    for words in others:
        for word, frequency in words.items():
            if zipf(frequency) < FOREIGN_ZIPF or not word.isalpha() or word in out:
                continue
            other = zipf(max(o.get(word, 0.0) for o in others))
            if other - zipf(english.get(word, 0.0)) >= FOREIGN_GAP:
                out.add(word)
    return frozenset(out)


def known(vocab: Vocabulary, word: str, topic_slot: bool = False, in_name: bool = False) -> bool:
    """Whether the index knows a word (or it is an everyday word that names no topic).

    in_name: the word stands in a run of capitalised words ("Hannover Messe"): a name, so a
    word that is everyday in another language is not taken for the user's own wording.

    topic_slot: the word follows "about", "on", "of"...: there a fairly common word ("quantum")
    still names the topic asked about.
    """
    tokens = tokenize(word)
    if not tokens or _QUANTITY.match(word) or _CONTRACTION.match(word):
        return True  # a stop word, a quantity ("120-word", "9-year-old") or "I'd"
    bare = re.sub(r"['’]s$", "", word)
    everyday = COMMON_ZIPF if topic_slot else TOPIC_ZIPF
    coined = bare.count("-") >= 2  # "light-as-a-service": a term, however common its parts
    if not coined and ((bare.islower() and common_word(bare, everyday))
                       or common_word(bare.lower(), FUNCTION_ZIPF)):
        return True
    if coined and vocab.together([t for t in tokens[1:]]):
        return True  # "triple-bottom-line" is "triple bottom line"
    for token in tokens:
        if token in IGNORED or vocab.knows_closely(token):
            continue
        if bare.islower() and any(vocab.knows_closely(b) or common_word(b, everyday)
                                  for b in _base_forms(token)):
            continue  # "riskier", "cheapest": a degree of a known or everyday word
        if len(token) >= 5 and not any(ch.isdigit() for ch in token) and difflib.get_close_matches(
            token, vocab.near(token), n=1, cutoff=FUZZY_CUTOFF
        ):
            continue
        return not coined and not in_name and foreign_word(bare)  # last: loads five languages
    return True


def _base_forms(word: str) -> list[str]:
    """The words a comparative in -ier or a superlative may be formed from ("riskier" ->
    "risky", "risk"; "cheapest" -> "cheap"; "safest" -> "safe"; "biggest" -> "big"); plain
    "-er" is left alone, as it forms nouns too ("harvester")."""
    for suffix in ("iest", "ier", "est"):
        if word.endswith(suffix):
            stem = word[: -len(suffix)]
            if suffix.startswith("i"):
                forms = [f"{stem}y", stem]
            else:
                forms = [stem, f"{stem}e", *([stem[:-1]] if stem[-1:] * 2 == stem[-2:] else [])]
            return [f for f in forms if len(f) >= 4 or (len(f) == 3 and f == stem[:-1])]
    return []


def word_runs(text: str) -> list[tuple[bool, list[str]]]:
    """Word runs of a text, split at punctuation and stop words; each says whether it follows
    a preposition that introduces a topic ("about", "on", "of", "regarding")."""
    runs: list[tuple[bool, list[str]]] = []
    for piece in BREAK.split(text):
        current: list[str] = []
        slot = False
        for match in RAW_WORD.finditer(piece):
            word = match.group(0).strip(".'’")
            if not word:
                continue
            lower = word.lower()
            if lower in STOPWORDS:
                if current:
                    runs.append((slot, current))
                    current = []
                    slot = False
                slot = slot or lower in _TOPIC_PREPOSITIONS
                continue
            current.append(word)
        if current:
            runs.append((slot, current))
    return runs


def without(text: str, spans: Sequence[str]) -> str:
    """The text with these spans (longest first) replaced by a break, so no run crosses them;
    a span that ends a sentence leaves a sentence's end ("... a lot. Bearing that in mind")."""
    for span in sorted(spans, key=len, reverse=True):
        if span:
            text = text.replace(span, " . " if span.rstrip()[-1:] in ".!?" else " , ")
    return text


def absent_terms(
    question: str, vocab: Vocabulary, context: Sequence[str] = ()
) -> list[tuple[str, str]]:
    """Terms of the question the index never mentions (company context left out), each as
    (the term as the user wrote it, the term with the word after it, to judge its meaning)."""
    text = without(question, context)
    for cue in _ASKING_CUES:  # "obstacles", "summarise", "every": how it asks, not what about
        text = cue.sub(" , ", text)
    text = lower_sentence_starts(text)
    terms: list[tuple[str, str]] = []
    for slot, run in word_runs(text):
        names = {i for i, w in enumerate(run) if w[:1].isupper() and any(
            0 <= j < len(run) and run[j][:1].isupper() for j in (i - 1, i + 1))}
        unknown = [i for i, w in enumerate(run) if not known(vocab, w, slot, i in names)
                   and w.lower() not in PLACE_WORDS]
        if not unknown:
            continue
        start, end = unknown[0], unknown[-1]
        if start == end and run[start].islower() and _predicate(text, run[start]):
            continue  # "Which resources underpin ...": how it asks, not what it asks about
        if start == end and end + 1 < len(run) and _QUANTITY.match(f"{run[end]}-{run[end + 1]}"):
            continue  # "under 280 characters", "in 5 slides": a format, not a topic
        if start > 0 and (run[start - 1][:1].isupper() or run[start - 1][:1].isdigit()):
            start -= 1  # "Industry 5.0", "MSCI ESG"
        if run[start][:1].isupper():  # "EU Machinery Regulation": a name runs on while capitalised
            while end + 1 < len(run) and run[end + 1][:1].isupper():
                end += 1
        if end + 1 < len(run) and run[end].islower():
            if HEAD_NOUN.search(run[end + 1]):
                end += 1  # "quantum computing", "blockchain technology"
        if all(w.upper() in BUSINESS_SHORTHAND for w in run[start : end + 1]):
            continue  # "DACH", "MD": shorthand any description uses; "EU Machinery Regulation" is
        term = re.sub(r"['’]s$", "", " ".join(run[start : end + 1]))  # "Bosch's" names Bosch
        window = " ".join(run[start : end + 2])  # "recurring revenue" says more than "recurring"
        if term and term.lower() not in (t.lower() for t, _ in terms):
            terms.append((term, window))
    return terms


def _predicate(text: str, word: str) -> bool:
    """Whether a word is the verb or adjective a question asks with ("which resources underpin",
    "how does the report characterise", "which customers are most receptive")."""
    w = re.escape(word)
    return bool(re.search(
        rf"\b(?:which|what)\s+[\w-]+\s+{w}\b|\b(?:do|does|did|can|could|would|will|should)\s+"
        rf"(?:the\s+[\w-]+(?:\s+\d+)?|it|they|we|you|companies|manufacturers|firms|customers)\s+"
        rf"{w}\b|\b(?:is|are|was|were|be)\s+(?:most|more|"
        rf"less|very|so|quite|particularly|especially|really)\s+{w}\b|\b(?:we|i|they)(?:'re|’re|"
        rf"\s+are|\s+am|'m)\s+{w}\b",
        text, re.IGNORECASE,
    ))


def clauses(question: str) -> list[str]:
    """The parts of a question asked separately ("X? And what about Y?")."""
    parts = re.split(
        r"(?<=[?.!])\s+|;\s*|,?\s+\b(?:and also|and what|and which|and how|and who|and about|"
        r"also what|plus what)\b",
        question,
        flags=re.IGNORECASE,
    )
    return [p.strip() for p in parts if p and len(p.strip().split()) >= 2]


SPAN_LEAD = re.compile(
    r"^(?:(?:the|a|an|any|some|our|their|its|this|that|these|those|such|there)\s+|"
    r"(?:kinds?|sorts?|types?) of\s+|(?:anything|something|everything)\s+(?:(?:about|on|"
    r"regarding|related to|to do with)\s+)?)+", re.IGNORECASE)  # "mention anything useful"
def spelt(vocab: Vocabulary, token: str) -> str:
    """The known word a token is a close misspelling of, or the token itself."""
    if vocab.knows_closely(token) or len(token) < 5:
        return token
    close = difflib.get_close_matches(token, vocab.near(token), n=1, cutoff=FUZZY_CUTOFF)
    return close[0] if close else token

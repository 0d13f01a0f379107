"""The company a user describes: size, places, products and figures, kept as context.

A question such as "We make industrial pumps and have 200 employees, how could we servitise?"
carries facts about the asker's company. They shape the advice and are never a reason to
refuse, and they are not "terms the report never mentions".
"""

from __future__ import annotations

import re

from bot.report.vocabulary import (
    COMPANY_NOUNS,
    COUNTRIES,
    DEMONYMS,
    FIRST_PERSON_ORG,
    ORG_MENTION,
    PRODUCT_VERBS,
)
from bot.types import Company

# A headcount in words ("about sixty people", "two hundred staff", "a hundred and twenty").
_NUMBER = (r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|"
           r"thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand)")
_COUNT_WORDS = rf"(?:an?\s+)?{_NUMBER}(?:[\s-]+(?:and\s+)?{_NUMBER})*"
_SIZE = re.compile(
    r"\b(\d[\d,.]*\s*(?:k|\+)?|" + _COUNT_WORDS + r")[\s-]*(?:employees|people|staff|workers|"
    r"FTEs?|persons?|"
    r"heads|headcount|strong)\b|\b(?:headcount|workforce) of (\d[\d,.]*)\b|"
    r"\b(?:employees|staff|people|headcount|workforce|FTEs?)\s*[:=]\s*[~c.a ]*\d[\d,.]*"
    r"\s*(?:k\b|\+)?",
    re.IGNORECASE,
)
_FIGURE = re.compile(
    r"(?:[€$£]\s?\d[\d,.]*\s*(?:[kmb]n?|million|billion|bn)?|\b\d[\d,.]*\s*(?:%|percent|"
    r"(?:[kmb]n?|million|billion|bn)?\s*(?:eur|euros?|usd|dollars?|gbp|chf|sek|pln|inr|brl)\b|"
    r"(?:million|billion|bn|m)\b)|(?<![:\d])(?<!(?-i:[A-Z]) )\b(?!(?:19|20)\d\d\b)\d[\d,.]*[ \t]+"
    r"[a-z][a-z-]+(?:\s+(?:a|per)\s+(?:year|month|"
    r"day|week|hour|shift))?)",
    re.IGNORECASE,
)
_FIRST_PERSON = re.compile(FIRST_PERSON_ORG, re.IGNORECASE)
_ORG_MENTION = re.compile(ORG_MENTION, re.IGNORECASE)
_WE_ARE = re.compile(r"\bwe(?:'re|’re| are)\s+(?:just\s+|only\s+|basically\s+)?an?\b",
                     re.IGNORECASE)  # "we're a family business": the asker's own company
_DESCRIBED = re.compile(
    r"\b(?:a|an|for|our)\s+(?:[\w&/,.'-]+\s+){0,7}?(?:" + "|".join(COMPANY_NOUNS) + r")\b"
    r"(?![- ]models?\b|[- ]model canvas)"
    r"(?:\s+(?:of|for|in|with|from|making|producing|that)\b(?:(?!\s(?:or|but|should|could|would|"
    r"will|can|is|are|was|were|about|regarding)\b|(?-i:\s[A-Z0-9]*[A-Z][A-Z0-9]+\b))[^.?!;]){0,80}\b)?",
    re.IGNORECASE,
)
_PRODUCTS = re.compile(
    r"\b(?:we|i|which|that|company|firm)\s+(?:also\s+|mainly\s+|mostly\s+)?(?:"
    + "|".join(PRODUCT_VERBS)
    + r")\s+([^.?!;:]{3,80}?)(?=\s*(?:[.?!;:]|,|\band\b|\bwith\b|\bfor\b|\bin\b|\bat\b|$))"
    r"|\b(?:maker|manufacturer|producer|supplier|builder|vendor)s?\s+of\s+([^.?!;:,]{3,60}?)"
    r"(?=\s*(?:[.?!;:,]|\bwith\b|\bin\b|\bbased\b|\band\b|\babout\b|\bfor\b|\bwho\b|"
    r"\bthat\b|\bwhich\b|$))",
    re.IGNORECASE,
)
# A pasted profile: "Company: food packaging films", "Products: ..."
_PROFILE = re.compile(
    r"^\s*(?:company|products?|business|what we (?:do|make))\s*[:=]\s*([^\n]{3,80})",
    re.IGNORECASE | re.MULTILINE,
)
_PLACE = re.compile(
    r"\b(?:in|from|based in|near|across|out of|at)\s+([^\W\d_][\w'’-]+(?:\s+[^\W\d_][\w'’-]+){0,2})"
)
_DEMONYM = re.compile(r"\b(" + "|".join(re.escape(k) for k in DEMONYMS if len(k) > 3) + r")\b",
                      re.IGNORECASE)
# Sentences end at . ! ? (not in "i.e.", "e.g.", "vs.", "etc.") and at line breaks (a pasted
# profile has one field per line).
_SENTENCES = re.compile(r"(?<=[.!?])(?<!i\.e\.)(?<!e\.g\.)(?<!vs\.)(?<!etc\.)\s+|\s*\n\s*",
                        re.IGNORECASE)
_ASKING = re.compile(
    r"\?\s*$|^\s*(?:(?:task|question|q|ask|request)\s*:\s*)?(?:(?:also|and|plus|then|now|so|"
    r"ok(?:ay)?|finally|lastly|additionally|please|pls)[,\s]+)*(how|what|which|where|should|"
    r"could|can|would|is|are|do|does|give|list|tell|help|suggest|recommend|advise|explain|"
    r"describe|summari[sz]e|show|name|compare|outline)\b|^\s*((task|question|q|ask|request)"
    r"\s*:|i\.\s?e\.|e\.\s?g\.|in other words\b|namely\b|meaning\b)|"
    # a request put as a need: "I need every one of them", "we'd like the full list"
    r"^\s*(?:i|we)\s*(?:'d|’d|would)?\s*(?:really\s+)?(?:need|want|like|require)\s+(?:you\b|all\b|"
    r"every\b|each\b|them\b|the (?:whole|full|complete|entire)\b|a (?:full|complete)\b)|"
    # ...or as a wish to know: "As shop steward I want to understand what the report says"
    r"\b(?:i|we)\s*(?:'d|’d|\s+would)?\s+(?:like|want|need|wish|hope)\s+to\s+(?:understand|know|"
    r"learn|find out|hear)\b",
    re.IGNORECASE,
)
DESCRIPTION_CHARS = 600  # the company description carried to canvases and later turns
_NOT_PLACES = frozenset(
    {"The", "Our", "We", "I", "A", "An", "This", "That", "It", "AI", "Industry"}
)


def extract_company(question: str) -> Company | None:
    """The company facts in a question, or None when it describes no company."""
    first_person = bool(_FIRST_PERSON.search(question))
    described = _DESCRIBED.search(question)
    size = _SIZE.search(question)
    # what the describing sentences name, if any ("We run a foundry ... Could we sell insights?"
    # plans to sell insights; it does not make them)
    said = description_only(question) or question
    products = [(m.group(1) or m.group(2)).strip() for m in _PRODUCTS.finditer(said)]
    products += [m.group(1).strip() for m in _PROFILE.finditer(question)]
    if not (first_person or described or size or products):
        return None
    places = [name for name, _ in _places(question)]
    places += [DEMONYMS[m.group(1).lower()].title() for m in _DEMONYM.finditer(question)]
    size_text = None
    if size:
        size_text = (size.group(0)).strip()
    figures = [
        m.group(0).strip() for m in _FIGURE.finditer(question)
        if not size or m.group(0).strip() not in size.group(0)
    ]
    facts = bool(size or products or places or figures)
    if not facts and not (first_person and (_mentions_org(question) or (
        described and _WE_ARE.search(question)
    ))):
        return None  # "a manufacturer", "such a company": no company of the asker's
    return Company(
        description=" ".join(question.split())[:DESCRIPTION_CHARS],
        size=size_text,
        places=tuple(dict.fromkeys(places)),
        products=tuple(dict.fromkeys(
            p for p in products if len(p.split()) <= 10 and not p[:1].isdigit()
        )),
        figures=tuple(dict.fromkeys(f for f in figures if any(ch.isdigit() for ch in f))),
    )


def _mentions_org(question: str) -> bool:
    """First-person words that name an organisation ("our company", "our plant", "we sell")."""
    return bool(_ORG_MENTION.search(question))


def description_only(question: str) -> str:
    """The sentences that describe without asking ("" when every sentence asks)."""
    sentences = [s.strip() for s in _SENTENCES.split(question.strip()) if s.strip()]
    return " ".join(s for s in sentences if not _ASKING.search(s))


# A clause that sets the scene before the question proper ("If we in-source our technicians for a
# servitised offering, what is the minimum wage?").
_CONDITION = re.compile(r"(?:^|(?<=[.!?]\s))(?:if|when|once|assuming|suppose|supposing|should)\b"
                        r"[^,.!?]{3,160},\s*(?=(?:what|which|how|who|where|when|is|are|do|does|"
                        r"can|could|would|should)\b)", re.IGNORECASE)


def main_clause(asking: str) -> str:
    """The question without a condition that sets its scene (see _CONDITION)."""
    return _CONDITION.sub("", asking)


def asking_part(question: str) -> str:
    """The sentences that ask (the whole question when none does)."""
    sentences = [s.strip() for s in _SENTENCES.split(question.strip()) if s.strip()]
    return " ".join(s for s in sentences if _ASKING.search(s)) or question


def company_spans(question: str, company: Company | None) -> list[str]:
    """The parts of the question that are company context (for leaving out of other checks)."""
    if company is None:
        return []
    spans = [*company.products, *company.places, *company.figures]
    if company.size:
        spans.append(company.size)
    spans += [m.group(0) for m in _DESCRIBED.finditer(question)]
    return [s for s in spans if s]


_COUNTRIES = frozenset(DEMONYMS.values()) | COUNTRIES


def _places(question: str) -> list[tuple[str, bool]]:
    """Capitalised names after "in", "from", "based in", "near" or "at" ("in Łódź"), each with
    whether it is written like a place name (one capital per word; "in SAP" is no place).
    After "from" only countries count, and after "at" only places the gazetteer knows: "from
    Fraunhofer" and "at Bosch" name organisations as often. A name the sentences that ask
    name again is no place unless the gazetteer knows it (_asked_again)."""
    out = []
    asking = asking_part(question)
    for match in _PLACE.finditer(question):
        words = []
        for word in match.group(1).split():
            if not word[:1].isupper():
                break
            words.append(word)
        if not words and match.group(1).split()[0] in _COUNTRIES:
            words = [match.group(1).split()[0].title()]  # "in portugal", typed in lower case
        name = " ".join(words)
        after = match.group(0).split()[0].lower()
        if not name or name in _NOT_PLACES or _asked_again(name, question, asking):
            continue
        if (after == "from" and name.lower() not in _COUNTRIES) or (
            after == "at" and not _gazetteer_place(name, everyday=False)
        ):
            continue  # "from Fraunhofer", "at Bosch": organisations as often as places
        out.append((name, all(sum(ch.isupper() for ch in w) == 1 for w in words)))
    return out


def _gazetteer_place(name: str, everyday: bool = True) -> bool:
    """Whether the gazetteer holds the name as it stands; with everyday=False, not when it is
    also an everyday English word ("aimed at Gen Z": Gen is a village)."""
    from bot.answers.names import is_place  # the gazetteer, loaded on first need
    from bot.answers.terms import TOPIC_ZIPF, common_word

    return is_place(name, whole=True) and (everyday or not common_word(name.lower(), TOPIC_ZIPF))


def _asked_again(name: str, question: str, asking: str) -> bool:
    """Whether a name after "in" is a thing the sentences that ask (`asking`, the question's
    asking_part) name again, and no place the gazetteer knows ("we track every order in
    Salesforce. Does it say anything about Salesforce?")."""
    return asking != question and re.search(rf"\b{re.escape(name)}\b", asking) is not None and (
        not _gazetteer_place(name))


def place_names(question: str) -> list[str]:
    """The places a question names ("at a polytechnic in Helsinki"), whether or not it
    describes a company."""
    return [name for name, plain in _places(question) if plain]


_GREETING = re.compile(r"^\s*(?:dear|hello|hi|hey|hej|hallo|good (?:morning|afternoon|evening)|"
                       r"respected|greetings)\b[^\n,!]{0,60}[,!\n]", re.IGNORECASE)
_CLOSING = re.compile(r"\n\s*(?:(?:kind|best|warm|warmest)\s+regards|regards|sincerely|cordially|"
                      r"respectfully|yours(?: faithfully| truly)?|cheers|(?:many\s+)?thanks(?: in "
                      r"advance)?|thank you(?: in advance)?)\b.*$", re.IGNORECASE | re.DOTALL)


def letter_body(question: str) -> str:
    """A question written as a letter without its greeting and its closing and signature
    ("Dear advisor, ... Kind regards, Marta Kowalczyk")."""
    return _CLOSING.sub("", _GREETING.sub("", question, count=1)).strip() or question


def carry(company: Company | None, earlier: Company | None) -> Company | None:
    """The company of this turn, completed with what earlier turns said."""
    if earlier is None:
        return company
    if company is None:
        return earlier
    return Company(
        description=f"{earlier.description} {company.description}".strip(),
        size=company.size or earlier.size,
        places=tuple(dict.fromkeys([*earlier.places, *company.places])),
        products=tuple(dict.fromkeys([*earlier.products, *company.products])),
        figures=tuple(dict.fromkeys([*earlier.figures, *company.figures])),
    )

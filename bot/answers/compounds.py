"""Compounds a question names as its topic that the indexed text never puts together ("federated
learning", "a customer advisory board"), nor says in other words: after the words that name a
topic, as the subject a sentence opens on, and those of a company's story that the question asks
about again."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from bot.answers.company import asking_part
from bot.answers.scope import Vocabulary
from bot.answers.terms import (
    BREAK,
    HEAD_NOUN,
    IGNORED,
    NUMBER_WORDS,
    RAW_WORD,
    SPAN_LEAD,
    spelt,
    without,
    without_adverbs,
    word_runs,
)
from bot.index.lexical import STOPWORDS, tokenize

# A sentence that opens on its topic: "Outcome-based pricing is what our sales team pushes".
_TOPIC_STATEMENT = re.compile(
    r"(?:^|[.!?;:(]\s*|\s[-–—]\s)((?:[\w'’-]+\s+){1,10}?)(?:is|are|was|were|has been|have been|"
    r"keeps|seems|remains)\s+(?:really\s+|very\s+|so\s+|getting\s+|becoming\s+)?(?:a\s+)?"
    r"(?:big|huge|hot|hyped|trending|popular|important|crucial|key|critical|everywhere|"
    r"what\s+(?:we|our|they|everyone|people|customers|clients)|(?:big|hot|major)\s+(?:topic|"
    r"thing|issue|deal)|topic|buzzword|all\s+the\s+rage|top\s+of)\b", re.IGNORECASE,
)
# A thing of the user's own that a sentence is about: "Our works council is nervous", "our spare
# parts warehouse in Accra" (not "our marketing guy wants a loyalty card": the run holds a verb).
_OWN_SUBJECT = re.compile(
    r"\b(?:our|my)\s+((?:[\w'’-]+\s+){2,3}?)(?:is|are|was|were|has|have|had|in|at|on|from)\b",
    re.IGNORECASE,
)
# The subject of a question about what something could be or do: "Could predictive maintenance
# be part of the value proposition?", "Would remote monitoring count as a channel?"
_MODAL_SUBJECT = re.compile(
    r"\b(?:can|could|would|should|does|do|did|will|might)\s+((?:[\w'’-]+\s+){2,4}?)(?:be|fit|"
    r"count|work|help|support|qualify|belong|apply|replace|become)\b", re.IGNORECASE,
)
# Words after which a question names the thing it is about ("built on large language models",
# "with edge computing", "treat customer lifetime value"); not "for", which names an audience
# ("for our management board") more often than a topic.
_COMPOUND_SLOTS = frozenset({
    "about", "on", "regarding", "mention", "mentions", "discuss", "discusses", "explain",
    "explains", "cover", "covers", "address", "addresses", "using", "use",
    "uses", "with", "via", "through", "into", "like", "treat", "treats", "handle", "handles",
    "adopt", "adopting", "selling", "sell", "offering", "offer", "building", "introducing",
    "introduce", "track", "tracking", "measure", "measuring", "implement", "implementing",
    "deploy", "deploying",
})
# ...of which these name the topic itself, which may come after an article ("with a customer
# advisory board", "discuss the annual maintenance contract model"; not "on the policy side").
_TOPIC_SLOTS = frozenset({"about", "regarding", "mention", "mentions", "discuss", "discusses",
                          "explain", "explains", "cover", "covers", "address", "addresses",
                          "with", "like"})
_DETERMINERS = frozenset({"the", "a", "an", "any", "some", "this", "that", "these", "those",
                          "anything", "something", "everything"})  # "mention anything useful"
_RUN_ENDS = frozenset({"across", "between", "among", "within", "without", "over", "under", "per",
                       "versus", "vs", "instead"})
COMPOUND_CLOSEST_MAX = 0.7  # ...and a compound named there must come no closer than this


def unsaid_compounds(
    question: str,
    vocab: Vocabulary,
    closest: Callable[[str], float],
    covered: Callable[[str], bool],
    statements_only: bool = False,
) -> list[str]:
    """Compounds of two to four words that a question names as its topic (see _COMPOUND_SLOTS),
    or of two or three naming a concept anywhere (_concept_runs), that the text never puts
    together, nor says in other words ("federated learning").

    statements_only: only the topics sentences open on ("A deposit refund scheme is what we
    have in mind"), for the sentences in which a user describes their company.
    """
    out = []
    extra = [] if statements_only else _concept_runs(question)
    for run in [*_slot_runs(question, statements_only), *extra]:
        while len(run) > 2 and re.search(r"(ed|ing)$", run[-1]):
            run = run[:-1]  # "synthetic data generated": the term ends before its participle
        run = without_adverbs(" ".join(run)).split()  # "swarm robotics specifically"
        words = [w for w in run if not set(tokenize(w)) <= IGNORED]
        if run and (run[0][:1].isdigit() or run[0].lower() in NUMBER_WORDS):
            continue  # "with two clients": a quantity, not a term
        if not words or not 2 <= len(run) <= 4 or any(_is_named(w) for w in run):
            continue  # names are terms word by word (absent_terms)
        if run[-1].lower() in {"one", "ones"}:
            continue  # "the last one", "the cheaper one": a reference, not a term
        phrase = " ".join(run)
        if _unsaid(phrase, vocab, closest, covered):
            out.append(phrase)
    return out


def _unsaid(
    phrase: str, vocab: Vocabulary, closest: Callable[[str], float],
    covered: Callable[[str], bool],
) -> bool:
    """Whether a phrase of two or more words is one the text never puts together (a misspelt
    word read as the word meant), comes no closer than COMPOUND_CLOSEST_MAX to any of its
    phrases, and no passage says in other words."""
    tokens = tokenize(phrase)
    return len(tokens) >= 2 and not vocab.together([spelt(vocab, t) for t in tokens]) and (
        closest(phrase) < COMPOUND_CLOSEST_MAX and not covered(phrase))


def _concept_runs(text: str) -> list[list[str]]:
    """Runs of two or three words anywhere in a text that end on a noun naming a concept or
    practice ("quantum computing", "framework agreement", "vibration analytics": see
    bot.answers.terms.HEAD_NOUN), with no word of the report's own wording or chat ("skills
    lever") and no contraction ("I'm drafting")."""
    return [run for _, run in word_runs(text) if 2 <= len(run) <= 3 and HEAD_NOUN.search(run[-1])
            and not any(set(tokenize(w)) <= IGNORED or "'" in w or "’" in w for w in run)]


def echoed_compounds(
    described: str,
    asked: str,
    vocab: Vocabulary,
    closest: Callable[[str], float],
    covered: Callable[[str], bool],
) -> list[str]:
    """Compounds of two to four words of a company's story that the question asks about again
    ("We buy under a framework agreement ... is the framework agreement discussed?") and the
    text never puts together, nor says in other words."""
    said = " ".join(w.lower() for _, run in word_runs(asked) for w in run + ["|"])
    out: list[str] = []
    for _, run in word_runs(described):
        for size in (4, 3, 2):
            for i in range(len(run) - size + 1):
                words = run[i : i + size]
                phrase = " ".join(words)
                if f" {phrase.lower()} " not in f" {said} " or any(
                    phrase.lower() in o.lower() for o in out):
                    continue
                if set(tokenize(phrase)) <= IGNORED or words[0][:1].isdigit() or (
                        words[0].lower() in NUMBER_WORDS):
                    continue
                if _unsaid(phrase, vocab, closest, covered):
                    out.append(phrase)
    return out


def _is_named(word: str) -> bool:
    return any(ch.isupper() or ch.isdigit() for ch in word[1:]) or word[:1].isdigit()


def _slot_runs(text: str, statements_only: bool = False) -> list[list[str]]:
    """The runs of words of a text that follow one of _COMPOUND_SLOTS or open a sentence on
    its topic (only the latter with `statements_only`)."""
    runs: list[list[str]] = []
    for piece in [] if statements_only else BREAK.split(text):
        current: list[str] = []
        slot = topic_slot = False
        for match in RAW_WORD.finditer(piece):
            word = match.group(0).strip(".'’")
            lower = word.lower()
            if not current and lower in _DETERMINERS and topic_slot:
                continue  # "with a customer advisory board": the topic is past "a"
            if lower in STOPWORDS or lower in _COMPOUND_SLOTS or lower in _RUN_ENDS:
                if current and slot:
                    runs.append(current)
                current, slot = [], lower in _COMPOUND_SLOTS
                topic_slot = lower in _TOPIC_SLOTS
                continue
            current.append(word)
        if current and slot:
            runs.append(current)
    subjects = [] if statements_only else list(_MODAL_SUBJECT.finditer(text))
    for match in [*_TOPIC_STATEMENT.finditer(text), *_OWN_SUBJECT.finditer(text), *subjects]:
        words = SPAN_LEAD.sub("", match.group(1)).split()  # "X is a hot topic for us"
        cut = next((i for i, w in enumerate(words) if w.lower() in STOPWORDS), len(words))
        if cut:
            runs.append(words[:cut])
    return runs


def story_compounds(
    question: str,
    spans: Sequence[str],
    described: str,
    vocab: Vocabulary,
    closest: Callable[[str], float],
    covered: Callable[[str], bool],
) -> list[str]:
    """The compounds of a question (unsaid_compounds), its company's facts (`spans`) and story
    (`described`; "" if none) left out; then the topics the story's sentences open on, and the
    story's compounds that the sentences that ask name again (echoed_compounds)."""
    asks = asking_part(question)
    return [*unsaid_compounds(without(question, [*spans, described]), vocab, closest, covered),
            *unsaid_compounds(described, vocab, closest, covered, statements_only=True),
            *(echoed_compounds(described, asks, vocab, closest, covered) if asks != question
              else [])]

"""BM25 over the chunks of one generation (bm25s), persisted next to the store."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from bot.index.store import write_atomic
from bot.types import Chunk

_WORD = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*", re.UNICODE)
STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself yourselves
    s t also may might must shall us tell give list report according""".split()
)


@lru_cache(maxsize=1)
def _stemmer() -> object | None:
    try:
        import Stemmer  # PyStemmer

        return Stemmer.Stemmer("english")
    except ImportError:  # pragma: no cover - PyStemmer is a declared dependency
        return None


_BRITISH = re.compile(r"is(ation|ations|e|ed|es|ing|er|ers)$")


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    """Porter2 stem, with British -ise spellings folded into -ize first."""
    word = _BRITISH.sub(r"iz\1", word)
    stemmer = _stemmer()
    return stemmer.stemWord(word) if stemmer is not None else word  # type: ignore[attr-defined]


def tokenize(text: str) -> list[str]:
    """Lower-cased, stemmed content words; hyphenated terms also yield their parts."""
    out: list[str] = []
    for match in _WORD.finditer(text.lower()):
        word = match.group(0).replace("'", "")
        parts = word.split("-") if "-" in word else []
        for w in (word.replace("-", ""), *parts):
            if w and w not in STOPWORDS:
                out.append(_stem(w))
    return out


HEADINGS = "headings"


_PHRASE_BREAK = re.compile(r"[.;:!?()\n,]")
_PHRASE_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
MAX_PHRASES = 20_000  # a large corpus keeps its most frequent phrases


def text_phrases(chunks: Sequence[Chunk], limit: int = MAX_PHRASES) -> list[str]:
    """The runs of one to three words in the chunks' sentences (and section paths) that neither
    start nor end on a stop word, sorted; the `limit` most frequent of a large corpus."""
    counts: dict[str, int] = {}
    for chunk in chunks:
        for sentence in _PHRASE_BREAK.split(f"{chunk.text}\n{chunk.section}"):
            words = [w.lower() for w in _PHRASE_WORD.findall(sentence)]
            for i in range(len(words)):
                for n in (1, 2, 3):
                    run = words[i : i + n]
                    if len(run) == n and run[0] not in STOPWORDS and run[-1] not in STOPWORDS:
                        phrase = " ".join(run)
                        counts[phrase] = counts.get(phrase, 0) + 1
    if len(counts) > limit:
        return sorted(sorted(counts, key=lambda p: (-counts[p], p))[:limit])
    return sorted(counts)


class LexicalIndex:
    """A BM25 index plus the chunks it ranks, in index order."""

    def __init__(
        self, retriever: object, chunks: list[Chunk], headings: object | None = None
    ) -> None:
        self._bm25 = retriever
        self.chunks = chunks
        self._headings = headings if headings is not None else self._index_headings(chunks)

    @staticmethod
    def _index_headings(chunks: Sequence[Chunk]) -> object:
        import bm25s

        index = bm25s.BM25()
        index.index(
            [tokenize(c.section) or ["_empty_"] for c in chunks] or [["_empty_"]],
            show_progress=False,
        )
        return index

    @classmethod
    def build(cls, chunks: Sequence[Chunk]) -> LexicalIndex:
        import bm25s

        retriever = bm25s.BM25()
        corpus = [tokenize(c.text) or ["_empty_"] for c in chunks]
        retriever.index(corpus, show_progress=False)
        return cls(retriever, list(chunks))

    def search(self, query: str, n: int) -> list[tuple[Chunk, float]]:
        """Top-n chunks by BM25 over their whole text; chunks scoring zero are left out."""
        return self._top(self._bm25, query, n)

    def search_headings(self, query: str, n: int) -> list[tuple[Chunk, float]]:
        """Top-n chunks by BM25 over their heading path alone."""
        return self._top(self._headings, query, n)

    def _top(self, index: object, query: str, n: int) -> list[tuple[Chunk, float]]:
        terms = tokenize(query)
        if not terms or not self.chunks:
            return []
        scores = np.asarray(index.get_scores(terms))  # type: ignore[attr-defined]
        n = min(n, len(scores))
        top = np.argpartition(-scores, n - 1)[:n]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self.chunks[i], float(scores[i])) for i in top if scores[i] > 0]

    def save(self, folder: Path) -> None:
        """Persist the index and its chunks into `folder` (replaced whole)."""
        tmp = folder.with_name(folder.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        self._bm25.save(str(tmp), show_progress=False)  # type: ignore[attr-defined]
        self._headings.save(str(tmp / HEADINGS), show_progress=False)  # type: ignore[attr-defined]
        rows = (
            json.dumps(
                {"id": c.id, "text": c.text, "section": c.section, "source": c.source,
                 "page": c.page},
                ensure_ascii=False,
            )
            for c in self.chunks
        )
        write_atomic(tmp / "chunks.jsonl", "\n".join(rows) + "\n")
        shutil.rmtree(folder, ignore_errors=True)
        tmp.rename(folder)

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex:
        import bm25s

        retriever = bm25s.BM25.load(str(folder), show_progress=False)
        chunks = []
        with (folder / "chunks.jsonl").open(encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    row = json.loads(line)
                    chunks.append(Chunk(row["id"], row["text"], row["section"], row["source"],
                                        row["page"]))
        headings = (
            bm25s.BM25.load(str(folder / HEADINGS), show_progress=False)
            if (folder / HEADINGS).is_dir()
            else None
        )
        return cls(retriever, chunks, headings)

"""Related words: a question word the documents never use, mapped to the document words nearest
to it in meaning under the bundled bi-encoder ("labourers" → "workers", "photovoltaic" →
"solar"), so that a paraphrase still overlaps the sentence that answers it; and a question's
term standing for the longer document terms it begins ("border" for "borderline").

Only common words are mapped, and only words the documents never use: a word they do use
matches itself, and mapping it too would blur the terms that tell a near miss apart ("killed"
is near "deadly"). Names are left out on both sides: a bi-encoder puts one month, country or
person next to another ("January" next to "December"), and a near miss often changes just that.
The vectors of the documents' words are computed once per word and model and kept in the index
folder.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import logging
from collections import Counter
from functools import lru_cache
from pathlib import Path

import numpy as np

from qa.embedding import embed_query, embed_texts
from qa.schema import Chunk
from qa.scoring import DASH, STOPWORDS, stem, words

log = logging.getLogger(__name__)

CACHE_FILE = "vocabulary-{key}.npz"  # key: the model's
MAX_RELATED = 3  # document words a question word may stand for
MIN_PREFIX_CHARS = 6  # shorter stems begin too many unrelated words (LongerForms)
MIN_WORD_CHARS = 3  # shorter tokens are abbreviations and fragments, not words a bi-encoder relates

Related = tuple[tuple[str, tuple[tuple[str, float], ...]], ...]  # (question stem, ((document stem, similarity), …))


class Vocabulary:
    """The documents' common words (one spelling per stem) and their vectors."""

    def __init__(self, chunks: list[Chunk], embedder, cache_dir: Path | None = None, model_key: str = ""):
        spellings: dict[str, Counter] = {}
        for chunk in chunks:
            for surface, term in words(chunk.text):
                if _is_word(surface):
                    spellings.setdefault(term, Counter())[surface] += 1
        # a stem written capitalised more often than not is a name ("Pyongyang", "January"); a sentence
        # opening or a title capitalises a common word now and then
        common = {term: c for term, c in spellings.items()
                  if sum(n for w, n in c.items() if w[0].islower()) * 2 >= sum(c.values())}
        self.stems = sorted(common)
        # the commonest lowercase spelling speaks for its stem ("workers" for "worker")
        self.surfaces = [max((w for w in common[s] if w[0].islower()), key=common[s].get) for s in self.stems]
        self.embedder = embedder
        self.vectors = self._vectors(cache_dir, model_key)

    def _vectors(self, cache_dir: Path | None, model_key: str) -> np.ndarray:
        """The words' vectors: those the cache holds, the rest embedded now and added to it, so a
        new document (an upload) costs only the words it brings."""
        if not self.surfaces:
            return np.zeros((0, 0), dtype=np.float32)
        path = cache_dir / CACHE_FILE.format(key=hashlib.sha256(model_key.encode()).hexdigest()[:16]) if cache_dir else None
        cached: dict[str, np.ndarray] = {}
        if path is not None and path.exists():
            try:
                with np.load(path) as data:
                    cached = dict(zip(data["words"].tolist(), data["vectors"]))
            except (OSError, ValueError, KeyError) as exc:  # a broken cache is rebuilt, not fatal
                log.warning("rebuilding %s: %s", path, exc)
        new = [w for w in self.surfaces if w not in cached]
        if new:
            cached.update(zip(new, np.asarray(embed_texts(self.embedder, new), dtype=np.float32)))
        vectors = np.stack([cached[w] for w in self.surfaces])
        if new and path is not None:
            try:
                cache_dir.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(".tmp.npz")
                np.savez(tmp, words=np.asarray(self.surfaces), vectors=vectors)  # words no document uses are dropped
                tmp.replace(path)  # a crash mid-write leaves no half file under the real name
            except OSError as exc:  # a read-only index folder: recomputed next time
                log.warning("could not cache the vocabulary vectors in %s: %s", cache_dir, exc)
        return vectors

    def related(self, text: str, known: set[str] | frozenset[str], threshold: float) -> Related:
        """For each common word of ``text`` whose stem is not in ``known`` (the terms the documents
        use), up to MAX_RELATED document stems at least ``threshold`` similar, most similar first."""
        unknown: dict[str, str] = {}
        opening = text.lstrip()
        for surface, term in words(text):
            # a capital marks a name, but on the text's first word; a compound ("economic-triangle")
            # names something by words the documents use one by one; a form of a question's own
            # word ("what explains …") asks, it says nothing of the answer
            if (term not in known and _is_word(surface) and (surface[0].islower() or opening.startswith(surface))
                    and not DASH.search(surface) and term not in _asking_stems()):
                unknown.setdefault(term, surface.lower())
        if not unknown or not self.stems or threshold > 1:
            return ()
        out = []
        for term, surface in unknown.items():
            near = self.nearest(surface, threshold, MAX_RELATED)
            if near:
                out.append((term, near))
        return tuple(out)

    def nearest(self, word: str, threshold: float, limit: int) -> tuple[tuple[str, float], ...]:
        """Up to ``limit`` document stems at least ``threshold`` similar to ``word``, most similar first."""
        if not self.stems:
            return ()
        sims = self.vectors @ np.asarray(embed_query(self.embedder, word.lower()), dtype=np.float32)
        best = np.argsort(-sims)[:limit]
        return tuple((self.stems[i], round(float(sims[i]), 4)) for i in best if sims[i] >= threshold)


@lru_cache(maxsize=1)
def _asking_stems() -> frozenset[str]:
    """The stems of the words questions are made of ("explain", "describe"): their other forms too."""
    return frozenset(stem(w) for w in STOPWORDS)


class LongerForms:
    """The document terms that start with a question's term and run longer: the stemmer leaves a
    word's compounds and some derivations apart ("border" and "borderline", "minister" and
    "ministry", "Russia" and "Russian"), so a question's word may stand for them. Terms shorter than MIN_PREFIX_CHARS
    are left out: "metal" would stand for "metallurgical", "port" for "portfolio"."""

    def __init__(self, document_terms):
        self.terms = sorted(document_terms)

    def related(self, question_terms, credit: float) -> Related:
        """For each question term of MIN_PREFIX_CHARS or more, the longer document terms that start
        with it, each credited ``credit`` (0: none)."""
        if credit <= 0:
            return ()
        out = []
        for term in sorted(question_terms):
            if len(term) >= MIN_PREFIX_CHARS:
                at = bisect.bisect_right(self.terms, term)  # past the term itself
                longer = list(itertools.takewhile(lambda t: t.startswith(term), itertools.islice(self.terms, at, None)))
                if longer:
                    out.append((term, tuple((t, credit) for t in longer)))
        return tuple(out)


def merge(*related: Related) -> Related:
    """One ``Related`` from several: a question term's related terms from each, in order."""
    merged: dict[str, tuple[tuple[str, float], ...]] = {}
    for entries in related:
        for term, near in entries:
            merged[term] = merged.get(term, ()) + near
    return tuple(merged.items())


def _is_word(surface: str) -> bool:
    """Letters, long enough to be a word (not a figure, a footnote or an initial)."""
    return len(surface) >= MIN_WORD_CHARS and not any(c.isdigit() for c in surface) and any(c.isalpha() for c in surface)

"""Search-as-you-type over every code system, and lookup by code.

Matching is case- and accent-insensitive: "fievre" finds "Fièvre". A query
matches a concept by code prefix (the code, its alternative codes, its ATC code;
dots, dashes and spaces ignored) or when each query word is the prefix of a
word of its labels (French or English) or of its detail (a vaccine's diseases).

Ranking, best first, then the system's own order (classification or file):
exact code, code prefix, label match whose first word matches the first query
word in the requested language, other label match, detail-only match.

ICD-10 also knows the words people use for common conditions (``lay_terms``:
« diabète », « tension », « cancer du sein »): right after the code matches come
the common conditions whose lay words or labels hold every query word (small
words such as « de », « au » aside), in the curated file's order (most often
recorded first), then the rest of ICD-10 as above.

Each system gets an index built once, on first use: sorted lists of normalised
codes and words, searched with bisect, so a prefix query costs a few binary
searches plus set operations in C, not a scan of every label. ICD-10 needs at
least two characters (one letter would match most of the classification); the
small systems answer any query, an empty one with their first concepts.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Callable, Iterable
from functools import cache

from . import documents, icd10, lay_terms, measurements, vaccines
from .concepts import Concept, System, is_english

ICD10_MIN_QUERY = 2

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE"})
_WORD = re.compile(r"[a-z0-9]+")
_AFTER_ANY_WORD = "\uffff"  # sorts after every normalised word
# Words that say nothing of the condition: « mal au dos » and « mal de dos » are one thing.
_SMALL_WORDS = frozenset({"a", "au", "aux", "d", "de", "des", "du", "en", "et", "l", "la",
                          "le", "les", "un", "une", "the", "of", "in", "my"})

_SOURCES: dict[System, Callable[[], tuple[Concept, ...]]] = {
    System.ICD10: icd10.concepts,
    System.LOINC_MEASUREMENT: measurements.concepts,
    System.LOINC_DOCUMENT: documents.document_types,
    System.VACCINE: vaccines.all_vaccines,
}

_LOOKUPS: dict[System, Callable[[str], Concept | None]] = {
    System.ICD10: icd10.lookup,
    System.LOINC_MEASUREMENT: measurements.lookup,
    System.LOINC_DOCUMENT: documents.document_type,
    System.VACCINE: vaccines.vaccine,
}


def fold_text(text: str) -> str:
    """Lower case without accents or ligatures: "Œdème Fièvre" gives "oedeme fievre"."""
    if text.isascii():  # most labels: skip the per-character work
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def words(text: str) -> list[str]:
    """The normalised words of a text, in order."""
    return _WORD.findall(fold_text(text))


class _PrefixIndex:
    """Sorted distinct words, each with the positions of the concepts holding it.

    The words sharing a prefix are adjacent, so two bisects find them all.
    """

    def __init__(self, pairs: Iterable[tuple[str, int]]) -> None:
        postings: dict[str, list[int]] = {}
        for key, position in pairs:
            postings.setdefault(key, []).append(position)
        self.keys = sorted(postings)
        self.postings = [postings[key] for key in self.keys]

    def with_prefix(self, prefix: str) -> set[int]:
        start = bisect_left(self.keys, prefix)
        end = bisect_left(self.keys, prefix + _AFTER_ANY_WORD, start)
        return set().union(*self.postings[start:end])

    def exact(self, key: str) -> set[int]:
        at = bisect_left(self.keys, key)
        if at < len(self.keys) and self.keys[at] == key:
            return set(self.postings[at])
        return set()


def _lay_words(concept: Concept, terms: lay_terms.LayTerms) -> set[str]:
    found = {*words(concept.label_fr), *words(concept.label_en)}
    for term in (*terms.french, *terms.english):
        found.update(words(term))
    return found - _SMALL_WORDS


class SystemIndex:
    """The search index of one code system; `common`: lay words of its common concepts,
    most common first (ICD-10 only)."""

    def __init__(self, concepts: tuple[Concept, ...],
                 common: tuple[lay_terms.LayTerms, ...] = ()) -> None:
        self.concepts = concepts
        at = {concept.code: position for position, concept in enumerate(concepts)}
        common = tuple(terms for terms in common if terms.code in at)
        self.common_rank = {at[terms.code]: rank for rank, terms in enumerate(common)}
        self.common = _PrefixIndex((word, at[terms.code]) for terms in common
                                   for word in _lay_words(concepts[at[terms.code]], terms))
        codes, labels, details, first_fr, first_en = [], [], [], [], []
        for position, concept in enumerate(concepts):
            for code in (concept.code, *concept.alt_codes, concept.atc):
                if code:
                    codes.append(("".join(words(code)), position))
            fr = words(concept.label_fr)
            en = fr if concept.label_en == concept.label_fr else words(concept.label_en)
            labels += [(word, position) for word in {*fr, *en}]
            details += [
                (word, position) for word in words(f"{concept.detail_fr} {concept.detail_en}")
            ]
            first_fr += [(fr[0], position)] if fr else []
            first_en += [(en[0], position)] if en else []
        self.codes = _PrefixIndex(codes)
        self.labels = _PrefixIndex(labels)
        self.details = _PrefixIndex(details)
        self.first_words = {"fr": _PrefixIndex(first_fr), "en": _PrefixIndex(first_en)}

    def query(self, text: str, *, lang: str = "fr", limit: int = 20) -> list[Concept]:
        """Ranked matches, without the minimum-length rule of ``search``."""
        query_words = words(text)
        if limit <= 0:
            return []
        if not query_words:
            return list(self.concepts[:limit])
        compact = "".join(query_words)
        exact_code = self.codes.exact(compact)
        code_prefix = self.codes.with_prefix(compact)
        common = self._common(query_words)
        in_label: set[int] | None = None
        anywhere: set[int] | None = None
        for word in query_words:
            label_hits = self.labels.with_prefix(word)
            word_hits = label_hits | self.details.with_prefix(word)
            in_label = label_hits if in_label is None else in_label & label_hits
            anywhere = word_hits if anywhere is None else anywhere & word_hits
            if not anywhere:
                break
        in_label, anywhere = in_label or set(), anywhere or set()
        first_word = self.first_words["en" if is_english(lang) else "fr"]
        leading = first_word.with_prefix(query_words[0]) & in_label
        buckets = (exact_code, code_prefix, common, leading, in_label, anywhere)
        return self._take(buckets, limit, ranked=common)

    def _common(self, query_words: list[str]) -> set[int]:
        """The common concepts whose lay words or labels hold every meaningful query word."""
        meaningful = [word for word in query_words if word not in _SMALL_WORDS]
        if not meaningful or not self.common_rank:
            return set()
        found: set[int] | None = None
        for word in meaningful:
            hits = self.common.with_prefix(word)
            found = hits if found is None else found & hits
            if not found:
                return set()
        return found or set()

    def _order(self, position: int) -> tuple[int, int]:
        """Common concepts first in their curated order, then the system's own order."""
        return (self.common_rank.get(position, len(self.common_rank)), position)

    def _take(self, buckets: Iterable[set[int]], limit: int,
              ranked: set[int] | None = None) -> list[Concept]:
        """The buckets in turn; the `ranked` one (common concepts) in its curated order,
        the others in the system's order."""
        found: list[Concept] = []
        seen: set[int] = set()
        for bucket in buckets:
            order = self._order if bucket is ranked else None
            for position in sorted(bucket - seen, key=order):
                found.append(self.concepts[position])
                if len(found) == limit:
                    return found
            seen |= bucket
        return found


@cache
def index(system: System) -> SystemIndex:
    """The index of a system, built on first use and kept for the process."""
    common = lay_terms.common_conditions() if system is System.ICD10 else ()
    return SystemIndex(_SOURCES[system](), common)


def warm_up() -> None:
    """Build every index now (e.g. at application start-up) instead of on first query."""
    for system in System:
        index(system)


def search(system: System, text: str, *, lang: str = "fr", limit: int = 20) -> list[Concept]:
    """Concepts matching what the user is typing, best first, at most ``limit``."""
    if system is System.ICD10 and len("".join(words(text))) < ICD10_MIN_QUERY:
        return []
    return index(system).query(text, lang=lang, limit=limit)


def lookup(system: System, code: str) -> Concept | None:
    """The concept with exactly this code in the system, or None."""
    return _LOOKUPS[system](code)

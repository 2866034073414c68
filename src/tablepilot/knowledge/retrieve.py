"""Pick the knowledge a question needs: BM25 over the matching units the value linker already uses.

Latin words (stemmed), numbers and CJK character bigrams (``linking.grams``) make Chinese work without
a word segmenter; a knowledge file holds tens to hundreds of items, so a small exact BM25 is enough
and keeps numpy/scipy out of the core (BM25 libraries need them and bring their own tokenisers that
split Chinese into whole sentences).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from tablepilot.knowledge.model import Example, Knowledge, ValueAlias
from tablepilot.linking import grams, normalize

#: confirmed examples shown per question, and how much of the question they must share
MAX_EXAMPLES = 2
MIN_OVERLAP = 0.34


def tokens(text: str) -> list[str]:
    return grams(normalize(text))


@dataclass(frozen=True)
class BM25:
    """Okapi BM25 over pre-tokenised documents (k1 = 1.2, b = 0.75)."""

    docs: Sequence[Sequence[str]]
    k1: float = 1.2
    b: float = 0.75

    def scores(self, query: Sequence[str]) -> list[float]:
        n = len(self.docs)
        if n == 0:
            return []
        counts = [Counter(d) for d in self.docs]
        avg = sum(len(d) for d in self.docs) / n or 1.0
        df = Counter(t for c in counts for t in c)
        out = []
        for doc, c in zip(self.docs, counts, strict=True):
            s = 0.0
            for t in set(query):
                f = c.get(t, 0)
                if not f:
                    continue
                idf = math.log(1 + (n - df[t] + 0.5) / (df[t] + 0.5))
                s += idf * f * (self.k1 + 1) / (f + self.k1 * (1 - self.b + self.b * len(doc) / avg))
            out.append(s)
        return out


def rank(question: str, texts: Sequence[str]) -> list[tuple[int, float]]:
    """Indexes of ``texts`` by BM25 score for ``question``, best first, zero scores left out."""
    scores = BM25([tokens(t) for t in texts]).scores(tokens(question))
    return sorted(((i, s) for i, s in enumerate(scores) if s > 0), key=lambda p: (-p[1], p[0]))


def similar_examples(knowledge: Knowledge, question: str, k: int = MAX_EXAMPLES) -> list[Example]:
    """Up to ``k`` confirmed examples like the question, least similar first (the closest sits next
    to the question in the prompt). An example must share a third of the question's units."""
    if not knowledge.examples:
        return []
    q = set(tokens(question))
    if not q:
        return []
    picked = []
    for i, _ in rank(question, [e.question for e in knowledge.examples]):
        shared = len(q & set(tokens(knowledge.examples[i].question))) / len(q)
        if shared >= MIN_OVERLAP:
            picked.append(knowledge.examples[i])
        if len(picked) == k:
            break
    return picked[::-1]


def mentioned_aliases(knowledge: Knowledge, question: str) -> list[tuple[str, ValueAlias]]:
    """Value aliases whose word appears in the question (华东 in "上季度华东的GMV")."""
    q = normalize(question)
    return [(name, a) for name, a in knowledge.aliases.items() if normalize(name) and normalize(name) in q]

"""Language detection for documents (py3langid): English passes, others are named by code."""

from __future__ import annotations

import re
from functools import lru_cache

# Enough text to decide; classifying a whole long article costs time and adds nothing.
_SAMPLE_CHARS = 1200
# English prose is about a third function words; other languages, even ones that share
# the alphabet, have almost none of these. Text that clearly passes skips the classifier,
# which costs about 1 ms per document.
_ENGLISH_FUNCTION_WORDS = frozenset((
    "the", "of", "and", "to", "in", "is", "was", "for", "on", "that", "with", "as", "by",
    "at", "from", "has", "have", "it", "its", "are", "be", "will", "said", "which", "an",
    "this", "would", "were", "been",
))  # fmt: skip
_FAST_MIN_WORDS = 40
_FAST_MIN_SHARE = 0.2
_WORD = re.compile(r"[^\W\d_]+")
# Below this normalized probability a non-English guess is not trusted: short English
# texts full of foreign names ("Baykar TB2 Bayraktar Akinci") fool the classifier.
_MIN_CONFIDENCE = 0.8


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> str:
    """ISO 639-1 code of the text's language; "en" unless another language is clear."""
    sample = text[:_SAMPLE_CHARS]
    words = _WORD.findall(sample.lower())
    if not words:
        return "en"
    if len(words) >= _FAST_MIN_WORDS:
        share = sum(w in _ENGLISH_FUNCTION_WORDS for w in words) / len(words)
        if share >= _FAST_MIN_SHARE:
            return "en"
    lang, prob = _identifier().classify(sample)
    if lang != "en" and prob < _MIN_CONFIDENCE:
        return "en"
    return lang

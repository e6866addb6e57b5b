"""Language detection for documents (py3langid): English passes, others are named by code."""

from __future__ import annotations

from functools import lru_cache

# Enough text to decide; classifying a whole long article costs time and adds nothing.
_SAMPLE_CHARS = 3000
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
    if not any(ch.isalpha() for ch in sample):
        return "en"
    lang, prob = _identifier().classify(sample)
    if lang != "en" and prob < _MIN_CONFIDENCE:
        return "en"
    return lang

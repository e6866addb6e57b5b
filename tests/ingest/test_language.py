"""Language detection: English passes, other languages are named."""

from __future__ import annotations

import pytest

from armsgraph.ingest.language import detect_language

TEXTS = {
    "en": "Turkish Aerospace Industries has signed agreements with Pakistan's National"
    " Engineering and Scientific Commission to jointly produce components for the Anka"
    " unmanned aerial vehicle, which boasts a 24-hour flight time and a payload capacity of"
    " 250kg. The two countries have long-standing defense ties, and Turkiye is currently"
    " building corvette warships for Pakistan's navy under a co-production deal.",
    "es": "El Ministerio de Defensa de España ha firmado un contrato con la empresa Navantia"
    " para la construcción de cinco fragatas destinadas a la Armada, según informó el"
    " ministerio en un comunicado. Las primeras entregas están previstas para dentro de tres"
    " años y una parte de la producción se realizará en astilleros nacionales.",
    "nl": "Het ministerie van Defensie heeft een contract getekend met de Duitse fabrikant"
    " voor de levering van zesentwintig pantservoertuigen aan de landmacht. Volgens de"
    " minister worden de eerste voertuigen binnen drie jaar geleverd en wordt een deel van de"
    " productie in Nederland uitgevoerd.",
    "tr": "Türkiye, Pakistan'da savaş insansız hava araçlarını monte etmek için bir tesis"
    " kurmayı planlıyor. Türk yetkililerine göre proje üzerindeki görüşmeler ekim ayından bu"
    " yana önemli ölçüde ilerledi ve tesis uzun menzilli insansız hava araçlarının montajına"
    " odaklanacak.",
}


@pytest.mark.parametrize("lang", sorted(TEXTS))
def test_language_of_report(lang: str) -> None:
    assert detect_language(TEXTS[lang]) == lang


@pytest.mark.parametrize(
    "text",
    [
        "Baykar TB2 Bayraktar Akinci Kizilelma deliveries to Pakistan.",
        "KAAN, TF-X, Hürjet, Anka-3.",
        "12 × 250 kg",
        "",
    ],
)
def test_short_or_name_only_text_counts_as_english(text: str) -> None:
    assert detect_language(text) == "en"

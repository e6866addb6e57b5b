"""Rule tables: one sentence (or two) in, the event type, countries and status out.

Sentences are our own, saying what the seed report says in other words: passive voice,
other countries, other systems; plus one line per status."""

from __future__ import annotations

import pytest

from armsgraph.extract import Extractor
from armsgraph.model import Document


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor()


def summarize(ex):
    out = set()
    for ev in ex.events:
        countries = set()
        for p in ev.participants:
            if p.role in ("system", "program"):
                continue
            ent = ex.entity(p.entity)
            if ent is not None and ent.country:
                countries.add(ent.country)
        out.add((ev.type, tuple(sorted(countries)), ev.status))
    return out


CASES = [
    # local production
    (
        "Egypt plans to open a plant in Kenya to assemble armoured vehicles.",
        ("local_production", ("EGY", "KEN"), "proposed"),
    ),
    (
        "Germany's Rheinmetall will build an ammunition plant in Lithuania.",
        ("local_production", ("DEU", "LTU"), "proposed"),
    ),
    (
        "Armoured vehicles designed in Turkey will be assembled in Indonesia under a licensed production deal.",
        ("local_production", ("IDN", "TUR"), "proposed"),
    ),
    (
        "India has begun licensed production of the Su-30MKI with Russia.",
        ("local_production", ("IND", "RUS"), None),
    ),
    (
        "South Korea will deliver the first K2 tanks to Poland in 2026, and the rest will be built in Poland under licence.",
        ("local_production", ("KOR", "POL"), "proposed"),
    ),
    (
        "Kazakhstan will produce Turkish Anka drones locally under a deal signed with Turkish Aerospace.",
        ("local_production", ("KAZ", "TUR"), "proposed"),
    ),
    # co-production
    (
        "South Korea is building frigates for the Philippine Navy under a co-production agreement.",
        ("co_production", ("KOR", "PHL"), "in_progress"),
    ),
    (
        "Rheinmetall signed a contract with Hungary's defence ministry to jointly produce Lynx infantry fighting vehicles.",
        ("co_production", ("DEU", "HUN"), "agreed"),
    ),
    (
        "Ukraine's Ukroboronprom and Turkey's Baykar are jointly building a drone factory near Kyiv.",
        ("co_production", ("TUR", "UKR"), "in_progress"),
    ),
    # joint development
    (
        "Japan and the United Kingdom are jointly developing a sixth-generation fighter under the GCAP programme.",
        ("joint_development", ("GBR", "JPN"), "in_progress"),
    ),
    (
        "France and Germany agreed to co-develop the FCAS fighter.",
        ("joint_development", ("DEU", "FRA"), None),
    ),
    # program participation
    (
        "Poland is seeking Sweden's participation in its Orka submarine programme.",
        ("program_participation", ("POL", "SWE"), "proposed"),
    ),
    (
        "Brazil joined the Swedish-led Gripen program in 2014.",
        ("program_participation", ("BRA", "SWE"), "completed"),
    ),
    (
        "Denmark withdrew from the F-35 program in 2031.",
        ("program_participation", ("DNK", "USA"), "cancelled"),
    ),
    (
        "Qatar signed a letter of intent to purchase 12 additional Rafale jets from France.",
        ("arms_sale", ("FRA", "QAT"), "proposed"),
    ),
    (
        "Norway has contributed $120 million to the F-35 program.",
        ("program_participation", ("NOR", "USA"), "completed"),
    ),
    # upgrade
    (
        "Israel upgraded dozens of India's MiG-29 fighters.",
        ("upgrade", ("IND", "ISR"), "completed"),
    ),
    (
        "Greece's F-16 fleet was upgraded by Lockheed Martin to the Viper standard.",
        ("upgrade", ("GRC", "USA"), "completed"),
    ),
    (
        "Turkish Aerospace is upgrading the F-16 fleet for Pakistan.",
        ("upgrade", ("PAK", "TUR"), "in_progress"),
    ),
    # arms sale, all statuses
    (
        "The State Department has made a determination approving a possible Foreign Military Sale to the Government of Morocco of HIMARS for an estimated cost of $524.2 million.",
        ("arms_sale", ("MAR", "USA"), "proposed"),
    ),
    (
        "Poland signed a contract to buy 32 F-35 fighters from the United States.",
        ("arms_sale", ("POL", "USA"), "agreed"),
    ),
    (
        "Russia delivered the S-400 air defence system to Turkey.",
        ("arms_sale", ("RUS", "TUR"), "completed"),
    ),
    (
        "Egypt is currently taking delivery of Rafale fighters from France.",
        ("arms_sale", ("EGY", "FRA"), "in_progress"),
    ),
    (
        "Switzerland cancelled its order of Patriot missiles from the United States.",
        ("arms_sale", ("CHE", "USA"), "cancelled"),
    ),
    (
        "Pakistan received the first batch of J-10C fighters from China in March 2022.",
        ("arms_sale", ("CHN", "PAK"), "completed"),
    ),
    (
        "Saudi Arabia is in talks with China to buy Wing Loong drones, according to people familiar with the matter.",
        ("arms_sale", ("CHN", "SAU"), "proposed"),
    ),
    (
        "South Korea's Hanwha Aerospace will build K9 howitzers in Poland under a licence agreement signed in 2022.",
        ("local_production", ("KOR", "POL"), None),
    ),
    (
        "Clashes erupted between Indian and Chinese troops in the Galwan Valley in June 2020.",
        ("armed_clash", ("CHN", "IND"), "completed"),
    ),
    (
        "Romania has ordered 54 Abrams tanks, the U.S. State Department said in a statement.",
        ("arms_sale", ("ROU", "USA"), "agreed"),
    ),
    (
        "Iran has supplied Shahed-136 drones to Russia, the White House said.",
        ("arms_sale", ("IRN", "RUS"), "completed"),
    ),
    (
        "Australia will acquire up to five Virginia-class submarines from the United States under AUKUS.",
        ("arms_sale", ("AUS", "USA"), "proposed"),
    ),
    (
        "Romania confirmed its decision to purchase 54 Abrams tanks from the United States.",
        ("arms_sale", ("ROU", "USA"), "agreed"),
    ),
    (
        (
            "We celebrate the arrival of four patrol boats from the United States for the Ghanaian Navy. "
            "The boats are the last of twelve that Ghana first ordered from the United States in 2019."
        ),
        ("arms_sale", ("GHA", "USA"), "completed"),
    ),
    (
        "The United States finalized Qatar's designation as a Major Non-NATO Ally today.",
        ("defense_cooperation", ("QAT", "USA"), "completed"),
    ),
    (
        "On May 12 the ambassador announced the delivery to the Ghanaian Navy of two patrol boats from the United States.",
        ("arms_sale", ("GHA", "USA"), "completed"),
    ),
    (
        "Russia has begun handing over Su-35 fighters to Iran, Iranian media reported.",
        ("arms_sale", ("IRN", "RUS"), "in_progress"),
    ),
    (
        "Greece is set to receive its first F-35 fighters from the United States in 2028.",
        ("arms_sale", ("GRC", "USA"), "proposed"),
    ),
    (
        "Embraer and Saudi Arabia's SAMI signed an agreement to cooperate on the C-390 transport aircraft.",
        ("defense_cooperation", ("BRA", "SAU"), "agreed"),
    ),
    (
        "That the delivery of C-130s to Ghana was late might surprise no one.",
        ("arms_sale", ("GHA", "USA"), "completed"),
    ),
    # technology transfer
    (
        "France will transfer submarine technology to Brazil under the deal.",
        ("technology_transfer", ("BRA", "FRA"), "proposed"),
    ),
    # export statistics
    (
        "South Korea's defense exports rose 20% last year to $17 billion.",
        ("export_statistic", ("KOR",), "completed"),
    ),
    (
        "India and France jointly conducted a naval exercise in the Arabian Sea last month.",
        ("defense_cooperation", ("FRA", "IND"), None),
    ),
    # clashes and ceasefires
    (
        "Armenia and Azerbaijan clashed along their border in September.",
        ("armed_clash", ("ARM", "AZE"), "completed"),
    ),
    (
        "Armenian and Azerbaijani forces traded fire overnight, killing two soldiers.",
        ("armed_clash", ("ARM", "AZE"), "completed"),
    ),
    (
        "Fighting between the Congolese army and M23 rebels has killed dozens in North Kivu.",
        ("armed_clash", ("COD",), "in_progress"),
    ),
    (
        "Ongoing clashes between Thailand and Cambodia have displaced thousands.",
        ("armed_clash", ("KHM", "THA"), "in_progress"),
    ),
    (
        "Israel and Hezbollah agreed to a ceasefire brokered by the United States and France.",
        ("ceasefire", ("ISR", "LBN"), "agreed"),
    ),
    (
        (
            "Indian and Pakistani troops exchanged fire along the Line of Control in Kashmir on Sunday, the first such "
            "incident since a ceasefire was agreed in 2021."
        ),
        ("ceasefire", ("IND", "PAK"), "agreed"),
    ),
    (
        "A ceasefire between Israel and Lebanon was agreed in November.",
        ("ceasefire", ("ISR", "LBN"), "agreed"),
    ),
    # arms named in general: a sale between two countries though no system is named
    (
        "The US government approved the sale of a new arms package to Taiwan.",
        ("arms_sale", ("TWN", "USA"), "proposed"),  # the seller's approval notifies a possible sale
    ),
    (
        "Taipei welcomed the US decision to approve the sale of 40 M109A6 Paladin howitzers to Taiwan.",
        ("arms_sale", ("TWN", "USA"), "proposed"),
    ),
    (
        "The United States held up some new weapons sales to Bahrain last year.",
        ("arms_sale", ("BHR", "USA"), None),
    ),
    # a strike, as strikes, on a country's sites
    (
        "U.S. forces conducted an overnight strike on the Iranian nuclear site of Fordo.",
        ("armed_clash", ("IRN", "USA"), None),
    ),
    # British spelling: co-operation
    (
        "The UK and Japan signed a defence equipment co-operation framework in July.",
        ("defense_cooperation", ("GBR", "JPN"), "agreed"),
    ),
    # what was acquired, donated or turned over is in hand
    (
        "The Croatian Air Force acquired UH-60 Black Hawk helicopters from the United States.",
        ("arms_sale", ("HRV", "USA"), "completed"),
    ),
    # what a purchase verb takes as object is what is bought: its maker sells
    (
        "The Romanian air force flies the MiG-21 today and recently purchased twelve F-16 jets.",
        ("arms_sale", ("ROU", "USA"), None),
    ),
    # a country's own arms sales are its exports, not the US FMS program's
    ("Turkey's arms sales rose to $5 billion.", ("export_statistic", ("TUR",), "completed")),
    # defense cooperation
    (
        "India and the United States signed a 10-year defence framework in 2025.",
        ("defense_cooperation", ("IND", "USA"), "agreed"),
    ),
    (
        "Greece and France said the two countries have long-standing defense ties.",
        ("defense_cooperation", ("FRA", "GRC"), None),
    ),
]


@pytest.mark.parametrize("text,expected", CASES, ids=[c[0][:50] for c in CASES])
def test_rule_table(extractor, text, expected):
    ex = extractor.extract(Document(text=text, published="2025-11-25"))
    got = summarize(ex)
    etype, countries, status = expected
    matching = [g for g in got if g[0] == etype and g[1] == countries]
    assert matching, f"expected {etype} {countries}, got {sorted(got)}"
    if status is not None:
        assert any(g[2] == status for g in matching), f"expected status {status}, got {sorted(got)}"


def test_coreference_two_countries_and_it(extractor):
    text = (
        "Indonesia and Turkey signed a defense agreement on Monday. "
        "Both countries are jointly developing the KAAN fighter, and it has upgraded Indonesia's F-16s."
    )
    got = summarize(extractor.extract(Document(text=text)))
    assert ("joint_development", ("IDN", "TUR"), "in_progress") in got
    assert any(t == "upgrade" and c == ("IDN", "TUR") for t, c, _ in got), got


def test_same_event_twice_is_one_event_with_two_evidence_spans(extractor):
    text = (
        "Vietnam is planning to build a facility in Laos to assemble combat drones. "
        "The facility will assemble long-endurance drones in Laos."
    )
    ex = extractor.extract(Document(text=text))
    local = [e for e in ex.events if e.type == "local_production"]
    assert len(local) == 1
    assert len(local[0].evidence) == 2


def test_dateline_is_a_place_not_an_actor(extractor):
    text = "ANKARA: Brazil and Chile signed a defense cooperation agreement."
    ex = extractor.extract(Document(text=text))
    for ev in ex.events:
        assert all(p.entity != "country:TUR" for p in ev.participants)
    assert any(e.type == "defense_cooperation" for e in ex.events)


def test_unknown_names_become_entities(extractor):
    text = "Zorblax Dynamics signed a contract with Kenya's Ministry of Defence to supply 12 armoured vehicles."
    ex = extractor.extract(Document(text=text))
    orgs = [e for e in ex.entities if e.type == "organization"]
    assert any(e.name == "Zorblax Dynamics" for e in orgs)
    assert all(e.id.startswith("org:") for e in orgs)


def test_non_english_is_not_extracted(extractor):
    doc = Document(text="La Turquie prévoit une usine au Pakistan.", language="fr")
    ex = extractor.extract(doc)
    assert ex.skipped and "fr" in ex.skipped
    assert ex.events == []


def test_armsgraph_extract_is_callable():
    import armsgraph

    ex = armsgraph.extract(
        "Poland signed a contract to buy 32 F-35 fighters from the United States."
    )
    assert [(e.type, e.status) for e in ex.events] == [("arms_sale", "agreed")]
    assert ex.to_json()["events"][0]["quantity"]["amount"] == 32


def test_source_closing_the_sentence_is_attribution_not_actor(extractor):
    text = (
        "India has signed a $3.5 billion deal with the United States to buy 31 MQ-9B drones, "
        "the Indian defence ministry said on Tuesday."
    )
    ex = extractor.extract(Document(text=text))
    (ev,) = ex.events
    assert ev.attribution.source == "the Indian defence ministry"
    assert {p.role for p in ev.participants} == {"buyer", "seller", "system"}
    assert ev.value.amount == 3.5e9 and ev.quantity.amount == 31


def test_news_story_with_wire_dateline(extractor):
    text = (
        "ANKARA, March 3 (Reuters) - Turkey and Indonesia signed a deal on Monday for 48 KAAN "
        "fifth-generation fighter jets, Turkish defence officials said, in what would be the largest "
        "export contract for the Turkish defence industry.\n"
        "Indonesia has also ordered 60 Bayraktar TB3 drones from Baykar, the company said. Indonesian "
        "officials declined to comment on the financing.\n"
        "Turkey's defence and aerospace exports rose 29% to $7.1 billion last year."
    )
    ex = extractor.extract(Document(text=text, published="2025-03-04"))
    assert ex.document.dateline == "ANKARA"
    names = {e.id: e.name for e in ex.entities}
    sales = {
        tuple(
            sorted(
                (p.role, names[p.entity]) for p in e.participants if p.role in ("buyer", "seller")
            )
        ): e
        for e in ex.events
        if e.type == "arms_sale"
    }
    kaan = sales[(("buyer", "Indonesia"), ("seller", "Türkiye"))]
    assert kaan.status == "agreed" and kaan.quantity.amount == 48
    assert (
        kaan.time.start == "2025-03-03" and kaan.attribution.source == "Turkish defence officials"
    )
    tb3 = sales[(("buyer", "Indonesia"), ("seller", "Baykar"))]
    assert tb3.quantity.amount == 60 and any(
        "declined to comment" in c.stance for c in tb3.comments
    )
    assert all(
        e.time is None or e.time.text != "March 3" for e in ex.events
    )  # the dateline is no time
    facts = {(f.attribute, f.value) for f in ex.facts}
    assert ("defense_exports", 7.1e9) in facts and ("defense_exports_change", 29.0) in facts


def test_list_of_deals_after_a_colon_is_one_sale_per_country(extractor):
    text = (
        "The agency reported the cases it implemented last year. Major cases implemented in 2023 "
        "include: Spain – Eurofighter Typhoon aircraft ($2.1B); Spain – NH90 helicopters ($1.2B); "
        "Qatar – Rafale fighters ($3.5B)."
    )
    ex = extractor.extract(
        Document(
            text=text,
            published="2024-03-01",
            meta={"publisher": "French Ministry of the Armed Forces"},
        )
    )
    sales = [e for e in ex.events if e.type == "arms_sale"]
    buyers = sorted(
        ex.entity(p.entity).country for e in sales for p in e.participants if p.role == "buyer"
    )
    assert buyers == ["ESP", "ESP", "QAT"], summarize(ex)
    qatar = next(
        e
        for e in sales
        if any(ex.entity(p.entity).country == "QAT" for p in e.participants if p.role == "buyer")
    )
    assert qatar.value is not None and qatar.value.amount == 3.5e9
    assert len({e.id for e in sales}) == 3  # two Spanish deals in one sentence are still two events


def test_list_of_prior_sales_without_a_buyer_takes_the_country_spoken_of(extractor):
    text = (
        "The United States and Greece share a long defense partnership. "
        "Recent prior sales include: F-16 Block 72 fighters ($1.5 billion), and MH-60R helicopters ($600 million)."
    )
    ex = extractor.extract(
        Document(text=text, published="2024-03-01", meta={"publisher": "U.S. Department of State"})
    )
    got = summarize(ex)
    assert ("arms_sale", ("GRC", "USA"), "agreed") in got, got
    # Each item with its own price is a deal of its own (docs/ANNOTATION.md: different systems
    # are one event unless the report treats them as separate deals).
    sales = {
        frozenset(ex.entity(p.entity).name for p in e.participants if p.role == "system"): e
        for e in ex.events
        if e.type == "arms_sale"
    }
    f16 = next(e for names, e in sales.items() if "F-16 Fighting Falcon" in names)
    mh60 = next(e for names, e in sales.items() if "MH-60R Seahawk" in names)
    assert f16 is not mh60 and len(sales) == 2
    assert (f16.value.amount, mh60.value.amount) == (1.5e9, 6e8)


def test_a_list_of_systems_without_prices_is_one_deal_and_a_government_sells_its_own(extractor):
    text = (
        "The United States and India are major defense partners. "
        "Recent sales include: MH-60R helicopters, P-8I aircraft and M777 howitzers."
    )
    ex = extractor.extract(
        Document(text=text, published="2024-03-01", meta={"publisher": "U.S. Department of State"})
    )
    sales = [e for e in ex.events if e.type == "arms_sale"]
    assert len(sales) == 1
    parts = {(p.role, p.entity) for p in sales[0].participants}
    # The M777 is made in Britain, but this list is the United States' own sales.
    assert {("buyer", "country:IND"), ("seller", "country:USA")} <= parts
    assert ("seller", "country:GBR") not in parts


def test_security_assistance_by_its_funding_channel(extractor):
    text = "Since 2019 the Department of State has provided $120 million in Foreign Military Financing to Estonia."
    ex = extractor.extract(
        Document(text=text, published="2024-03-01", meta={"publisher": "U.S. Department of State"})
    )
    coop = [e for e in ex.events if e.type == "defense_cooperation"]
    assert summarize(ex) >= {("defense_cooperation", ("EST", "USA"), "in_progress")}, summarize(ex)
    assert any(
        ex.entity(p.entity).name == "Foreign Military Financing" for p in coop[0].participants
    )


def test_demonym_of_the_maker_before_a_system_is_the_seller(extractor):
    text = "Officials said last week that Algeria took delivery of a Russian Su-57 fighter."
    assert ("arms_sale", ("DZA", "RUS"), "completed") in summarize(
        extractor.extract(Document(text=text))
    )


def test_a_further_tranche_is_its_own_event(extractor):
    text = (
        "Germany delivered four IRIS-T SLM launchers to Ukraine in May. "
        "Germany will deliver an additional six IRIS-T SLM launchers to Ukraine next year."
    )
    got = summarize(extractor.extract(Document(text=text, published="2024-06-01")))
    assert ("arms_sale", ("DEU", "UKR"), "completed") in got and (
        "arms_sale",
        ("DEU", "UKR"),
        "proposed",
    ) in got, got


def test_a_job_title_is_not_a_purchase(extractor):
    text = "Department of Defense Under Secretary for Acquisition Ellen Lord discussed the Russian S-400 system."
    assert not [e for e in extractor.extract(Document(text=text)).events if e.type == "arms_sale"]


def test_contract_for_a_system_made_abroad_is_an_import(extractor):
    text = "In May 2021, Romania signed a contract worth $1.5 billion for HIMARS launchers."
    assert ("arms_sale", ("ROU", "USA"), "agreed") in summarize(
        extractor.extract(Document(text=text))
    )


def test_the_sides_of_a_clash_are_those_between_its_commas(extractor):
    text = (
        "From 2020, when Azerbaijan invaded Armenia, through 2023, Canada and France have sent observers "
        "with the European Union."
    )
    clashes = [
        s for s in summarize(extractor.extract(Document(text=text))) if s[0] == "armed_clash"
    ]
    assert clashes and all(c[1] == ("ARM", "AZE") for c in clashes), clashes


def test_a_title_of_several_capitalised_words_is_not_a_purchase(extractor):
    text = "Britain's Minister for Defence Procurement Jeremy Quin visited Lockheed Martin to see the F-35."
    assert not [e for e in extractor.extract(Document(text=text)).events if e.type == "arms_sale"]


def test_a_call_to_end_the_fighting_tells_of_fighting_under_way(extractor):
    text = "The envoy urged an end to the fighting in Somalia between the Somali National Army and al-Shabaab."
    got = summarize(extractor.extract(Document(text=text)))
    assert any(t == "ceasefire" and s == "proposed" for t, _c, s in got), got
    assert any(t == "armed_clash" and s == "in_progress" and "SOM" in c for t, c, s in got), got


def test_an_end_to_hostilities_with_nobody_named_adds_no_clash(extractor):
    text = "Israel and Hamas agreed to a truce. Qatar praised the efforts to end the hostilities."
    assert not [
        s for s in summarize(extractor.extract(Document(text=text))) if s[0] == "armed_clash"
    ]


def test_a_total_delivered_to_many_unnamed_partners_is_an_export_statistic(extractor):
    text = "Turkey's defense industry delivered $5 billion worth of equipment to foreign customers last year."
    assert ("export_statistic", ("TUR",), "completed") in summarize(
        extractor.extract(Document(text=text))
    )


def test_a_total_delivered_to_both_countries_is_no_export_statistic(extractor):
    text = "Egypt and Jordan met in Cairo. The United States delivered $2 billion of weapons to both countries."
    assert not [
        s for s in summarize(extractor.extract(Document(text=text))) if s[0] == "export_statistic"
    ]


def test_an_arms_sales_notification_form_names_the_purchaser(extractor):
    text = (
        "Notice of Proposed Issuance of Letter of Offer Pursuant to Section 36(b)(1) of the Arms Export Control Act\n"
        "(i) Prospective Purchaser: Government of Chile\n"
        "(ii) Total Estimated Value: $120 million\n"
    )
    assert ("arms_sale", ("CHL", "USA"), "proposed") in summarize(
        extractor.extract(Document(text=text))
    )


def test_a_capitalised_word_in_a_facility_name_is_no_trigger_but_a_headline_keeps_its_verbs(
    extractor,
):
    named = (
        "Egypt and the United States held a ceremony at the Egyptian Tank Plant outside of Cairo."
    )
    assert not [
        e for e in extractor.extract(Document(text=named)).events if e.type == "local_production"
    ]
    headline = "Turkey To Assemble Combat Drones In Pakistan"
    assert ("local_production", ("PAK", "TUR"), "proposed") in summarize(
        extractor.extract(Document(text=headline))
    )


def test_a_denial_is_kept_with_the_claim(extractor):
    ex = extractor.extract(Document(text="Pyongyang denied supplying artillery shells to Russia."))
    sale = next(e for e in ex.events if e.type == "arms_sale")
    assert [(c.source, c.stance) for c in sale.comments] == [("Pyongyang", "denied")]
    assert ex.to_json()["events"][0]["comments"][0]["stance"] == "denied"


def test_a_hedge_is_kept_in_the_attribution(extractor):
    text = "Belarus is reportedly buying Iskander missiles from Russia, according to Lithuanian intelligence."
    sale = next(e for e in extractor.extract(Document(text=text)).events if e.type == "arms_sale")
    assert sale.attribution is not None
    assert (sale.attribution.source, sale.attribution.hedge) == (
        "Lithuanian intelligence",
        "reportedly",
    )


def test_joint_manufacture_at_a_plant_is_one_co_production(extractor):
    text = "India and Russia will jointly manufacture AK-203 rifles at a plant in Amethi."
    got = summarize(extractor.extract(Document(text=text)))
    assert ("co_production", ("IND", "RUS"), "proposed") in got
    assert not [g for g in got if g[0] == "local_production"], got


def test_suspicion_is_a_hedge(extractor):
    sale = next(
        e
        for e in extractor.extract(
            Document(text="North Korea is suspected of supplying artillery shells to Russia.")
        ).events
    )
    assert sale.attribution is not None and sale.attribution.hedge == "is suspected of"


def test_a_refusal_after_a_relative_clause_names_its_source(extractor):
    text = (
        "Vietnam signed a contract to buy 12 T-90 tanks from Russia. "
        "Uralvagonzavod, which makes the T-90, declined to comment."
    )
    sale = next(e for e in extractor.extract(Document(text=text)).events if e.type == "arms_sale")
    assert [(c.source, c.stance) for c in sale.comments] == [
        ("Uralvagonzavod", "declined to comment")
    ]


def test_a_time_in_another_clause_is_not_the_event_s(extractor):
    text = (
        "Chile and Peru signed a defence agreement in 2023, and Chile is expected to finalise "
        "the purchase of 12 F-16 fighters from the United States."
    )
    sale = next(
        e
        for e in extractor.extract(Document(text=text, published="2025-01-10")).events
        if e.type == "arms_sale"
    )
    assert sale.time is None


def test_who_produces_locally_is_the_host(extractor):
    ex = extractor.extract(
        Document(
            text="Kazakhstan will produce Turkish Anka drones locally under a deal signed with Turkish Aerospace."
        )
    )
    local = next(e for e in ex.events if e.type == "local_production")
    roles = {
        (p.role, ex.entity(p.entity).country)
        for p in local.participants
        if p.role in ("host", "provider")
    }
    assert ("host", "KAZ") in roles and ("provider", "TUR") in roles, roles


def test_a_source_that_said_so_in_a_statement_is_no_actor(extractor):
    ex = extractor.extract(
        Document(
            text="Romania has ordered 54 Abrams tanks, the U.S. State Department said in a statement."
        )
    )
    sale = next(e for e in ex.events if e.type == "arms_sale")
    assert sale.attribution is not None and sale.attribution.source == "the U.S. State Department"
    assert all(ex.entity(p.entity).type != "organization" for p in sale.participants)


def test_an_embassy_delivery_with_no_receiver_goes_to_its_host(extractor):
    text = (
        "Good morning. The handover of these two C-130 aircraft has been long awaited. "
        "Our partnership with the Kenya Defence Forces is strong."
    )
    doc = Document(text=text, published="2021-05-04", meta={"publisher": "U.S. Embassy in Ghana"})
    got = summarize(extractor.extract(doc))
    assert ("arms_sale", ("GHA", "USA"), "completed") in got, got
    # Without an embassy as publisher nobody receives it.
    plain = Document(
        text=text, published="2021-05-04", meta={"publisher": "U.S. Department of State"}
    )
    assert not [g for g in summarize(extractor.extract(plain)) if g[0] == "arms_sale"]


def test_we_of_a_joint_statement_are_all_its_countries(extractor):
    text = (
        "As leaders of Japan, the Philippines and the United States, guided by our shared commitment "
        "to peace, we resolve to deepen cooperation. We will jointly develop a coastal radar network."
    )
    doc = Document(text=text, published="2024-04-11", meta={"publisher": "The White House"})
    got = summarize(extractor.extract(doc))
    assert any(t == "joint_development" and c == ("JPN", "PHL", "USA") for t, c, _s in got), got
    other = Document(
        text="We, the Leaders of Brazil and India, met in Brasilia. We will jointly develop a coastal radar.",
        published="2024-04-11",
        meta={"publisher": "Ministry of External Affairs"},
    )
    assert any(
        t == "joint_development" and c == ("BRA", "IND")
        for t, c, _s in summarize(extractor.extract(other))
    )


def test_a_kind_of_weapon_and_its_program_are_one_event(extractor):
    text = (
        "Australia will acquire nuclear-powered submarines from the United States. "
        "Australia will acquire them from the United States under the AUKUS Pillar I program."
    )
    sales = [e for e in extractor.extract(Document(text=text)).events if e.type == "arms_sale"]
    assert len(sales) == 1 and len(sales[0].evidence) == 2


def test_a_ceasefire_known_by_its_place_takes_the_sides_named_for_it(extractor):
    text = (
        "Norway welcomed the truce announced in Yemen this evening. "
        "Saudi Arabia and Yemen must now agree a lasting ceasefire, officials said."
    )
    got = summarize(extractor.extract(Document(text=text, published="2022-04-01")))
    assert {c for t, c, _s in got if t == "ceasefire"} == {("SAU", "YEM")}, got


def test_a_cooperation_agreement_signed_in_an_earlier_year_is_done(extractor):
    text = "Chile and the United States signed a defense cooperation agreement in 2015."
    assert ("defense_cooperation", ("CHL", "USA"), "completed") in summarize(
        extractor.extract(Document(text=text, published="2020-03-01"))
    )
    assert ("defense_cooperation", ("CHL", "USA"), "agreed") in summarize(
        extractor.extract(Document(text=text, published="2015-09-01"))
    )


def test_this_contract_takes_the_systems_of_the_sentence_before(extractor):
    text = (
        "Raytheon Co., Tucson, Arizona, is awarded a $320,000,000 contract for Standard Missile-6 production. "
        "This contract involves Foreign Military Sales to Australia."
    )
    ex = extractor.extract(
        Document(
            text=text, published="2025-06-02", meta={"publisher": "U.S. Department of Defense"}
        )
    )
    sale = next(e for e in ex.events if e.type == "arms_sale")
    assert {
        ex.entity(p.entity).country for p in sale.participants if p.role in ("buyer", "seller")
    } == {"AUS", "USA"}
    assert [ex.entity(p.entity).name for p in sale.participants if p.role == "system"] == [
        "RIM-174 Standard ERAM"
    ]


# ---------------------------------------------------------------- names read by their document


def _actor_ids(ex) -> set[str]:
    return {
        p.entity for e in ex.events for p in e.participants if p.role not in ("system", "program")
    }


def _mentions(ex, entity_id: str) -> list[str]:
    ent = ex.entity(entity_id)
    return [m.text for m in ent.mentions] if ent else []


@pytest.mark.parametrize(
    "text,meta,expected",
    [
        # "IAF": the Israeli or the Indian Air Force, as the dateline, the names and the publisher say.
        (
            "JERUSALEM — The IAF took delivery of three more F-35I fighters from the United States.",
            {},
            "org:israeli-air-force",
        ),
        (
            "NEW DELHI: The IAF will receive 26 Rafale fighters from France next year.",
            {},
            "org:indian-air-force",
        ),
        (
            "The IAF took delivery of two C-295 aircraft from Spain, India's defence ministry said.",
            {},
            "org:indian-air-force",
        ),
        (
            "The IAF took delivery of two more F-35I fighters.",
            {"publisher": "Israel Ministry of Defense"},
            "org:israeli-air-force",
        ),
        # "PN": the Pakistan or the Philippine Navy.
        (
            "MANILA — The PN will receive two corvettes from South Korea in 2026.",
            {},
            "org:philippine-navy",
        ),
        (
            "Turkey delivered a MILGEM corvette to the PN, Pakistan's defence ministry said.",
            {},
            "org:pakistan-navy",
        ),
        # "Korean": the South's unless the report speaks of the North.
        (
            "Pyongyang has supplied artillery shells to Russia, and Korean engineers are helping Moscow build drones.",
            {},
            "country:PRK",
        ),
        (
            "Seoul agreed to sell K9 howitzers to Egypt, and Korean engineers will train Egyptian crews.",
            {},
            "country:KOR",
        ),
    ],
    ids=lambda v: v[:40] if isinstance(v, str) else None,
)
def test_an_alias_of_several_entities_is_read_by_its_document(extractor, text, meta, expected):
    ex = extractor.extract(Document(text=text, meta=meta))
    alias = next(a for a in ("IAF", "PN", "Korean") if a in text)
    linked = [e.id for e in ex.entities if alias in [m.text for m in e.mentions]]
    assert linked == [expected], [(e.id, [m.text for m in e.mentions]) for e in ex.entities]


def test_an_acronym_after_a_name_stands_for_it_in_the_whole_document(extractor):
    text = (
        "The Israeli Air Force (IAF) will buy 25 more F-15IA fighters from the United States. "
        "The IAF expects the first jets in 2031."
    )
    ex = extractor.extract(Document(text=text))
    assert _mentions(ex, "org:israeli-air-force") == ["Israeli Air Force", "IAF", "IAF"]
    assert ex.entity("org:indian-air-force") is None
    # An acronym the gazetteer does not know becomes a name of the organization it follows.
    text = (
        "The Balkan Armour Consortium (BAC) signed a contract to supply 40 armoured vehicles to Serbia. "
        "Under the deal, BAC will deliver the vehicles by 2027."
    )
    ex = extractor.extract(Document(text=text))
    consortium = next(e for e in ex.entities if e.name == "Balkan Armour Consortium")
    assert [m.text for m in consortium.mentions] == ["Balkan Armour Consortium", "BAC", "BAC"]


def test_an_acronym_its_name_does_not_spell_is_no_alias(extractor):
    # "DRC" is no initial of "Congo"; "TECRO" none of "the United States".
    text = (
        "The Democratic Republic of Congo (DRC) received 12 patrol boats from Belgium. "
        "DRC officials thanked Belgium."
    )
    ex = extractor.extract(Document(text=text))
    assert "country:COG" not in {e.id for e in ex.entities if "DRC" in [m.text for m in e.mentions]}


def test_a_former_name_and_another_name_stand_for_the_same_entity(extractor):
    text = (
        "Hanwha Aerospace, formerly known as Samsung Techwin, will supply 30 K9 howitzers to Australia. "
        "Samsung Techwin first sold the K9 to Turkey."
    )
    ex = extractor.extract(Document(text=text))
    assert _mentions(ex, "org:hanwha-aerospace") == [
        "Hanwha Aerospace",
        "Samsung Techwin",
        "Samsung Techwin",
    ]
    assert "org:hanwha-aerospace" in _actor_ids(ex)
    text = (
        "Zorvik Shipyards, also called Zorvik Marine, will build two frigates for the Philippine Navy. "
        "Zorvik Marine is based in Spain."
    )
    ex = extractor.extract(Document(text=text))
    yard = next(e for e in ex.entities if e.name == "Zorvik Shipyards")
    assert [m.text for m in yard.mentions] == ["Zorvik Shipyards", "Zorvik Marine", "Zorvik Marine"]


def test_a_kind_of_weapon_gives_no_other_name_its_identity(extractor):
    text = (
        "Slovakia received 14 fighter jets, also known as Fighting Falcons, from the United States."
    )
    ex = extractor.extract(Document(text=text))
    assert _mentions(ex, "system:f-16") == ["Fighting Falcons"]


def test_a_broadcasters_name_does_not_make_its_country_the_speaker(extractor):
    # "Voice of America" names America, but a broadcaster's "we" is no government's.
    text = "We signed a defence cooperation agreement with Egypt."

    def countries(publisher):
        doc = Document(text=text, id=publisher, meta={"publisher": publisher})
        return [sorted(p.entity for p in e.participants) for e in extractor.extract(doc).events]

    assert countries("U.S. Department of State") == [["country:EGY", "country:USA"]]
    assert all("country:USA" not in parts for parts in countries("Voice of America"))


@pytest.mark.parametrize(
    "text,expected",
    [
        # A rank among the world's exporters is an export statistic of the ranked one.
        ("China became the world's fourth largest arms exporter.", {("CHN",)}),
        ("The United States remains the largest arms supplier, SIPRI said.", {("USA",)}),
        ("The EU is the second biggest arms exporter.", {()}),  # a union, no country
        # One buyer's largest supplier is a relation of two, not a rank in the market.
        ("Russia is India's largest arms supplier.", set()),
        ("Russia remains the largest arms supplier to India.", set()),
        ("France is a major arms exporter.", set()),  # no rank named
    ],
)
def test_a_rank_among_exporters_is_an_export_statistic(extractor, text, expected):
    got = summarize(extractor.extract(Document(text=text, published="2025-11-25")))
    assert {countries for etype, countries, _ in got if etype == "export_statistic"} == expected


def test_trucks_given_to_an_army_are_a_transfer_but_aid_trucks_are_not(extractor):
    given = summarize(
        extractor.extract(
            Document(text="The US government donated 31 trucks to Cambodia's armed forces.", id="t")
        )
    )
    assert ("arms_sale", ("KHM", "USA"), "completed") in given
    aid = extractor.extract(Document(text="Aid trucks crossed into Gaza on Monday.", id="g"))
    assert aid.events == []


def test_a_sale_to_several_countries_in_one_sentence_is_one_sale_to_each(extractor):
    text = (
        "The Coast Guard has transferred 110-foot patrol boats to Costa Rica, Georgia and Greece."
    )
    ex = extractor.extract(
        Document(text=text, id="b", meta={"publisher": "U.S. Coast Guard"}, published="2025-01-10")
    )
    got = summarize(ex)
    assert {c for t, c, _ in got if t == "arms_sale"} == {
        ("CRI", "USA"),
        ("GEO", "USA"),
        ("GRC", "USA"),
    }


def test_a_country_in_a_parenthetical_remark_is_no_side(extractor):
    text = (
        "Israel has been at war with Hamas (a U.S.-designated foreign terrorist organization) "
        "since October 2023."
    )
    got = summarize(extractor.extract(Document(text=text, id="h", published="2024-05-01")))
    assert {c for t, c, _ in got if t == "armed_clash"} == {("ISR", "PSE")}
    # A name alone in parentheses still counts.
    named = "The Republic of China (Taiwan) will buy 66 F-16 jets from the United States."
    got = summarize(extractor.extract(Document(text=named, id="t", published="2024-05-01")))
    assert ("arms_sale", ("TWN", "USA"), "proposed") in got


def test_a_mediator_named_twice_is_still_no_side(extractor):
    text = (
        "Armenia and Azerbaijan signed a cease-fire agreement mediated by the Russian "
        "Federation that introduced about 2,000 Russian troops into the conflict zone."
    )
    got = summarize(extractor.extract(Document(text=text, id="m", published="2021-01-10")))
    assert {c for t, c, _ in got if t == "ceasefire"} == {("ARM", "AZE")}


def test_in_a_governments_release_its_own_country_takes_the_empty_side_of_a_sale(extractor):
    text = "The U.S. Army and the Iraqi Navy received the first of 15 new 35-meter patrol boats."

    def sides(meta):
        ex = extractor.extract(Document(text=text, id="r", meta=meta))
        return {(p.role, p.entity) for e in ex.events for p in e.participants if p.role != "system"}

    assert sides({}) == {("buyer", "org:us-army"), ("buyer", "country:IRQ")}  # no speaker: as read
    assert sides({"publisher": "U.S. Army"}) == {
        ("seller", "org:us-army"),
        ("buyer", "country:IRQ"),
    }

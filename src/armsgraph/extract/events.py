"""Turn a parsed document into typed events: the extraction stages, run in order over one document's context.

Each stage is a module with one component, built once and holding only its tables and
matchers; what a document gives them lives on the `DocContext` (and one `SentenceContext`
per sentence) passed to each explicitly:

    linking      document   the dateline, and who "we" are (publisher, embassy, joint statement)
    candidates   document   sentences, clauses, trigger words, cue phrases
    attribution  sentence   who says so, who declines to comment or denies, hedges
    lists        sentence   a list of deals after a colon, item by item
    actors       clause     the names in the clause and their slots; "both countries", "it", "we"
    roles        clause     which trigger makes an event, and each actor's role in it
    attributes   event      status, time, quantity, value
    sides        sentence   the other side of a clash named with one
    facts        sentence   a system's endurance, payload, range
    assembly     document   claims attached, the same event said twice merged, entities and facts
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from armsgraph.extract.actors import Actors
from armsgraph.extract.assembly import Assembly
from armsgraph.extract.attributes import Attributes
from armsgraph.extract.attribution import Claims
from armsgraph.extract.candidates import Candidates
from armsgraph.extract.context import DocContext
from armsgraph.extract.facts import Facts
from armsgraph.extract.linking import Linker
from armsgraph.extract.lists import DealLists
from armsgraph.extract.ontology import Ontology, load_ontology
from armsgraph.extract.roles import Roles
from armsgraph.extract.sides import ConflictSides
from armsgraph.model import Document, Extraction
from armsgraph.nlp.gazetteer import Gazetteer


class EventExtractor:
    """Finds events in a spaCy Doc produced by the armsgraph pipeline."""

    def __init__(self, nlp: Language, gazetteer: Gazetteer, ontology: Ontology | None = None):
        self.nlp = nlp
        self.gaz = gazetteer
        self.onto = ontology or load_ontology()
        self.linking = Linker(nlp, gazetteer, self.onto)
        self.candidates = Candidates(nlp, self.onto)
        self.attribution = Claims(self.onto)
        self.lists = DealLists(gazetteer, self.onto)
        self.actors = Actors(gazetteer, self.onto)
        self.roles = Roles(gazetteer, self.onto)
        self.attributes = Attributes(nlp, self.onto)
        self.sides = ConflictSides(self.onto)
        self.facts = Facts(self.onto)
        self.assembly = Assembly(gazetteer, self.onto)

    def extract(self, document: Document, doc: Doc) -> Extraction:
        ctx = DocContext(document, doc, self.gaz)
        self.linking(ctx)
        self.candidates(ctx)
        for sc in ctx.sentences:
            self.attribution(ctx, sc)
            for draft in self.lists(ctx, sc):
                self.attributes(ctx, sc, draft)
            # A sentence with no trigger yields no event: it is read whole, for the names that
            # later mentions ("both countries", "it") refer back to.
            clauses = sc.clauses if sc.triggers or sc.listed else [(sc.start, sc.end)]
            sc.one_clause = len(clauses) == 1
            for lo, hi in clauses:
                hi = min(
                    hi, sc.cut
                )  # the attribution or the list after the cut is no clause of the claim
                if hi <= lo:
                    continue
                reading = self.actors(ctx, (lo, hi))
                for draft in self.roles(ctx, sc, (lo, hi), reading):
                    self.attributes(ctx, sc, draft)
                ctx.remember(sc, reading)
            self.sides(ctx, sc)
            ctx.prev_things = [t[2] for t in sc.earlier_things]
            self.facts(ctx, sc)
        return self.assembly(ctx)

    def status_rule(self, doc: Doc):
        """The status the cue rules give a trigger (character spans) of an event type, in `doc`."""
        return self.attributes.status_rule(doc)

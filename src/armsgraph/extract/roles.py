"""Roles stage: which trigger of a clause makes an event, and which role each actor of the clause takes in it."""

from __future__ import annotations

from dataclasses import replace

from armsgraph.extract.context import Actor, DocContext, Draft, Reading, SentenceContext, Trigger
from armsgraph.extract.drafting import Drafting, actor_count, origin_fill
from armsgraph.extract.ontology import TriggerRule

__all__ = ["Roles", "actor_count", "origin_fill"]


class Roles(Drafting):
    """Turns the triggers of one clause into drafts: weak and absorbed triggers give way, each
    trigger takes the actors after it (up to the next) and the unclaimed ones before it, each
    actor's slot maps to a role by the trigger's row, and what a type needs (a system, an amount,
    two countries) must be there. A reading that fails gives its words to the next reading of the
    same words, then to the other triggers of the clause."""

    def __call__(
        self, ctx: DocContext, sc: SentenceContext, clause: tuple[int, int], reading: Reading
    ) -> list[Draft]:
        """The drafts of one clause (each followed by the one its words imply), in reading order;
        they are added to the context's and the sentence's drafts."""
        lo, hi = clause
        actors, things = reading.actors, reading.things
        found = [t for t in sc.triggers if lo <= t.start and t.end <= hi]
        triggers = self._collapse(self._drop_weak(found), actors, hi)
        weak = [t for t in found if t.rule.weak and t not in triggers]
        for _ in range(4):  # a trigger that yields no event gives its words back to the others
            results = []
            for ti, trig in enumerate(triggers):
                nxt = triggers[ti + 1].start if ti + 1 < len(triggers) else hi
                windows = [
                    (t.end, triggers[tj + 1].start if tj + 1 < len(triggers) else hi)
                    for tj, t in enumerate(triggers)
                    if tj != ti
                ]
                mine = [
                    a
                    for a in actors
                    if (
                        (trig.end <= a.start < nxt)
                        or (
                            a.start < trig.start
                            and not any(w0 <= a.start < w1 for w0, w1 in windows)
                        )
                    )
                    and not _in_aside(ctx, a, trig, lo, hi)
                ]
                my_things = [
                    th
                    for th in things
                    if (trig.end <= th[0] < nxt)
                    or (th[0] < trig.start and not any(w0 <= th[0] < w1 for w0, w1 in windows))
                ]
                if not my_things and trig.rule.type not in (
                    "armed_clash",
                    "ceasefire",
                    "export_statistic",
                ):
                    # A system named anywhere in the clause, else earlier in the sentence
                    # ("will deliver the first tanks, and the rest will be built in Poland").
                    my_things = things or sc.earlier_things
                draft = None
                for rule in trig.rules:
                    draft = self._draft(
                        ctx, sc, trig, rule, mine, my_things, clause, last=rule is trig.rules[-1]
                    )
                    if draft is not None:
                        break
                results.append((trig, nxt, my_things, draft))
            failed = [r[0] for r in results if r[3] is None]
            if len(failed) == len(triggers) and weak:
                # The stronger words said nothing ("provided $279.75 million in FMF to
                # Lithuania" sells no weapon): the weak ones they silenced are read instead.
                triggers, weak = self._collapse(self._drop_weak(weak), actors, hi), []
                continue
            if not failed or len(failed) == len(triggers):
                break
            triggers = [t for t in triggers if t not in failed]
        out: list[Draft] = []
        for trig, nxt, my_things, draft in results:
            if draft is None:
                continue
            draft.window = (trig.start, nxt) if len(triggers) > 1 else (lo, hi)
            draft.thing_spans = my_things
            ctx.drafts.append(draft)
            sc.drafts.append(draft)
            out.append(draft)
            implied = self._implied_draft(ctx, sc, trig, draft, actors, nxt, clause)
            if implied is not None:
                implied.implied_by = draft
                ctx.drafts.append(implied)
                sc.drafts.append(implied)
                out.append(implied)
        return out

    # ----------------------------------------------------------------- which triggers
    def _collapse(self, triggers: list[Trigger], actors: list[Actor], hi: int) -> list[Trigger]:
        """A second trigger of the same type with no actor of its own speaks of the first one's event
        ("Poland purchased ... under the Foreign Military Sales program")."""
        out: list[Trigger] = []
        for k, t in enumerate(triggers):
            end = triggers[k + 1].start if k + 1 < len(triggers) else hi
            own = any(t.end <= a.start < end for a in actors)
            same = next(
                (o for o in out if {r.type for r in o.rules} & {r.type for r in t.rules}), None
            )
            if same is None or own:
                out.append(t)
                continue
            for r in t.rules:
                if r.implied and r not in same.rules:
                    same.rules = [
                        _with_implied(x, r.implied) if x.type == r.type else x for x in same.rules
                    ]
        return out

    def _drop_weak(self, triggers: list[Trigger]) -> list[Trigger]:
        strong_types = {t.rule.type for t in triggers if not t.rule.weak}
        if strong_types:
            triggers = [t for t in triggers if not t.rule.weak]
        # "a possible sale to support the upgrade of 35 F-16s": the upgrade is what is sold.
        out = []
        for t in triggers:
            if any(
                o.start < t.start and t.rule.type in self.lex.absorbs.get(o.rule.type, ())
                for o in triggers
            ):
                continue
            out.append(t)
        return out

    def _implied_draft(
        self,
        ctx: DocContext,
        sc: SentenceContext,
        trig: Trigger,
        draft: Draft,
        actors: list[Actor],
        nxt: int,
        clause,
    ) -> Draft | None:
        """The event a trigger also tells of ("end the fighting in Sudan between the SAF and the RSF":
        fighting under way), with the actors named after the words, not those calling for them."""
        rule = draft.rule
        if rule is None or not rule.implies:
            return None
        other = next(
            (r for r in self.onto.triggers if r.type == rule.implies and not r.implies), None
        )
        if other is None:
            return None
        after = [a for a in actors if trig.end <= a.start < nxt and a.entities]
        if not after:
            return None  # "end the hostilities" alone says nothing new of who fights where
        return self._draft(
            ctx, sc, Trigger([other], trig.start, trig.end), other, after, [], clause
        )


def _in_aside(ctx: DocContext, actor: Actor, trig: Trigger, lo: int, hi: int) -> bool:
    """An actor inside a parenthetical remark that the trigger is outside of, and that says
    more than a name: "Hamas (a U.S.-designated foreign terrorist organization)" does not make
    the United States a party; "(Taiwan)" alone is a name, and counts."""
    toks = ctx.toks
    open_ = next(
        (j for j in range(actor.start - 1, lo - 1, -1) if toks[j].text in ("(", ")")), None
    )
    if open_ is None or toks[open_].text != "(":
        return False
    close = next((j for j in range(actor.end, hi) if toks[j].text in ("(", ")")), None)
    if close is None or toks[close].text != ")":
        return False
    if open_ < trig.start < close:
        return False  # the trigger is in the same remark
    return close - open_ - 1 > actor.end - actor.start


def _with_implied(rule: TriggerRule, implied: dict[str, str]) -> TriggerRule:
    return replace(rule, implied={**implied, **rule.implied})

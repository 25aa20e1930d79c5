"""ACE event attributes (polarity, modality, tense, genericity) from the cues news uses.

- polarity is negative when the trigger is negated (`not`, `never`, `n't`), its noun has
  `no` ("No casualties were reported"), its subject is `no one`/`nobody`/`none`, it sits
  under `without`, or a governing verb denies or fails (`denied`, `failed to`, `dismissed`).
- modality is other for a hypothetical, intended or merely claimed event: a modal
  (`would`, `could`, `may`, `will`), `if`/`unless`/`whether`, an infinitive under a verb of
  planning, wanting, threatening or claiming ("plans to buy", "threatened to strike",
  "accused Russia of hitting"), or a question.
- tense comes from the verb's morphology: `will`/`would`/`going to` → future, a past tag or
  a perfect → past, a present tag → present; a noun takes the tense of the verb it is the
  subject or object of; otherwise unspecified.
- genericity is generic only with a habitual cue (`usually`, `often`, `whenever`) or a
  generic `if` clause in the present ("if it fights like a terrorist"); else specific.

Each decision that departs from the default also records its cue word (`polarity_cue`,
`modality_cue`), so a reviewer sees why.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from annotator.schema import Schema

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Token

NEGATIVE_DETERMINERS = frozenset({"no", "neither"})
NEGATIVE_SUBJECTS = frozenset({"nobody", "none", "nothing"})
FAILURE_VERBS = frozenset({"fail", "refuse", "decline", "avoid", "stop", "prevent", "halt"})
FUTURE_AUXILIARIES = frozenset({"will", "would", "'ll", "shall", "wo"})
MODAL_AUXILIARIES = frozenset({"would", "could", "might", "may", "should", "must", "can", "will", "'ll", "shall", "wo", "ca"})
# Verbs that start, go on or end something that happens: an infinitive or gerund under them is real.
ASPECTUAL_VERBS = frozenset({"begin", "start", "continue", "keep", "resume", "stop", "finish", "manage", "help", "use", "go"})
# Adverbs that report an event as claimed, not established ("allegedly drove his car into the crowd").
HEARSAY_ADVERBS = frozenset({"allegedly", "purportedly", "supposedly", "reputedly"})
HABITUAL_CUES = frozenset({"usually", "often", "always", "typically", "generally", "whenever", "normally", "routinely"})
INTENTION_CUES = frozenset({
    "plan", "plans", "planned", "planning", "intend", "intends", "intended", "threaten", "threatens", "threatened",
    "going", "want", "wants", "wanted", "aim", "aims", "aimed", "propose", "proposes", "proposed", "vow", "vowed",
    "pledge", "pledged", "promise", "promised", "set", "scheduled", "expected", "due", "seek", "seeks", "sought",
})
PAST_TAGS = frozenset({"VBD"})
PRESENT_TAGS = frozenset({"VBZ", "VBP"})


class AttributeRules:
    """Decides polarity, modality, tense and genericity for a trigger's head word."""

    def __init__(self, schema: Schema):
        self.negation_cues = {cue for cue in schema.negation_cues if " " not in cue} | FAILURE_VERBS
        self.modality_cues = set(schema.modality_cues)

    def __call__(self, head: Token) -> dict[str, Any]:
        """The attributes of the event whose trigger's head is `head`."""
        attributes: dict[str, Any] = {"polarity": "positive", "modality": "asserted", "genericity": "specific"}
        self._polarity(head, attributes)
        presupposed = _presupposed(head)
        if not presupposed:
            self._modality(head, attributes)
        attributes["tense"] = self._tense(head)
        if presupposed and attributes["tense"] == "future":
            attributes["tense"] = "past"  # "will appeal his conviction": the conviction happened
        if attributes.get("modality_cue", "").lower() in INTENTION_CUES and attributes["tense"] in ("present", "past", "unspecified"):
            attributes["tense"] = "future"  # "plans to buy", "threatened to attack": not yet happened
        if attributes["tense"] == "future" and attributes["modality"] == "asserted":
            # ACE counts an event that has not happened yet as not asserted.
            attributes.update(modality="other", modality_cue=self._future_cue(head))
        if self._generic(head):
            attributes["genericity"] = "generic"
        return attributes

    # ------------------------------------------------------------------ polarity

    def _polarity(self, head: Token, attributes: dict[str, Any]) -> None:
        for child in head.children:
            if child.dep_ == "neg":
                attributes.update(polarity="negative", polarity_cue=child.text)
                return
            if child.dep_ == "det" and child.lower_ in NEGATIVE_DETERMINERS:
                attributes.update(polarity="negative", polarity_cue=child.text)
                return
            if child.dep_ in ("nsubj", "nsubjpass") and _negative_phrase(child):
                attributes.update(polarity="negative", polarity_cue=_negative_phrase(child))
                return
        # "no one was killed", "none of them died" sit on the verb; "without firing a shot" above it.
        node = head
        for position in range(4):
            governor = node.head
            if governor is node:
                break
            if governor.lower_ == "without" and governor.dep_ in ("prep", "mark"):
                attributes.update(polarity="negative", polarity_cue=governor.text)
                return
            if position <= 1 and node.dep_ in ("xcomp", "ccomp", "pcomp", "pobj", "dobj") and (
                governor.lemma_.lower() in self.negation_cues or governor.lower_ in self.negation_cues
            ):
                attributes.update(polarity="negative", polarity_cue=governor.text)
                return
            if position == 0 and node.dep_ == "xcomp" and any(c.dep_ == "neg" for c in governor.children):
                # "did not manage to kill": the negation of the governing verb reaches down.
                cue = next(c.text for c in governor.children if c.dep_ == "neg")
                attributes.update(polarity="negative", polarity_cue=cue)
                return
            if node.dep_ == "conj":
                break
            node = governor

    # ------------------------------------------------------------------ modality

    def _modality(self, head: Token, attributes: dict[str, Any]) -> None:
        for child in head.children:
            if child.dep_ == "advmod" and child.lower_ in HEARSAY_ADVERBS:
                attributes.update(modality="other", modality_cue=child.text)
                return
        chain = [head]
        node = head
        while node.head.i != node.i and node.dep_ not in ("conj", "ROOT") and len(chain) < 5:
            node = node.head
            chain.append(node)
            if node.dep_ in ("ccomp",) and node.tag_ in PAST_TAGS:
                break  # reported speech ends the reach of the cues above it
        for position, token in enumerate(chain):
            for child in token.children:
                if child.dep_ == "mark" and child.lower_ in self.modality_cues and position <= 2:
                    attributes.update(modality="other", modality_cue=child.text)
                    return
                if child.dep_ in ("aux", "auxpass") and child.lower_ in MODAL_AUXILIARIES and position <= 1:
                    if child.lower_ not in FUTURE_AUXILIARIES:
                        attributes.update(modality="other", modality_cue=child.text)
                        return
            lemma = token.lemma_.lower()
            if position > 0 and (lemma in self.modality_cues or token.lower_ in self.modality_cues):
                attributes.update(modality="other", modality_cue=token.text)
                return
            if position == 1 and chain[0].dep_ in ("xcomp", "acl", "advcl") and lemma not in ASPECTUAL_VERBS | FAILURE_VERBS and _infinitive(chain[0]):
                attributes.update(modality="other", modality_cue=token.text)
                return
            if position == 1 and chain[0].dep_ in ("dobj", "obj") and token.dep_ in ("xcomp", "acl", "advcl") and (
                lemma not in ASPECTUAL_VERBS | FAILURE_VERBS and _infinitive(token)
            ):
                # "walked into court to face sentencing": the purpose is not yet an event.
                attributes.update(modality="other", modality_cue=token.text)
                return
        if head.doc[head.sent.end - 1].text == "?":
            attributes.update(modality="other", modality_cue="?")

    # ------------------------------------------------------------------ tense

    def _tense(self, head: Token) -> str:
        verb = head
        if head.dep_ == "xcomp" or head.pos_ == "ADJ" and head.dep_ in ("ccomp", "oprd", "acomp") and head.head.i != head.i:
            return _verb_tense(head.head) if head.head.pos_ in ("VERB", "AUX") else "unspecified"
        if head.pos_ not in ("VERB", "AUX") and head.tag_ not in ("VBG", "VBN"):
            governor = head.head
            if head.dep_ in ("nsubj", "nsubjpass", "dobj", "obj", "pobj", "attr") and governor.i != head.i:
                verb = governor if governor.pos_ in ("VERB", "AUX") else governor.head if head.dep_ == "pobj" else governor
            if verb.pos_ not in ("VERB", "AUX"):
                return "unspecified"
        return _verb_tense(verb)

    @staticmethod
    def _future_cue(head: Token) -> str:
        for token in (head, head.head):
            for child in token.children:
                if child.dep_ in ("aux", "auxpass") and (child.lower_ in FUTURE_AUXILIARIES or child.lower_ == "going"):
                    return child.text
        return "will"

    # ------------------------------------------------------------------ genericity

    @staticmethod
    def _generic(head: Token) -> bool:
        for token in (head, head.head):
            for child in token.children:
                if child.lower_ in HABITUAL_CUES:
                    return True
        return head.tag_ in PRESENT_TAGS and any(
            c.dep_ == "mark" and c.lower_ in ("if", "whenever") for c in head.children
        )


def _verb_tense(verb: Token) -> str:
    """past, present or future from a verb's tag and auxiliaries, else unspecified."""
    auxiliaries = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    words = [a.lower_ for a in auxiliaries]
    if any(w in FUTURE_AUXILIARIES for w in words) or "going" in words:
        return "future"
    if verb.dep_ == "xcomp" and verb.head.lower_ == "going":
        return "future"
    if verb.dep_ == "xcomp" and verb.head.i != verb.i:
        return _verb_tense(verb.head) if verb.head.pos_ in ("VERB", "AUX") else "unspecified"
    tags = [a.tag_ for a in auxiliaries] + [verb.tag_]
    if any(tag in PAST_TAGS for tag in tags):
        return "past"
    if any(w in ("has", "have", "'ve") for w in words) and verb.tag_ == "VBN":
        return "past"  # a completed present perfect: "has killed"
    if any(tag in PRESENT_TAGS for tag in tags):
        return "present"
    if verb.dep_ in ("acl", "relcl", "advcl", "conj", "ccomp") and verb.head.i != verb.i and verb.tag_ in ("VBN", "VBG"):
        return _verb_tense(verb.head) if verb.head.pos_ in ("VERB", "AUX") else "unspecified"
    return "unspecified"


def _presupposed(head: Token) -> bool:
    """True for a definite or possessed event noun ("the jury's verdict", "his conviction"), taken as given."""
    if head.pos_ != "NOUN" or any(c.dep_ in ("nsubj", "aux", "dobj") for c in head.children):
        return False
    return any(c.dep_ == "poss" or c.dep_ == "det" and c.lower_ in ("the", "this", "that") for c in head.children)


def _infinitive(verb: Token) -> bool:
    return any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)


def _negative_phrase(subject: Token) -> str | None:
    if subject.lower_ in NEGATIVE_SUBJECTS:
        return subject.text
    for child in subject.children:
        if child.dep_ == "det" and child.lower_ in NEGATIVE_DETERMINERS:
            return child.text
    return None

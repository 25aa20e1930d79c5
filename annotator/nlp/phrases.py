"""Noun phrases of a parse: their full extent, what they refer to, and the word classes the argument rules use.

An argument's extent is the full noun phrase that fills its role (determiner, modifiers,
head, restrictive prepositional phrases and relative clauses), so these functions decide
where a phrase starts and ends, which entity a phrase names ("the town of Kafr Nabl" →
Kafr Nabl), and which phrase a relative pronoun stands for.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc, Span, Token

TIME_LABELS = frozenset({"DATE", "TIME"})
QUOTES = frozenset({'"', "“", "”", "‘", "’", "``", "''"})
# Dependents that end a noun phrase's extent: they add a second referent or a side remark.
CUT_DEPS = frozenset({"conj", "cc", "punct", "parataxis", "advcl", "preconj", "dep", "meta", "case"})
# Dependents that, after a comma, add a side remark: a non-restrictive relative clause, an apposition.
ASIDE_DEPS = frozenset({"relcl", "appos", "advcl", "acl"})
RELATIVE_PRONOUNS = frozenset({"who", "whom", "which", "that", "whose"})
PERSONAL_PRONOUNS = frozenset({
    "he", "him", "his", "himself", "she", "her", "hers", "herself", "it", "its", "itself",
    "they", "them", "their", "themselves", "we", "us", "our", "i", "me", "my", "you", "your",
})
# Heads of noun phrases that are not participants ("a move", "aid", "the fact").
NOT_PARTICIPANTS = frozenset({
    "move", "aid", "fact", "way", "time", "part", "concern", "report", "reports", "rumour", "rumor",
    "statement", "support", "help", "effort", "situation", "case", "issue", "thing", "lot", "number",
    "kind", "type", "sort", "rest", "end", "process", "step", "result", "reason", "view", "bid",
    "hour", "day", "week", "month", "year", "minute", "second", "decade", "moment",
})


def extent(token: Token, own: set[int], cut_places: bool = True) -> tuple[int, int]:
    """Token range of the full noun phrase headed by `token`.

    Kept: determiner, modifiers, possessor, head, and what follows the head without a comma
    (prepositional phrases, participle and relative clauses). Left out: conjuncts,
    appositions, anything after a comma or inside brackets, any part that holds the
    trigger, and, unless the phrase is itself a place, a trailing phrase that names a
    place or a date ("territories held by rebels [in Hama on Wednesday]"), which is the
    event's own Place or Time.
    """
    keep = {token.i}
    for child in token.children:
        if child.dep_ == "punct" and child.text == "-" and not child.whitespace_ and not child.nbor(-1).whitespace_:
            keep.add(child.i)  # the hyphens of one word: "55-year-old"
            continue
        if child.dep_ in CUT_DEPS or child.lower_ == "respectively":
            continue
        if child.i > token.i and child.dep_ in ("acl", "relcl") and token.pos_ == "PROPN":
            continue  # a name takes no restrictive clause: "Justice G Jayachandran [pronouncing the order]"
        if child.i > token.i and token.pos_ == "PROPN" and (
                child.dep_ == "advmod" or child.dep_ == "prep" and child.lower_ in ("from", "to") and placed(token)):
            continue  # nor an adverb, nor a place a from/to phrase: "[forthwith]", "to Gujarat [from Iran]" ("Jane Doe from Texas" keeps it)
        if child.i > token.i and child.dep_ == "relcl" and placed(token) and token.dep_ == "pobj" and any(
                t.lower_ in ("who", "whom") for t in child.subtree if t.i < child.i):
            continue  # "who" never stands for a place: "a man at the airport [who was subject to …]"
        if child.i > token.i and any(t.is_punct and t.text in ",;:([—–-" for t in token.doc[token.i + 1 : child.i + 1]):
            continue
        if cut_places and child.dep_ in ("npadvmod", "tmod") and child.ent_type_ in TIME_LABELS and token.lower_ != "old":
            continue  # "The rebels today": the date is the event's time, not part of the phrase
        subtree = subtree_without_places(child) if cut_places and child.i > token.i else without_asides(child)
        if own.intersection(subtree):
            continue
        keep.update(subtree)
    # Quotation marks hung on the phrase's words stay with them: an alleged "criminal mastermind" from York,
    # the "Blue Moon" nightclub, a man known as "El Chapo"; a pair around the whole phrase does not.
    keep.update(t.i for t in token.subtree if t.text in QUOTES and t.head.i in keep)
    start = end = token.i
    while start - 1 in keep:
        start -= 1
    while end + 1 in keep:
        end += 1
    doc = token.doc
    while start < end and (doc[start].is_punct and doc[start].text not in QUOTES or doc[start].dep_ == "cc"):
        start += 1
    while end > start and (doc[end].is_punct and doc[end].text not in QUOTES or doc[end].is_space
                           or doc[end].dep_ in ("cc", "case")):
        end -= 1
    marks = [t.i for t in doc[start : end + 1] if t.text in QUOTES]
    if len(marks) % 2 and end + 1 < len(doc) and doc[end + 1].text in QUOTES and marks[-1] != end:
        end += 1  # the closing mark of a quoted name at the phrase's end
    elif len(marks) % 2 and marks[0] == start:
        start += 1  # an opening mark whose partner is outside the phrase
    elif len(marks) % 2 and marks[-1] == end:
        end -= 1
    if end > start and doc[start].text in QUOTES and doc[end].text in QUOTES and len(marks) == 2:
        start, end = start + 1, end - 1  # "container bombs" quoted whole
    return start, end + 1


def placed(token: Token) -> bool:
    """True for the head of a phrase that names a place: a place name, or a place noun ("the airport", "the town")."""
    return token.ent_type_ in ("GPE", "LOC", "FAC") or token.lemma_.lower() in GEOGRAPHIC_NOUNS | BUILDING_NOUNS


def entity_for(doc: Doc, token: Token, entity_of_token: dict[int, int]) -> int | None:
    """The entity the phrase headed by `token` names: the token's own, or one its class noun names."""
    if token.i in entity_of_token:
        return entity_of_token[token.i]
    # "the town of Kafr Nabl", "the ISIS militant group": a class noun with its name.
    lemma = token.lemma_.lower()
    wanted = CLASS_NOUNS.get(lemma)
    if wanted is None:
        return None
    for child in token.children:
        candidates = [child]
        if child.dep_ == "prep" and child.lower_ == "of":
            candidates = [c for c in child.children if c.dep_ == "pobj"]
        elif child.dep_ not in ("compound", "appos", "nmod", "amod"):
            continue
        for candidate in candidates:
            index = entity_of_token.get(candidate.i)
            if index is not None and doc.ents[index].label_ in wanted:
                return index
    return None


def antecedent(token: Token) -> Token:
    """A relative pronoun's antecedent: "a base that was targeted" → "a base ..."."""
    if token.lower_ in RELATIVE_PRONOUNS and token.tag_ in ("WDT", "WP", "WP$"):
        clause = token.head
        while clause.dep_ not in ("relcl", "acl") and clause.head.i != clause.i:
            clause = clause.head
        if clause.dep_ in ("relcl", "acl"):
            return clause.head
    return token


def names_place_or_time(preposition: Token) -> bool:
    """True for "in Hama", "on Wednesday", "in the town of Kafr Nabl": a phrase that places the event."""
    if preposition.dep_ != "prep" or preposition.lower_ not in SITUATING_PREPOSITIONS:
        return False
    for child in preposition.children:
        if child.dep_ == "pobj" and (child.ent_type_ in PLACE_OR_TIME_LABELS or any(
            t.ent_type_ in PLACE_OR_TIME_LABELS for t in child.subtree
        ) or child.lemma_.lower() in GEOGRAPHIC_NOUNS and preposition.lower_ != "on"):
            return True
    return False


def aside(child: Token, node: Token) -> bool:
    """True for a comma-separated remark after `node`: an apposition or relative clause, or a
    conjunct that is a clause of its own ("the village of Dalori, burning homes and killing dozens")."""
    if child.i < node.i or child.doc[child.left_edge.i - 1].text not in (",", "(", "—", "–"):
        return False
    return child.dep_ in ASIDE_DEPS or child.dep_ == "conj" and any(
        t.pos_ == "VERB" and any(c.dep_ in ("dobj", "obj") for c in t.children) for t in child.subtree
    )


def without_asides(node: Token) -> list[int]:
    """The token indices of `node`'s subtree without a comma-separated clause or apposition inside it.

    "charges related to the misleading of investors ... Tom Petters, who also was convicted of fraud":
    the relative clause after the comma is a side remark about Petters, not part of the charges.
    """
    kept = [node.i]
    for child in node.children:
        if aside(child, node):
            continue
        kept.extend(without_asides(child))
    return kept


def subtree_without_places(node: Token) -> list[int]:
    """The token indices of `node`'s subtree, cut at the first place or time phrase inside it."""
    if names_place_or_time(node):
        return []
    kept = [node.i]
    for child in node.children:
        if aside(child, node):
            continue
        kept.extend(subtree_without_places(child))
    cut = [t.i for t in node.subtree if t.i not in kept]
    if cut:
        first_cut = min(cut)
        kept = [i for i in kept if i < first_cut]
    return kept


# Weapons fired or thrown: when they are what an attack hits, they are its instrument.
MUNITION_NOUNS = frozenset({
    "missile", "rocket", "bomb", "shell", "mortar", "grenade", "bullet", "round", "shot", "gas", "canister",
    "ball", "munition", "explosive", "projectile", "salvo", "vest", "explosives", "flare",
})
GEOGRAPHIC_NOUNS = frozenset({
    "territory", "town", "city", "village", "area", "region", "district", "province", "governorate", "country",
    "neighbourhood", "neighborhood", "suburb", "outskirts", "outskirt", "countryside", "county", "state", "island", "coast",
    "capital",
})
BUILDING_NOUNS = frozenset({
    "airport", "port", "station", "base", "camp", "border", "hospital", "school", "market", "prison", "court", "courthouse",
    "building", "hotel", "church", "mosque", "temple", "embassy", "office", "headquarters", "checkpoint", "bridge", "road",
})
SITUATING_PREPOSITIONS = frozenset({"in", "at", "near", "on", "during", "across", "inside", "outside", "around", "along"})
PLACE_OR_TIME_LABELS = frozenset({"GPE", "LOC", "FAC", "DATE", "TIME"})
WEAPON_NOUNS = frozenset({
    "missile", "rocket", "bomb", "jet", "drone", "shell", "aircraft", "warplane", "plane", "helicopter", "tank",
    "artillery", "mortar", "gun", "rifle", "grenade", "explosive", "knife", "car", "vehicle", "truck", "ship",
    "warship", "airstrike", "bullet", "munition", "weapon", "gas", "canister", "round", "shot", "ball", "projectile",
})
# Verbs whose subject takes part in the event a nominal object names ("launched strikes").
LIGHT_VERBS = frozenset({
    "launch", "carry", "conduct", "stage", "mount", "hold", "make", "pay", "file", "order",
    "begin", "start", "continue", "resume", "lead", "complete", "seal",
    "agree", "sign", "attend", "join", "organise", "organize", "call", "plan", "impose", "hand", "take", "open", "step", "declare", "reach", "pronounce", "deliver", "issue",
    "intensify", "escalate", "press", "wage", "offer", "give", "engage", "exchange", "trade",
})
# Verbs whose subject is the one the event happens to ("he faces charges").
UNDERGOING_VERBS = frozenset({
    "face", "stand", "undergo", "suffer", "sustain", "receive", "escape", "survive", "win", "serve", "experience", "see",
})
# Common nouns that can act: a bare one before an event noun is its agent ("rebel attack", not "suicide attack").
AGENT_NOUNS = frozenset({
    "rebel", "militant", "insurgent", "terrorist", "jihadist", "extremist", "gunman", "gunmen", "army", "police",
    "troop", "soldier", "government", "opposition", "coalition", "separatist", "guerrilla", "fighter", "militia",
    "regime", "mob", "protester", "settler", "pirate", "gang", "military", "navy", "enemy", "bomber", "sniper",
})
# Forces of nature: they cause deaths and damage but are nobody's agent or attacker.
NATURAL_FORCES = frozenset({
    "earthquake", "quake", "tremor", "aftershock", "storm", "hurricane", "typhoon", "cyclone", "tornado", "flood",
    "flooding", "landslide", "mudslide", "avalanche", "tsunami", "wave", "eruption", "volcano", "lightning",
    "drought", "heatwave", "wildfire", "fire", "blaze", "disease", "virus", "pandemic", "epidemic", "outbreak",
    "disaster", "rain", "rainfall", "monsoon", "downpour", "floodwater", "blizzard", "snowstorm", "gale", "wind",
})
# Vehicles: what carries people or goods is a Transport's Vehicle, not its Agent.
VEHICLE_NOUNS = frozenset({
    "bus", "car", "truck", "lorry", "van", "train", "plane", "aircraft", "jet", "helicopter", "ship", "boat",
    "ferry", "vessel", "vehicle", "taxi", "coach", "minibus", "airliner", "flight", "ambulance",
    "motorcycle", "motorbike", "bicycle", "tractor", "convoy", "raft", "canoe", "tanker", "rickshaw",
})
# Who claims responsibility for an attack made it when it is a group: "The Pakistani Taliban claimed responsibility".
CLAIMING_VERBS = frozenset({"claim", "take", "accept", "admit"})
SPOKESPEOPLE = frozenset({"spokesman", "spokeswoman", "spokesperson", "official", "officials"})  # who speak for the group
# Verbs that after a passive one are its subject's own acts: "was acquitted and sued", "ambushed and fought back".
ACTIVE_AFTER_PASSIVE = frozenset({"sue", "appeal", "fight", "die", "flee", "resign", "return", "escape", "testify",
                                  "plead", "confess", "protest", "retaliate", "leave", "quit"})
GROUP_NOUNS = frozenset({"group", "militant", "rebel", "insurgent", "faction", "organisation", "organization", "movement", "jihadist"})
# Events that are gatherings of people: attacking one attacks the people in it.
GATHERING_NOUNS = frozenset({
    "meeting", "rally", "wedding", "funeral", "gathering", "demonstration", "protest", "march", "procession",
    "ceremony", "convoy", "summit", "conference", "celebration", "concert", "festival",
})
# Nouns that name the class of the entity beside them, by the labels that class takes.
_ORG = ("ORG",)
_GPE = ("GPE", "LOC", "FAC")
CLASS_NOUNS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("group", "organisation", "organization", "movement", "party", "company", "firm",
                     "militia", "faction", "brigade", "agency", "ministry", "bank", "network"), _ORG),
    **dict.fromkeys(("town", "city", "village", "country", "province", "governorate", "region", "district",
                     "state", "capital", "county", "island", "neighbourhood", "neighborhood", "suburb", "area"), _GPE),
}


def headline(token: Token) -> bool:
    """True when the token's sentence reads as a headline: it does not end in final punctuation."""
    words = [t for t in token.sent if not t.is_space]
    return not words or words[-1].text not in (".", "!", "?", '"', "”", "’", "'", ")")


def where_and_when(clause: Token) -> Iterator[tuple[str, Token, str | None]]:
    """The place a relative "where" stands for: "South Waziristan, where the military is pressing an offensive";
    the date a "when" follows: "in September, when the couple were convicted"."""
    when = next((c for c in clause.children if c.lower_ == "when" and c.dep_ == "advmod" and c.i < clause.i), None)
    if when is not None and when.i > 0:
        before = when.doc[when.i - 1]
        before = before.doc[before.i - 1] if before.text == "," and before.i > 0 else before
        if before.ent_type_ in TIME_LABELS and before.dep_ in ("pobj", "npadvmod", "tmod"):  # not "She was 16 when …"
            yield "time", before, None
    if clause.dep_ == "relcl" and any(c.lower_ == "where" and c.dep_ == "advmod" for c in clause.children):
        place = clause.head
        # "…Airport in Karachi, where he was received": the whole place, not its last word.
        while place.dep_ == "pobj" and place.head.dep_ == "prep" and place.head.head.pos_ in ("NOUN", "PROPN"):
            place = place.head.head
        yield "nested", place, "in"


CURRENCY_NOUNS = frozenset({"dollar", "euro", "pound", "yen", "rupee", "won", "yuan", "naira", "franc", "peso", "rand",
                            "shekel", "dinar", "riyal", "ringgit", "rouble", "ruble", "lira", "cedi", "shilling", "taka"})


def is_sum(token: Token) -> bool:
    """True for a sum of money, named ("$500") or counted in a currency the model did not name ("500 euros")."""
    return token.ent_type_ == "MONEY" or token.lemma_.lower() in CURRENCY_NOUNS and any(c.dep_ == "nummod" for c in token.children)


def winners(head: Token) -> Iterator[tuple[str, Token, str | None]]:
    """Who won the contest a nominal names: "Maduro was declared the winner of the election", "X is the winner of the race"."""
    governor = head.head
    if head.dep_ == "pobj" and governor.lower_ == "in" and governor.head.lemma_.lower() == "win":
        # "Maduro won 51 percent of the vote in Sunday's election"
        yield from (("winner", c, None) for c in governor.head.children if c.dep_ == "nsubj")
    if head.dep_ == "pobj" and governor.lower_ == "of" and governor.head.lemma_.lower() in ("winner", "victor"):
        winner = governor.head
        if winner.dep_ == "attr":
            yield from (("winner", c, None) for c in winner.head.children if c.dep_ == "nsubj")
        elif winner.dep_ == "pobj" and winner.head.lower_ == "as":  # "declared Tinubu as the winner of …"
            yield from (("winner", c, None) for c in winner.head.head.children if c.dep_ in ("dobj", "obj", "nsubjpass"))
        elif winner.dep_ == "oprd":
            yield from (("winner", c, None) for c in winner.head.children if c.dep_ in ("dobj", "obj", "nsubjpass"))
        elif winner.dep_ in ("dobj", "obj"):
            # "X was on Friday declared the winner of …", parsed with "declared" as a clause of its own;
            # "INEC declares Tinubu winner": the name before the noun, never the one who declares
            verb = winner.head
            subjects = [c for c in winner.children if c.dep_ == "compound" and c.pos_ == "PROPN"]
            subjects = subjects or [c for c in verb.children if c.dep_ == "nsubjpass"]
            if any(c.dep_ == "nsubj" for c in verb.children):
                yield from (("winner", c, None) for c in subjects)
                return
            if not subjects and verb.dep_ in ("advcl", "xcomp", "conj") and verb.lemma_.lower() in ("declare", "name", "proclaim"):
                subjects = [c for c in verb.head.children if c.dep_ in ("nsubj", "nsubjpass")]
            yield from (("winner", c, None) for c in subjects)


def paid_sums(preposition: Token) -> list[Token]:
    """The sums a "pay" paid "in" something, the phrase hung on the verb or on the sum: "pay $3,000 in fines"."""
    for verb in (preposition.head, preposition.head.head):
        sums = [c for c in verb.children if c.dep_ in ("dobj", "obj") and is_sum(c)] if verb.lemma_.lower() == "pay" else []
        if sums:
            return sums
    return []


def payer(verb: Token) -> list[Token]:
    """Who pays: "ordered him to pay" the object of the verb it completes; else the active subject, up a
    chain of coordinated or completing verbs ("was sentenced … and ordered to pay"); not "was paid"."""
    if verb.dep_ == "xcomp":
        ordered = [c for c in verb.head.children if c.dep_ in ("dobj", "obj") and not is_sum(c)]
        if ordered:
            return ordered[:1]
    clause = verb
    for _ in range(3):
        deps = ("nsubj",) if clause is verb else ("nsubj", "nsubjpass")
        found = [c for c in clause.children if c.dep_ in deps and not is_sum(c)]
        if found or clause.dep_ not in ("conj", "xcomp") or any(c.dep_ == "nsubjpass" for c in clause.children):
            return found[:1]
        clause = clause.head
    return []


def infinitive(verb: Token) -> bool:
    """True for a "to" infinitive: "to acquire DirecTV"."""
    return any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)


def is_bare_definite(span: Span) -> bool:
    """True for "the company", "the former governor", "his wife": a definite description with no name in it."""
    if not 2 <= len(span) <= 4 or span[-1].pos_ != "NOUN" or span.root.i != span[-1].i:
        return False
    if span[0].lower_ not in ("the", "this", "that", "his", "her", "their", "its"):
        return False
    return all(t.pos_ in ("ADJ", "NOUN", "PUNCT") and not t.ent_type_ for t in span[1:])


def descriptors(doc: Doc) -> list[tuple[str, ...]]:
    """For each entity of the Doc, the nouns the text uses to describe it.

    "Robert McDonnell, former governor of Virginia" → governor; "Maureen, wife of McDonnell" →
    wife; "U.S. District Judge James Spencer" → judge; "the businessman, Jonnie Williams" →
    businessman. A later "the former governor" or "his wife" can then be linked to the name.
    """
    found: list[tuple[str, ...]] = []
    for entity in doc.ents:
        nouns: set[str] = set()
        root = entity.root
        for child in root.children:
            if child.dep_ == "appos" and child.pos_ == "NOUN":
                nouns.add(child.lemma_.lower())
            elif child.dep_ == "compound" and child.pos_ in ("NOUN", "PROPN") and child.i < entity.start:
                nouns.add(child.lemma_.lower())
        if root.dep_ == "appos" and root.head.pos_ == "NOUN":
            nouns.add(root.head.lemma_.lower())
        found.append(tuple(sorted(nouns)))
    return found


RECEIVING_VERBS = frozenset({"take", "accept", "receive", "solicit", "pocket"})  # "took bribes": the taker receives
# Verbs that put an event on the calendar: "his trial is set for October" says when it happens.
SCHEDULING_VERBS = frozenset({"set", "schedule", "slate", "fix", "due", "reschedule", "expect"})
CAUSING_VERBS = frozenset({"order", "have", "want", "get", "see", "need"})  # "ordered him arrested", "had him killed"
# Where a thing is said, and who decides a penalty they own ("the regulator's fine").
MEDIA_NOUNS = frozenset({"media", "medium", "television", "tv", "radio", "website", "internet", "twitter", "facebook", "telegram", "video"})
DECIDING_NOUNS = frozenset({"judge", "jury", "magistrate", "regulator", "watchdog", "authority", "commission", "panel", "governor"})
# Who hands down a court's decision: "fined … for bribery by a court", "by a jury".
DECIDERS = frozenset({"court", "tribunal", "judge", "jury", "magistrate"})
# Things attacked that name an attack they modify: "the convoy attack" hit the convoy ("school shooting" is a place).
TARGET_MODIFIERS = frozenset({
    "convoy", "patrol", "embassy", "consulate", "checkpoint", "base", "outpost", "pipeline", "bus", "headquarters",
    "compound", "garrison", "barracks",
})
# Verbs that say an event happened: a relative clause of one says where and when ("the attack, which happened in Kabul").
HAPPENING_VERBS = frozenset({"happen", "occur", "take", "unfold", "erupt", "begin", "start", "end"})
# Verbs whose agent is the event's own: "an attack perpetrated by militants", "an attack claimed by IS".
PERPETRATING_VERBS = frozenset({"perpetrate", "commit", "orchestrate", "initiate", "mastermind", "claim", "direct", "spearhead"})
# Verbs whose object does what their infinitive says: "forced thousands of residents to flee".
OBJECT_CONTROL_VERBS = frozenset({
    "order", "force", "compel", "allow", "permit", "ask", "tell", "urge", "persuade", "encourage", "instruct",
    "authorize", "authorise", "enable", "require", "invite", "advise", "warn", "lead", "cause", "prompt", "oblige",
})


def happening(verb: Token) -> bool:
    """True for a verb that says an event happened: "occurred", "took place" (not "took to heart")."""
    lemma = verb.lemma_.lower()
    return lemma in HAPPENING_VERBS and (lemma != "take" or any(c.lower_ == "place" for c in verb.children))


# People and organisations by their common nouns: who an event noun's "of" phrase can name
# ("the birth of their daughter", "the merger of the two banks"; not "the birth of the republic").
PEOPLE_NOUNS = frozenset({
    "man", "woman", "person", "people", "child", "boy", "girl", "baby", "twin", "son", "daughter", "father",
    "mother", "husband", "wife", "brother", "sister", "family", "couple", "teenager", "youth", "suspect",
    "defendant", "prisoner", "detainee", "hostage", "captive", "inmate", "convict", "citizen", "national",
    "resident", "civilian", "refugee", "migrant", "student", "worker", "employee", "soldier", "journalist",
    "activist", "victim", "passenger", "tourist", "patient", "doctor", "nurse", "teacher", "player", "member",
    "driver", "pilot", "crew", "staff", "volunteer", "voter", "candidate", "nominee", "prince", "princess",
    "king", "queen", "actor", "actress", "singer", "politician", "evacuee", "pilgrim", "fugitive", "individual",
})
ORGANISATION_NOUNS = frozenset({
    "company", "firm", "bank", "airline", "carrier", "retailer", "chain", "group", "business", "lender", "insurer",
    "startup", "start-up", "agency", "party", "corporation", "conglomerate", "operator", "maker", "manufacturer",
    "producer", "brand", "subsidiary", "unit", "rival", "competitor", "club", "team", "newspaper", "publisher",
    "studio", "network", "charity", "foundation", "university", "organisation", "organization", "union",
    "institution", "venture", "fund", "exchange", "restaurant", "store", "hospital", "school", "board", "council",
    "cabinet", "committee", "parliament", "government", "delegation", "commission",
})



# Verbs that hold someone to account for an act: who they name did it ("blamed the rebels for the attack").
ACCUSING_VERBS = frozenset({"accuse", "blame", "suspect", "convict", "indict"})  # not "acquit": the court clears them


def clause_actor(clause: Token) -> Token | None:
    """Who does what a gerund after a preposition says: the clause's object ("accused Russia of hitting
    ..."), else its subject ("after killing ..."); the accused themselves where the parser hangs the
    preposition on them ("accused the rebels of killing ...")."""
    if clause.dep_ in ("dobj", "obj") and clause.head.lemma_.lower() in ACCUSING_VERBS and clause.pos_ in ("NOUN", "PROPN", "PRON"):
        return clause
    return next((c for c in clause.children if c.dep_ in ("dobj", "obj")), None) or next(
        (c for c in clause.children if c.dep_ in ("nsubj", "nsubjpass")), None)


def among_the(word: Token) -> list[Token] | None:
    """Who a copula counts among those an event befell: "Fifteen children were among the wounded" and
    "… among those killed" give the subject; "All of the dead were civilian men" and "The dead were
    soldiers" give what they were. None when the word stands in no such clause."""
    governor = word.head
    if word.tag_ not in ("JJ", "VBN", "VBD") and word.lower_ not in ("those", "them"):
        return None  # "Fraud was among the charges", "among the deadliest attacks": no casualties counted
    if word.dep_ == "pobj" and governor.lower_ == "among" and governor.head.lemma_ == "be":
        return [c for c in governor.head.children if c.dep_ in ("nsubj", "nsubjpass")] or None
    subject = governor.head if word.dep_ == "pobj" and governor.lower_ == "of" and governor.head.dep_ == "nsubj" else word
    if word.tag_ in ("JJ", "VBN") and subject.dep_ == "nsubj" and subject.head.lemma_ == "be":
        return [c for c in subject.head.children if c.dep_ == "attr"] or None
    return None


COUNTING_WORDS = frozenset({"other", "others", "more", "many", "dozen", "dozens", "hundred", "hundreds", "score", "scores",
                            "several", "few", "some", "thousand", "thousands"})


def counted(subject: Token) -> bool:
    """True for a subject that counts people ("two", "dozens others", "many more"), as an elided passive's does."""
    return subject.pos_ == "NUM" or subject.lower_ in COUNTING_WORDS or any(
        c.dep_ in ("nummod", "amod") and (c.pos_ == "NUM" or c.lower_ in COUNTING_WORDS) for c in subject.children)

"""N-Triples terms of the synthetic graph: namespaces, IRIs, literals, dates and the pool of sources.

Terms are N-Triples text (``<iri>``, ``"text"@en``, ``_:label``), written straight to the file.

>>> iri("rkg:Lab")
'<https://w3id.org/restructuring-kg/ontology#Lab>'
>>> literal('say "hi"'), literal("L12", lang=None)
('"say \\\\"hi\\\\""@en', '"L12"')
>>> lexical_date(31, "month")
'2014-02'
"""

from __future__ import annotations

import datetime
import hashlib
from typing import Optional

RKG = "https://w3id.org/restructuring-kg/ontology#"
ID_BASE = "https://w3id.org/restructuring-kg/id/"
SHAPES = "https://w3id.org/restructuring-kg/shapes#"
NAMESPACES = {
    "rkg": RKG,
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "time": "http://www.w3.org/2006/time#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "schema": "https://schema.org/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "rkgsh": SHAPES,
}


def iri(curie: str) -> str:
    """The N-Triples IRI of ``prefix:local``."""
    prefix, local = curie.split(":", 1)
    return f"<{NAMESPACES[prefix]}{local}>"


def resource(kind: str, local: str) -> str:
    """The IRI of a thing of the graph: ``<.../id/KIND/LOCAL>``."""
    return f"<{ID_BASE}{kind}/{local}>"


def literal(text: str, lang: Optional[str] = "en") -> str:
    """A string literal, language-tagged (English by default) or plain with ``lang=None``."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"@{lang}' if lang else f'"{escaped}"'


def typed(lexical: str, datatype: str) -> str:
    """A typed literal; ``datatype`` is a CURIE (``xsd:date``)."""
    return f'"{lexical}"^^{iri(datatype)}'


def shape(name: str) -> str:
    """The IRI (without brackets) of a shape of ``ontology/shapes.ttl``."""
    return SHAPES + name


def bare(term: str) -> str:
    """An IRI without its angle brackets (a blank node as it is)."""
    return term[1:-1] if term.startswith("<") else term


A = iri("rdf:type")
LABEL, ALT_LABEL, COMMENT = iri("rdfs:label"), iri("skos:altLabel"), iri("rdfs:comment")
DERIVED_FROM, QUALIFIED_DERIVATION = iri("prov:wasDerivedFrom"), iri("prov:qualifiedDerivation")
ENTITY, LOCATOR = iri("prov:entity"), iri("rkg:locator")
GENERATED_BY, INVALIDATED_BY = iri("prov:wasGeneratedBy"), iri("prov:wasInvalidatedBy")
COMPANY, STATUS, DATE, NOT_AFTER = iri("rkg:company"), iri("rkg:status"), iri("dcterms:date"), iri("rkg:notAfter")
INFERENCE_NOTE, INFERRED, NOT_BEFORE = iri("rkg:inferenceNote"), iri("rkg:inferred"), iri("rkg:notBefore")
PLACED_UNIT, PARENT, PLACED_DURING = iri("rkg:placedUnit"), iri("rkg:parentOrganization"), iri("rkg:placedDuring")
MEMBER, ORGANIZATION, ROLE, MEMBER_DURING = iri("org:member"), iri("org:organization"), iri("org:role"), iri("org:memberDuring")
SUBORDINATE, SUPERIOR, REPORTING_DURING = iri("rkg:subordinate"), iri("rkg:superior"), iri("rkg:reportingDuring")
BEGINNING, END = iri("time:hasBeginning"), iri("time:hasEnd")
ORIGINAL, RESULTING = iri("org:originalOrganization"), iri("org:resultingOrganization")
AFFECTED, TRANSFERRED = iri("rkg:affectedOrganization"), iri("rkg:transferredUnit")
PERSON, EVENT_ROLE, PREVIOUS = iri("rkg:involvedPerson"), iri("rkg:role"), iri("rkg:previousOrganization")
DESTINATION, REPLACED = iri("rkg:destinationOrganization"), iri("rkg:replaced")
FIGURE, MEASURE, VALUE = iri("rkg:figure"), iri("rkg:measure"), iri("schema:value")
MIN_VALUE, MAX_VALUE = iri("schema:minValue"), iri("schema:maxValue")
UNIT_TEXT, CURRENCY, APPROXIMATE = iri("schema:unitText"), iri("schema:currency"), iri("rkg:approximate")
LOWER_BOUND, REFERENCE_PERIOD = iri("rkg:lowerBound"), iri("rkg:referencePeriod")
TRUE = typed("true", "xsd:boolean")

#: The OWL-Time property and the datatype of a date at each precision.
POSITION = {"day": "time:inXSDDate", "month": "time:inXSDgYearMonth", "year": "time:inXSDgYear"}
DATATYPE = {"day": "xsd:date", "month": "xsd:gYearMonth", "year": "xsd:gYear"}

#: Classes of units below the business groups, with the word their labels use.
UNIT_KINDS = (
    ("rkg:BusinessUnit", "Business Unit"),
    ("rkg:Lab", "Lab"),
    ("rkg:Department", "Department"),
    ("rkg:ResearchInstitute", "Research Institute"),
    ("rkg:Committee", "Committee"),
)
TOPICS = (
    "Cloud", "Search", "Commerce", "Foundation Model", "Inference", "Agents", "Devices",
    "Advertising", "Payments", "Maps", "Video", "Social", "Enterprise", "Robotics",
    "Chips", "Games", "Health", "Education", "Logistics", "Security",
)
GIVEN_NAMES = ("Mei", "Arjun", "Lena", "Tomas", "Yuki", "Omar", "Ines", "Kai", "Sara", "Li", "Noah", "Aiko", "Ravi", "Zoe",
               "Jun", "Eva")
FAMILY_NAMES = ("Chen", "Patel", "Novak", "Silva", "Tanaka", "Haddad", "Moreau", "Kim", "Larsen", "Wang", "Okafor", "Rossi",
                "Zhou", "Meyer")

# -- days and sources ----------------------------------------------------------------

#: Days are numbers counted from this one (2014-01-01) ...
EPOCH = datetime.date(2014, 1, 1).toordinal()
#: ... up to 2026-03-31, the last day of the graph.
LAST_DAY = datetime.date(2026, 3, 31).toordinal() - EPOCH
#: Source documents in the pool at most (file names have three digits).
MAX_SOURCES = 200


def lexical_date(day: int, precision: str) -> str:
    """A day number (since :data:`EPOCH`) as the lexical form of a date at ``precision`` (day, month, year)."""
    text = datetime.date.fromordinal(EPOCH + day).isoformat()
    return {"day": text, "month": text[:7], "year": text[:4]}[precision]


def source_count(companies: int) -> int:
    """How many source documents a graph of ``companies`` companies cites."""
    return min(MAX_SOURCES, max(3, 3 * companies))


def source_iri(number: int) -> str:
    return resource("source", f"synth-s{number:03d}")


def source_file(number: int) -> str:
    """The file name of source ``number`` (it is never read: the sources are made up)."""
    return f"{number:03d}_{hashlib.sha256(str(number).encode()).hexdigest()[:16]}.txt"


def source_documents(companies: int) -> list[tuple[str, str, str]]:
    """The triples of the pool of source documents."""
    triples = []
    for number in range(source_count(companies)):
        s = source_iri(number)
        triples += [
            (s, A, iri("rkg:SourceDocument")),
            (s, LABEL, literal(f"Synthetic article {number:03d}")),
            (s, iri("dcterms:identifier"), literal(source_file(number), None)),
            (s, DATE, typed(lexical_date(LAST_DAY - number, "day"), "xsd:date")),
            (s, iri("dcterms:language"), literal("en", None)),
        ]
    return triples

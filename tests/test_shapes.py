"""Tests of the SHACL shapes (``ontology/shapes.ttl``).

Each constraint is shown to fire on a minimal bad graph: a small valid graph (``BASE``,
written as ``docs/data-conventions.md`` writes facts) changed by one SPARQL Update. The
test asserts exactly which results the change produces (source shape, constraint
component, focus node), so a constraint that stops firing, fires on the wrong node or
drags others along fails. The base graph itself, and a few legal edge cases, produce no
result at all.

The cases run through the default engine (:mod:`kg.fast.validate`, what ``kg validate``
runs); one parity pass shows that pySHACL (:mod:`kg.validate`, the reference) gives the
same reports on all of them (see "Fixtures and helpers").
"""

from __future__ import annotations

import datetime
import random
import warnings
from collections import Counter
from dataclasses import dataclass, field

import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection

from kg.fast.validate import validate as validate_store
from kg.load import LoadWarning
from kg.query import Query, run_query, to_store
from kg.timebounds import day_bounds
from kg.validate import SH, validate
from kg.vocab import PREFIXES, PROV, RDF, RDFS, RKG, SKOS, qname

RKGSH = Namespace("https://w3id.org/restructuring-kg/shapes#")

#: The prefixes of the fixtures: the project's own, and ``rkgsh:`` for the shapes.
NAMESPACES = {**PREFIXES, "rkgsh": str(RKGSH)}
PROLOGUE = "".join(f"PREFIX {prefix}: <{iri}>\n" for prefix, iri in NAMESPACES.items())
TURTLE_PROLOGUE = "".join(f"@prefix {prefix}: <{iri}> .\n" for prefix, iri in NAMESPACES.items())

# -- The valid base graph ------------------------------------------------------------
# Acme (a company) has an AI group and, under it, a lab. Jane Doe was CEO from 2023 until
# Rick Roe was appointed on 2026-03-16 (the intervals touch on that day); Pat Poe is a
# vice president. The lab reports to Rick Roe. There is an establishment, an appointment,
# an investment plan with a monetary figure, a headcount range, an exchange rate, a
# product, an organizational model and a disagreement between two sources.

BASE = """
rsrc:t000 a rkg:SourceDocument ;
    rdfs:label "A test article about Acme"@en ;
    dcterms:identifier "000_0123456789abcdef.txt" ;
    dcterms:date "2026-03-23"^^xsd:date .

rsrc:t001 a rkg:SourceDocument ;
    rdfs:label "Another test article about Acme"@en ;
    dcterms:identifier "001_fedcba9876543210.txt" .

# -- Organizations

rorg:acme a rkg:Company ;
    rdfs:label "Acme"@en ;
    prov:wasDerivedFrom rsrc:t000 ;
    prov:qualifiedDerivation [ a prov:Derivation ; prov:entity rsrc:t000 ; rkg:locator "L1" ] .

rorg:acme-ai-group a rkg:BusinessGroup ;
    rdfs:label "Acme AI Group"@en ;
    rkg:company rorg:acme ;
    rkg:tokenFunction rkg:createTokens ;
    rkg:figure rfig:acme-ai-group-headcount ;
    prov:wasDerivedFrom rsrc:t000 , rsrc:t001 ;
    prov:qualifiedDerivation
        [ a prov:Derivation ; prov:entity rsrc:t000 ; rkg:locator "L2-L3" ] ,
        [ a prov:Derivation ; prov:entity rsrc:t001 ; rkg:locator "L4,L6-L7" ] .

rorg:acme-lab a rkg:Lab ;
    rdfs:label "Acme Lab"@en ;
    rkg:company rorg:acme ;
    prov:wasDerivedFrom rsrc:t000 ;
    prov:qualifiedDerivation [ a prov:Derivation ; prov:entity rsrc:t000 ; rkg:locator "L5" ] .

rpl:acme-ai-group-in-acme a rkg:Placement ;
    rdfs:label "Acme AI Group as a business group of Acme"@en ;
    rkg:placedUnit rorg:acme-ai-group ;
    rkg:parentOrganization rorg:acme ;
    rkg:placedDuring rpl:acme-ai-group-in-acme-interval ;
    prov:wasGeneratedBy rev:2026-03-16-acme-ai-group-established ;
    prov:wasDerivedFrom rsrc:t000 ;
    prov:qualifiedDerivation [ a prov:Derivation ; prov:entity rsrc:t000 ; rkg:locator "L2" ] .

rpl:acme-ai-group-in-acme-interval a time:Interval ;
    time:hasBeginning rpl:acme-ai-group-in-acme-begin .

rpl:acme-ai-group-in-acme-begin a time:Instant ;
    time:inXSDDate "2026-03-16"^^xsd:date .

rpl:acme-lab-in-acme-ai-group a rkg:Placement ;
    rdfs:label "Acme Lab within the Acme AI Group"@en ;
    rkg:placedUnit rorg:acme-lab ;
    rkg:parentOrganization rorg:acme-ai-group ;
    rkg:placedDuring rpl:acme-lab-in-acme-ai-group-interval ;
    prov:wasDerivedFrom rsrc:t000 ;
    prov:qualifiedDerivation [ a prov:Derivation ; prov:entity rsrc:t000 ; rkg:locator "L5" ] .

rpl:acme-lab-in-acme-ai-group-interval a time:Interval .

# -- People, roles and reporting lines

rper:doe-jane a foaf:Person ;
    rdfs:label "Jane Doe"@en ;
    prov:wasDerivedFrom rsrc:t000 ;
    prov:qualifiedDerivation [ a prov:Derivation ; prov:entity rsrc:t000 ; rkg:locator "L8" ] .

rper:roe-rick a foaf:Person ;
    rdfs:label "Rick Roe"@en ;
    prov:wasDerivedFrom rsrc:t000 ;
    prov:qualifiedDerivation [ a prov:Derivation ; prov:entity rsrc:t000 ; rkg:locator "L8" ] .

rper:poe-pat a foaf:Person ;
    rdfs:label "Pat Poe"@en ;
    prov:wasDerivedFrom rsrc:t001 ;
    prov:qualifiedDerivation [ a prov:Derivation ; prov:entity rsrc:t001 ; rkg:locator "L9" ] .

rmem:doe-jane-ceo-acme a rkg:RoleMembership ;
    rdfs:label "Jane Doe, CEO of Acme"@en ;
    org:member rper:doe-jane ;
    org:organization rorg:acme ;
    org:role rkg:ceo ;
    org:memberDuring rmem:doe-jane-ceo-acme-interval ;
    prov:wasInvalidatedBy rev:2026-03-16-roe-rick-appointed ;
    prov:wasDerivedFrom rsrc:t000 ;
    prov:qualifiedDerivation [ a prov:Derivation ; prov:entity rsrc:t000 ; rkg:locator "L8" ] .

rmem:doe-jane-ceo-acme-interval a time:Interval ;
    time:hasBeginning rmem:doe-jane-ceo-acme-begin ;
    time:hasEnd rmem:doe-jane-ceo-acme-end .

rmem:doe-jane-ceo-acme-begin a time:Instant ;
    time:inXSDgYear "2023"^^xsd:gYear .

rmem:doe-jane-ceo-acme-end a time:Instant ;
    time:inXSDDate "2026-03-16"^^xsd:date ;
    rkg:inferred true ;
    rkg:inferenceNote "Ends when Rick Roe is appointed CEO in her place."@en .

rmem:roe-rick-ceo-acme a rkg:RoleMembership ;
    rdfs:label "Rick Roe, CEO of Acme"@en ;
    org:member rper:roe-rick ;
    org:organization rorg:acme ;
    org:role rkg:ceo ;
    org:memberDuring rmem:roe-rick-ceo-acme-interval ;
    prov:wasGeneratedBy rev:2026-03-16-roe-rick-appointed ;
    prov:wasDerivedFrom rsrc:t000 ;
    prov:qualifiedDerivation [ a prov:Derivation ; prov:entity rsrc:t000 ; rkg:locator "L8" ] .

rmem:roe-rick-ceo-acme-interval a time:Interval ;
    time:hasBeginning rmem:roe-rick-ceo-acme-begin .

rmem:roe-rick-ceo-acme-begin a time:Instant ;
    time:inXSDDate "2026-03-16"^^xsd:date .

rmem:poe-pat-vp-acme a rkg:RoleMembership ;
    rdfs:label "Pat Poe, vice president of Acme"@en ;
    org:member rper:poe-pat ;
    org:organization rorg:acme ;
    org:role rkg:vicePresident ;
    org:memberDuring rmem:poe-pat-vp-acme-interval ;
    prov:wasDerivedFrom rsrc:t001 ;
    prov:qualifiedDerivation [ a prov:Derivation ; prov:entity rsrc:t001 ; rkg:locator "L9" ] .

rmem:poe-pat-vp-acme-interval a time:Interval .

rrep:acme-lab-to-roe-rick a rkg:ReportingLine ;
    rdfs:label "Acme Lab reports to Rick Roe"@en ;
    rkg:subordinate rorg:acme-lab ;
    rkg:superior rper:roe-rick ;
    rkg:reportingDuring rrep:acme-lab-to-roe-rick-interval ;
    prov:wasDerivedFrom rsrc:t000 ;
    prov:qualifiedDerivation [ a prov:Derivation ; prov:entity rsrc:t000 ; rkg:locator "L5" ] .

rrep:acme-lab-to-roe-rick-interval a time:Interval .

# -- Events and activities

rev:2026-03-16-acme-ai-group-established a rkg:Establishment ;
    rdfs:label "Acme establishes the Acme AI Group"@en ;
    dcterms:date "2026-03-16"^^xsd:date ;
    rkg:status rkg:announced ;
    rkg:company rorg:acme ;
    org:resultingOrganization rorg:acme-ai-group ;
    rkg:involvedPerson rper:roe-rick ;
    rkg:product rprd:acme-chat ;
    rkg:adoptedModel rmod:acme-ai-first ;
    prov:wasDerivedFrom rsrc:t000 , rsrc:t001 ;
    prov:qualifiedDerivation
        [ a prov:Derivation ; prov:entity rsrc:t000 ; rkg:locator "L2" ] ,
        [ a prov:Derivation ; prov:entity rsrc:t001 ; rkg:locator "L4" ] .

rev:2026-03-16-roe-rick-appointed a rkg:Appointment ;
    rdfs:label "Rick Roe becomes CEO of Acme"@en ;
    dcterms:date "2026-03-16"^^xsd:date ;
    rkg:status rkg:completed ;
    rkg:company rorg:acme ;
    rkg:involvedPerson rper:roe-rick ;
    rkg:replaced rper:doe-jane ;
    rkg:role rkg:ceo ;
    rkg:affectedOrganization rorg:acme ;
    prov:wasDerivedFrom rsrc:t000 ;
    prov:qualifiedDerivation [ a prov:Derivation ; prov:entity rsrc:t000 ; rkg:locator "L8" ] .

rev:2026-acme-ai-investment a rkg:InvestmentCommitment ;
    rdfs:label "Acme plans to invest in AI infrastructure"@en ;
    dcterms:date "2026"^^xsd:gYear ;
    rkg:status rkg:reportedPlan ;
    rkg:company rorg:acme ;
    rkg:affectedOrganization rorg:acme-ai-group ;
    rkg:figure rfig:acme-ai-investment , rfig:cny-to-usd ;
    prov:wasDerivedFrom rsrc:t001 ;
    prov:qualifiedDerivation [ a prov:Derivation ; prov:entity rsrc:t001 ; rkg:locator "L10" ] .

# -- Figures, products, models

rfig:acme-ai-investment a schema:MonetaryAmount ;
    rdfs:label "Acme's planned AI investment"@en ;
    rkg:measure rkg:investmentAmount ;
    schema:value "380000000000"^^xsd:decimal ;
    schema:currency "CNY" ;
    rkg:lowerBound true ;
    rkg:referencePeriod "2026/2028" ;
    prov:wasDerivedFrom rsrc:t001 ;
    prov:qualifiedDerivation [ a prov:Derivation ; prov:entity rsrc:t001 ; rkg:locator "L10" ] .

rfig:acme-ai-group-headcount a schema:QuantitativeValue ;
    rdfs:label "Acme AI Group headcount"@en ;
    rkg:measure rkg:headcount ;
    schema:minValue "100"^^xsd:integer ;
    schema:maxValue "200"^^xsd:decimal ;
    schema:unitText "employees" ;
    rkg:approximate true ;
    rkg:referencePeriod "2026-03"^^xsd:gYearMonth ;
    prov:wasDerivedFrom rsrc:t000 ;
    prov:qualifiedDerivation [ a prov:Derivation ; prov:entity rsrc:t000 ; rkg:locator "L3" ] .

rfig:cny-to-usd a rkg:ExchangeRate ;
    rdfs:label "renminbi to US dollars, as Acme's figures imply"@en ;
    schema:currency "CNY" ;
    rkg:targetCurrency "USD" ;
    rkg:rate "0.14"^^xsd:decimal ;
    rkg:inferred true ;
    rkg:inferenceNote "53 billion dollars divided by 380 billion renminbi."@en ;
    prov:wasDerivedFrom rsrc:t001 ;
    prov:qualifiedDerivation [ a prov:Derivation ; prov:entity rsrc:t001 ; rkg:locator "L10-L11" ] .

rprd:acme-chat a rkg:Product ;
    rdfs:label "Acme Chat"@en ;
    rkg:developedBy rorg:acme-ai-group ;
    prov:wasDerivedFrom rsrc:t000 ;
    prov:qualifiedDerivation [ a prov:Derivation ; prov:entity rsrc:t000 ; rkg:locator "L6" ] .

rmod:acme-ai-first a rkg:OrganizationalModel ;
    rdfs:label "AI-first model"@en ;
    prov:wasDerivedFrom rsrc:t000 ;
    prov:qualifiedDerivation [ a prov:Derivation ; prov:entity rsrc:t000 ; rkg:locator "L7" ] .

# -- A disagreement

rdis:acme-ai-group-kind a rkg:Disagreement ;
    rdfs:label "Is the Acme AI Group a business group or a business unit?"@en ;
    rkg:subject rorg:acme-ai-group ;
    rkg:claim rdis:acme-ai-group-kind-t000 , rdis:acme-ai-group-kind-t001 .

rdis:acme-ai-group-kind-t000 a rkg:Claim ;
    rdfs:label "The Acme AI Group is a business group"@en ;
    prov:wasDerivedFrom rsrc:t000 ;
    prov:qualifiedDerivation [ a prov:Derivation ; prov:entity rsrc:t000 ; rkg:locator "L2" ] .

rdis:acme-ai-group-kind-t001 a rkg:Claim ;
    rdfs:label "The Acme AI Group is a business unit"@en ;
    prov:wasDerivedFrom rsrc:t001 ;
    prov:qualifiedDerivation [ a prov:Derivation ; prov:entity rsrc:t001 ; rkg:locator "L4" ] .
"""


def cite(source: str = "rsrc:t000", locator: str = "L1") -> str:
    """The two citation triples of the conventions, for a fixture's Turtle."""
    return (
        f"prov:wasDerivedFrom {source} ; "
        f'prov:qualifiedDerivation [ a prov:Derivation ; prov:entity {source} ; rkg:locator "{locator}" ]'
    )


def time_bound(iri: str, kind: str, ends: dict[str, str], during: str, *, leave_out: str = "", extra: str = "") -> str:
    """An INSERT DATA of a complete, cited, time-bound fact of type ``kind``.

    ``ends`` names its two ends (``{"unit": "rkg:placedUnit rorg:x", ...}``), ``during`` the
    property of its interval; ``leave_out`` drops one part (``"label"``, ``"interval"`` or a
    key of ``ends``) and ``extra`` adds Turtle to the fact.
    """
    parts = {"label": 'rdfs:label "an extra fact"@en', **ends, "interval": f"{during} {iri}-interval"}
    parts.pop(leave_out, None)
    body = " ; ".join([*parts.values(), cite(), *([extra] if extra else [])])
    return f"INSERT DATA {{ {iri} a {kind} ; {body} . {iri}-interval a time:Interval . }}"


def placement(iri: str, unit: str, parent: str, **options) -> str:
    """A complete placement of ``unit`` under ``parent`` (see :func:`time_bound` for ``options``)."""
    ends = {"unit": f"rkg:placedUnit {unit}", "parent": f"rkg:parentOrganization {parent}"}
    return time_bound(iri, "rkg:Placement", ends, "rkg:placedDuring", **options)


def reporting_line(iri: str, subordinate: str, superior: str, **options) -> str:
    """A complete reporting line (see :func:`time_bound` for ``options``)."""
    ends = {"subordinate": f"rkg:subordinate {subordinate}", "superior": f"rkg:superior {superior}"}
    return time_bound(iri, "rkg:ReportingLine", ends, "rkg:reportingDuring", **options)


def event(iri: str, kind: str, organizations: str) -> str:
    """An INSERT DATA of a complete, dated, cited event of type ``kind`` naming ``organizations``."""
    return (
        f"INSERT DATA {{ {iri} a {kind} ; "
        f'rdfs:label "an extra event"@en ; dcterms:date "2026-03"^^xsd:gYearMonth ; '
        f"rkg:status rkg:completed ; rkg:company rorg:acme ; {organizations} ; {cite()} . }}"
    )


def delete_citation_form(node: str, form: str) -> str:
    """Delete one of the two citation forms of ``node``: ``source`` or ``derivation``."""
    if form == "source":
        return f"DELETE WHERE {{ {node} prov:wasDerivedFrom ?source }}"
    return f"DELETE WHERE {{ {node} prov:qualifiedDerivation ?d . ?d ?p ?o }}"


def replace(node: str, prop: str, new: str) -> str:
    """Replace every value of ``prop`` on ``node`` by ``new`` (a Turtle term)."""
    return f"DELETE {{ {node} {prop} ?old }} INSERT {{ {node} {prop} {new} }} WHERE {{ {node} {prop} ?old }}"


def replace_in_derivation(node: str, prop: str, new: str) -> str:
    """Replace ``prop`` of the (single) qualified derivation of ``node``."""
    return (
        f"DELETE {{ ?d {prop} ?old }} INSERT {{ ?d {prop} {new} }} "
        f"WHERE {{ {node} prov:qualifiedDerivation ?d . ?d {prop} ?old }}"
    )


# -- Cases -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """A change to ``BASE`` and the results it must produce, nothing more.

    ``expected`` holds ``(shape, component, focus)`` triples: the local name of the source
    shape in ``rkgsh:``, the constraint component without ``ConstraintComponent``, and the
    focus node as a CURIE (``"_:"`` for any blank node). ``details`` names the nested
    ``(shape, component)`` that an ``sh:node`` result must carry.
    """

    id: str
    update: str
    expected: tuple[tuple[str, str, str], ...]
    details: tuple[tuple[str, str], ...] = ()


def case(id: str, update: str, *expected: tuple[str, str, str], details=()) -> Case:
    return Case(id, update, tuple(expected), tuple(details))


JANE_CEO, RICK_CEO, PAT_VP = "rmem:doe-jane-ceo-acme", "rmem:roe-rick-ceo-acme", "rmem:poe-pat-vp-acme"
ESTABLISHED, APPOINTED, INVESTMENT = (
    "rev:2026-03-16-acme-ai-group-established",
    "rev:2026-03-16-roe-rick-appointed",
    "rev:2026-acme-ai-investment",
)
MONEY, HEADCOUNT, RATE = "rfig:acme-ai-investment", "rfig:acme-ai-group-headcount", "rfig:cny-to-usd"
EXTRA_PL, EXTRA_RL = "rpl:acme-lab-in-acme", "rrep:roe-rick-to-doe-jane"

BAD_CASES = [
    # -- value shapes, reached through sh:node
    case("date-not-typed", replace(INVESTMENT, "dcterms:date", '"2026"'),
         ("ActivityDateProperty", "Node", INVESTMENT), details=[("TemporalValueShape", "Or")]),
    case("date-with-time-zone", replace(ESTABLISHED, "dcterms:date", '"2026-03-16Z"^^xsd:date'),
         ("ActivityDateProperty", "Node", ESTABLISHED), details=[("TemporalValueShape", "Pattern")]),
    case("value-not-a-number", replace(MONEY, "schema:value", '"380 billion"'),
         ("FigureShape-number", "Node", MONEY), details=[("NumberValueShape", "Or")]),
    case("currency-with-language", replace(MONEY, "schema:currency", '"CNY"@en'),
         ("MonetaryAmountShape-currency", "Node", MONEY), details=[("CurrencyCodeShape", "Datatype")]),
    case("currency-lower-case", replace(MONEY, "schema:currency", '"cny"'),
         ("MonetaryAmountShape-currency", "Node", MONEY), details=[("CurrencyCodeShape", "Pattern")]),
    # -- labels
    case("label-missing", "DELETE WHERE { rper:roe-rick rdfs:label ?l }",
         ("EnglishLabelProperty", "MinCount", "rper:roe-rick")),
    case("label-twice", 'INSERT DATA { rper:roe-rick rdfs:label "Richard Roe"@en }',
         ("EnglishLabelProperty", "MaxCount", "rper:roe-rick")),
    case("label-not-english", replace("rper:roe-rick", "rdfs:label", '"Rick Roe"'),
         ("EnglishLabelProperty", "LanguageIn", "rper:roe-rick")),
    case("role-without-label", "INSERT DATA { rkg:chiefFinancialOfficer a org:Role }",
         ("EnglishLabelProperty", "MinCount", "rkg:chiefFinancialOfficer")),
    # -- citations
    case("no-source", delete_citation_form("rper:roe-rick", "source"),
         ("CitedSourceProperty", "MinCount", "rper:roe-rick")),
    case("no-qualified-derivation", delete_citation_form(RICK_CEO, "derivation"),
         ("CitedLocatorProperty", "MinCount", RICK_CEO)),
    case("product-without-source", delete_citation_form("rprd:acme-chat", "source"),
         ("CitedSourceWarningProperty", "MinCount", "rprd:acme-chat")),
    case("product-without-derivation", delete_citation_form("rprd:acme-chat", "derivation"),
         ("CitedLocatorWarningProperty", "MinCount", "rprd:acme-chat")),
    case("unregistered-source",
         replace("rper:roe-rick", "prov:wasDerivedFrom", "rsrc:t999")
         + " ; " + replace_in_derivation("rper:roe-rick", "prov:entity", "rsrc:t999"),
         ("CitationShape-source", "Class", "rper:roe-rick"),
         ("CitationShape-entity", "Class", "rper:roe-rick")),
    case("derivation-of-unregistered-source",
         replace_in_derivation("rper:roe-rick", "prov:entity", "rsrc:t999"),
         ("CitationShape-entity", "Class", "rper:roe-rick"),
         ("CitationShape", "SPARQL", "rper:roe-rick"),
         ("CitationShape", "SPARQL", "rper:roe-rick")),
    case("source-without-derivation", "INSERT DATA { rper:roe-rick prov:wasDerivedFrom rsrc:t001 }",
         ("CitationShape", "SPARQL", "rper:roe-rick")),
    case("locator-malformed", replace_in_derivation("rper:roe-rick", "rkg:locator", '"line 8"'),
         ("CitationShape-locator", "Pattern", "rper:roe-rick")),
    case("locator-line-zero", replace_in_derivation("rper:roe-rick", "rkg:locator", '"L0-L2"'),
         ("CitationShape-locator", "Pattern", "rper:roe-rick")),
    case("locator-with-language", replace_in_derivation("rper:roe-rick", "rkg:locator", '"L8"@en'),
         ("CitationShape-locator", "Datatype", "rper:roe-rick")),
    case("derivation-untyped",
         "DELETE { ?d a prov:Derivation } WHERE { rper:roe-rick prov:qualifiedDerivation ?d }",
         ("CitationShape-derivation", "Node", "rper:roe-rick"), details=[("DerivationShape", "Class")]),
    case("derivation-without-entity",
         "DELETE { ?d prov:entity ?s } WHERE { rper:roe-rick prov:qualifiedDerivation ?d . ?d prov:entity ?s }",
         ("CitationShape-derivation", "Node", "rper:roe-rick"), details=[("DerivationShape-entity", "MinCount")]),
    case("derivation-with-two-entities",
         "INSERT { rper:roe-rick prov:wasDerivedFrom rsrc:t001 . ?d prov:entity rsrc:t001 } "
         "WHERE { rper:roe-rick prov:qualifiedDerivation ?d }",
         ("CitationShape-derivation", "Node", "rper:roe-rick"), details=[("DerivationShape-entity", "MaxCount")]),
    case("derivation-without-locator",
         "DELETE { ?d rkg:locator ?l } WHERE { rper:roe-rick prov:qualifiedDerivation ?d . ?d rkg:locator ?l }",
         ("CitationShape-derivation", "Node", "rper:roe-rick"), details=[("DerivationShape-locator", "MinCount")]),
    case("derivation-with-two-locators",
         'INSERT { ?d rkg:locator "L9" } WHERE { rper:roe-rick prov:qualifiedDerivation ?d }',
         ("CitationShape-derivation", "Node", "rper:roe-rick"), details=[("DerivationShape-locator", "MaxCount")]),
    # -- source documents
    case("source-without-identifier", "DELETE WHERE { rsrc:t001 dcterms:identifier ?i }",
         ("SourceDocumentShape-identifier", "MinCount", "rsrc:t001")),
    case("source-with-two-identifiers", 'INSERT DATA { rsrc:t001 dcterms:identifier "002_0000000000000000.txt" }',
         ("SourceDocumentShape-identifier", "MaxCount", "rsrc:t001")),
    case("source-identifier-typed", replace("rsrc:t001", "dcterms:identifier", '"001_fedcba9876543210.txt"^^xsd:anyURI'),
         ("SourceDocumentShape-identifier", "Datatype", "rsrc:t001")),
    case("source-identifier-not-a-file-name", replace("rsrc:t001", "dcterms:identifier", '"sources/001_fedcba9876543210.txt"'),
         ("SourceDocumentShape-identifier", "Pattern", "rsrc:t001")),
    case("source-with-two-dates", 'INSERT DATA { rsrc:t000 dcterms:date "2026-03-24"^^xsd:date }',
         ("SourceDocumentShape-date", "MaxCount", "rsrc:t000")),
    case("source-date-untyped", replace("rsrc:t000", "dcterms:date", '"2026-03-23"'),
         ("SourceDocumentShape-date", "Node", "rsrc:t000"), details=[("TemporalValueShape", "Or")]),
    # -- named resources
    case("blank-node-product", f'INSERT DATA {{ [] a rkg:Product ; rdfs:label "Acme Chat Pro"@en ; {cite()} }}',
         ("NamedResourceShape", "NodeKind", "_:")),
    # -- organizations
    case("token-function-not-in-scheme", replace("rorg:acme-ai-group", "rkg:tokenFunction", "rkg:headcount"),
         ("OrganizationShape-tokenFunction", "Class", "rorg:acme-ai-group")),
    case("figure-undefined", "INSERT DATA { rorg:acme rkg:figure rfig:acme-nothing }",
         ("FigureLinkProperty", "Class", "rorg:acme")),
    case("company-with-company", "INSERT DATA { rorg:acme rkg:company rorg:acme }",
         ("CompanyShape-company", "MaxCount", "rorg:acme")),
    case("unit-without-company", "DELETE WHERE { rorg:acme-lab rkg:company ?c }",
         ("OrganizationalUnitShape-company", "MinCount", "rorg:acme-lab")),
    case("unit-with-two-companies",
         f'INSERT DATA {{ rorg:rival a rkg:Company ; rdfs:label "Rival"@en ; {cite()} . rorg:acme-lab rkg:company rorg:rival }}',
         ("OrganizationalUnitShape-company", "MaxCount", "rorg:acme-lab")),
    case("unit-company-not-a-company", replace("rorg:acme-lab", "rkg:company", "rorg:acme-ai-group"),
         ("OrganizationalUnitShape-company", "Class", "rorg:acme-lab")),
    case("unit-without-placement",
         delete_citation_form("rpl:acme-lab-in-acme-ai-group", "derivation")
         + " ; DELETE WHERE { rpl:acme-lab-in-acme-ai-group ?p ?o }",
         ("OrganizationalUnitShape-placement", "MinCount", "rorg:acme-lab")),
    case("hierarchy-cycle-through-placements", placement("rpl:acme-in-acme-lab", "rorg:acme", "rorg:acme-lab"),
         ("HierarchyShape", "SPARQL", "rorg:acme"),
         ("HierarchyShape", "SPARQL", "rorg:acme-ai-group"),
         ("HierarchyShape", "SPARQL", "rorg:acme-lab")),
    case("hierarchy-cycle-through-sub-organization", "INSERT DATA { rorg:acme org:subOrganizationOf rorg:acme-lab }",
         ("HierarchyShape", "SPARQL", "rorg:acme"),
         ("HierarchyShape", "SPARQL", "rorg:acme-ai-group"),
         ("HierarchyShape", "SPARQL", "rorg:acme-lab")),
    case("sub-organization-of-itself", "INSERT DATA { rorg:acme-lab org:unitOf rorg:acme-lab }",
         ("HierarchyShape", "SPARQL", "rorg:acme-lab")),
    case("duplicate-person", f'INSERT DATA {{ rper:rick-roe a foaf:Person ; rdfs:label "Rick Roe"@en ; {cite()} }}',
         ("DuplicateNameShape", "SPARQL", "rper:roe-rick"),
         ("DuplicateNameShape", "SPARQL", "rper:rick-roe")),
    case("label-is-another-units-alternative-name", 'INSERT DATA { rorg:acme-lab skos:altLabel "Acme AI Group"@en }',
         ("DuplicateNameShape", "SPARQL", "rorg:acme-ai-group")),
    # -- memberships
    case("membership-without-member", f"DELETE WHERE {{ {PAT_VP} org:member ?m }}",
         ("MembershipShape-member", "MinCount", PAT_VP)),
    case("membership-with-two-members", f"INSERT DATA {{ {PAT_VP} org:member rper:doe-jane }}",
         ("MembershipShape-member", "MaxCount", PAT_VP)),
    case("membership-member-not-a-person", replace(PAT_VP, "org:member", "rorg:acme-lab"),
         ("MembershipShape-member", "Class", PAT_VP)),
    case("membership-without-organization", f"DELETE WHERE {{ {PAT_VP} org:organization ?o }}",
         ("MembershipShape-organization", "MinCount", PAT_VP)),
    case("membership-with-two-organizations", f"INSERT DATA {{ {PAT_VP} org:organization rorg:acme-lab }}",
         ("MembershipShape-organization", "MaxCount", PAT_VP)),
    case("membership-organization-not-an-organization", replace(PAT_VP, "org:organization", "rprd:acme-chat"),
         ("MembershipShape-organization", "Class", PAT_VP)),
    case("membership-without-role", f"DELETE WHERE {{ {PAT_VP} org:role ?r }}",
         ("MembershipShape-role", "MinCount", PAT_VP)),
    case("membership-with-two-roles", f"INSERT DATA {{ {PAT_VP} org:role rkg:researchScientist }}",
         ("MembershipShape-role", "MaxCount", PAT_VP)),
    case("membership-role-not-a-role", replace(PAT_VP, "org:role", "rkg:headcount"),
         ("MembershipShape-role", "Class", PAT_VP)),
    case("membership-without-interval", f"DELETE WHERE {{ {PAT_VP} org:memberDuring ?i }}",
         ("MembershipShape-interval", "MinCount", PAT_VP)),
    case("membership-with-two-intervals",
         f"INSERT DATA {{ {PAT_VP} org:memberDuring rmem:poe-pat-vp-acme-interval-2 . "
         "rmem:poe-pat-vp-acme-interval-2 a time:Interval }",
         ("MembershipShape-interval", "MaxCount", PAT_VP)),
    case("membership-interval-untyped", "DELETE WHERE { rmem:poe-pat-vp-acme-interval a time:Interval }",
         ("MembershipShape-interval", "Class", PAT_VP)),
    case("membership-generated-by-undefined-event", f"INSERT DATA {{ {PAT_VP} prov:wasGeneratedBy rev:nothing }}",
         ("LifecycleEventProperty", "Class", PAT_VP)),
    case("membership-generated-by-a-plan", f"INSERT DATA {{ {PAT_VP} prov:wasGeneratedBy {INVESTMENT} }}",
         ("NotFromPlanProperty", "Not", PAT_VP)),
    # The appointment that ended Jane Doe's term (its end recorded) also makes a placement
    # with no beginning: it would hold before the appointment too.
    case("placement-made-by-a-handover-without-beginning",
         "INSERT DATA { rpl:acme-lab-in-acme-ai-group prov:wasGeneratedBy rev:2026-03-16-roe-rick-appointed }",
         ("PlacementShape", "SPARQL", "rpl:acme-lab-in-acme-ai-group")),
    case("two-ceos-at-once", replace("rmem:roe-rick-ceo-acme-begin", "time:inXSDDate", '"2026-03-15"^^xsd:date'),
         ("MembershipShape", "SPARQL", RICK_CEO),
         ("MembershipShape", "SPARQL", JANE_CEO)),
    case("two-ceos-when-the-predecessor-never-ends", "DELETE WHERE { rmem:doe-jane-ceo-acme-interval time:hasEnd ?e }",
         ("MembershipShape", "SPARQL", RICK_CEO),
         ("MembershipShape", "SPARQL", JANE_CEO)),
    # Rick Roe's term, made by the appointment that ended Jane Doe's, loses its beginning:
    # the two overlap, and it no longer begins where hers ends (LifecycleHandoverConstraint).
    case("two-ceos-since-unknown-dates", "DELETE WHERE { rmem:roe-rick-ceo-acme-interval time:hasBeginning ?b }",
         ("MembershipShape", "SPARQL", RICK_CEO),
         ("MembershipShape", "SPARQL", RICK_CEO),
         ("MembershipShape", "SPARQL", JANE_CEO)),
    case("two-ceos-in-the-same-month", replace("rmem:doe-jane-ceo-acme-end", "time:inXSDDate", '"2026-03-20"^^xsd:date')
         + " ; " + replace("rmem:roe-rick-ceo-acme-begin", "time:inXSDDate", '"2026-03-10"^^xsd:date'),
         ("MembershipShape", "SPARQL", RICK_CEO),
         ("MembershipShape", "SPARQL", JANE_CEO)),
    # -- placements
    case("placement-without-unit", placement(EXTRA_PL, "rorg:acme-lab", "rorg:acme", leave_out="unit"),
         ("PlacementShape-unit", "MinCount", EXTRA_PL)),
    case("placement-with-two-units", placement(EXTRA_PL, "rorg:acme-lab", "rorg:acme", extra="rkg:placedUnit rorg:acme-ai-group"),
         ("PlacementShape-unit", "MaxCount", EXTRA_PL)),
    case("placement-unit-not-an-organization", placement(EXTRA_PL, "rprd:acme-chat", "rorg:acme"),
         ("PlacementShape-unit", "Class", EXTRA_PL)),
    case("placement-without-parent", placement(EXTRA_PL, "rorg:acme-lab", "rorg:acme", leave_out="parent"),
         ("PlacementShape-parent", "MinCount", EXTRA_PL)),
    case("placement-with-two-parents", placement(EXTRA_PL, "rorg:acme-lab", "rorg:acme", extra="rkg:parentOrganization rorg:acme-ai-group"),
         ("PlacementShape-parent", "MaxCount", EXTRA_PL)),
    case("placement-parent-not-an-organization", placement(EXTRA_PL, "rorg:acme-lab", "rper:roe-rick"),
         ("PlacementShape-parent", "Class", EXTRA_PL)),
    case("placement-under-itself", placement(EXTRA_PL, "rorg:acme-lab", "rorg:acme-lab"),
         ("PlacementShape-notSelf", "Disjoint", EXTRA_PL)),
    case("placement-without-interval", placement(EXTRA_PL, "rorg:acme-lab", "rorg:acme", leave_out="interval"),
         ("PlacementShape-interval", "MinCount", EXTRA_PL)),
    case("placement-with-two-intervals",
         placement(EXTRA_PL, "rorg:acme-lab", "rorg:acme", extra="rkg:placedDuring rpl:acme-lab-in-acme-ai-group-interval"),
         ("PlacementShape-interval", "MaxCount", EXTRA_PL)),
    case("placement-interval-untyped",
         placement(EXTRA_PL, "rorg:acme-lab", "rorg:acme") + f" ; DELETE DATA {{ {EXTRA_PL}-interval a time:Interval }}",
         ("PlacementShape-interval", "Class", EXTRA_PL)),
    # -- reporting lines
    case("reporting-line-without-subordinate", reporting_line(EXTRA_RL, "rper:roe-rick", "rper:doe-jane", leave_out="subordinate"),
         ("ReportingLineShape-subordinate", "MinCount", EXTRA_RL)),
    case("reporting-line-with-two-subordinates",
         reporting_line(EXTRA_RL, "rper:roe-rick", "rper:doe-jane", extra="rkg:subordinate rper:poe-pat"),
         ("ReportingLineShape-subordinate", "MaxCount", EXTRA_RL)),
    case("reporting-line-subordinate-not-an-agent", reporting_line(EXTRA_RL, "rprd:acme-chat", "rper:doe-jane"),
         ("ReportingLineShape-subordinate", "Class", EXTRA_RL)),
    case("reporting-line-without-superior", reporting_line(EXTRA_RL, "rper:roe-rick", "rper:doe-jane", leave_out="superior"),
         ("ReportingLineShape-superior", "MinCount", EXTRA_RL)),
    case("reporting-line-with-two-superiors",
         reporting_line(EXTRA_RL, "rper:roe-rick", "rper:doe-jane", extra="rkg:superior rper:poe-pat"),
         ("ReportingLineShape-superior", "MaxCount", EXTRA_RL)),
    case("reporting-line-superior-not-an-agent", reporting_line(EXTRA_RL, "rper:roe-rick", "rmod:acme-ai-first"),
         ("ReportingLineShape-superior", "Class", EXTRA_RL)),
    case("reporting-to-oneself", reporting_line(EXTRA_RL, "rper:roe-rick", "rper:roe-rick"),
         ("ReportingLineShape-notSelf", "Disjoint", EXTRA_RL)),
    case("reporting-line-without-interval", reporting_line(EXTRA_RL, "rper:roe-rick", "rper:doe-jane", leave_out="interval"),
         ("ReportingLineShape-interval", "MinCount", EXTRA_RL)),
    case("reporting-line-with-two-intervals",
         reporting_line(EXTRA_RL, "rper:roe-rick", "rper:doe-jane", extra="rkg:reportingDuring rrep:acme-lab-to-roe-rick-interval"),
         ("ReportingLineShape-interval", "MaxCount", EXTRA_RL)),
    case("reporting-line-interval-untyped",
         reporting_line(EXTRA_RL, "rper:roe-rick", "rper:doe-jane") + f" ; DELETE DATA {{ {EXTRA_RL}-interval a time:Interval }}",
         ("ReportingLineShape-interval", "Class", EXTRA_RL)),
    case("reporting-cycle", reporting_line("rrep:roe-rick-to-acme-lab", "rper:roe-rick", "rorg:acme-lab"),
         ("ReportingLineShape", "SPARQL", "rrep:roe-rick-to-acme-lab"),
         ("ReportingLineShape", "SPARQL", "rrep:acme-lab-to-roe-rick")),
    case("reporting-cycle-of-three",
         reporting_line("rrep:roe-rick-to-doe-jane", "rper:roe-rick", "rper:doe-jane") + " ; "
         + reporting_line("rrep:doe-jane-to-acme-lab", "rper:doe-jane", "rorg:acme-lab"),
         ("ReportingLineShape", "SPARQL", "rrep:roe-rick-to-doe-jane"),
         ("ReportingLineShape", "SPARQL", "rrep:doe-jane-to-acme-lab"),
         ("ReportingLineShape", "SPARQL", "rrep:acme-lab-to-roe-rick")),
    case("reports-to-oneself", "INSERT DATA { rper:doe-jane org:reportsTo rper:doe-jane }",
         ("ReportsToShape", "SPARQL", "rper:doe-jane")),
    case("reports-to-closing-a-reporting-line", "INSERT DATA { rper:roe-rick org:reportsTo rorg:acme-lab }",
         ("ReportsToShape", "SPARQL", "rper:roe-rick"),
         ("ReportingLineShape", "SPARQL", "rrep:acme-lab-to-roe-rick")),
    # -- intervals and instants
    case("interval-with-two-beginnings",
         "INSERT DATA { rmem:roe-rick-ceo-acme-interval time:hasBeginning rmem:roe-rick-ceo-acme-begin-2 . "
         'rmem:roe-rick-ceo-acme-begin-2 a time:Instant ; time:inXSDDate "2026-04-01"^^xsd:date }',
         ("IntervalShape-beginning", "MaxCount", "rmem:roe-rick-ceo-acme-interval")),
    case("interval-beginning-untyped", "DELETE WHERE { rmem:roe-rick-ceo-acme-begin a time:Instant }",
         ("IntervalShape-beginning", "Class", "rmem:roe-rick-ceo-acme-interval")),
    case("interval-with-two-ends",
         "INSERT DATA { rmem:doe-jane-ceo-acme-interval time:hasEnd rmem:doe-jane-ceo-acme-end-2 . "
         'rmem:doe-jane-ceo-acme-end-2 a time:Instant ; time:inXSDDate "2026-03-10"^^xsd:date }',
         ("IntervalShape-end", "MaxCount", "rmem:doe-jane-ceo-acme-interval")),
    case("interval-end-untyped", "DELETE WHERE { rmem:doe-jane-ceo-acme-end a time:Instant }",
         ("IntervalShape-end", "Class", "rmem:doe-jane-ceo-acme-interval")),
    case("interval-ends-before-it-begins", replace("rmem:doe-jane-ceo-acme-end", "time:inXSDDate", '"2022-12-31"^^xsd:date'),
         ("ClosedIntervalShape-endNotBeforeBeginning", "LessThanOrEquals", "rmem:doe-jane-ceo-acme-interval")),
    case("interval-ends-the-day-before",
         "DELETE WHERE { rmem:doe-jane-ceo-acme-begin time:inXSDgYear ?y } ; "
         'INSERT DATA { rmem:doe-jane-ceo-acme-begin time:inXSDDate "2026-03-17"^^xsd:date }',
         ("ClosedIntervalShape-endNotBeforeBeginning", "LessThanOrEquals", "rmem:doe-jane-ceo-acme-interval")),
    case("interval-begun-not-after-a-day-after-its-end",
         "DELETE WHERE { rmem:doe-jane-ceo-acme-begin time:inXSDgYear ?y } ; "
         'INSERT DATA { rmem:doe-jane-ceo-acme-begin rkg:notAfter "2026-03-20"^^xsd:date ; rkg:notBefore "2026-03-17"^^xsd:date ; '
         'rkg:inferenceNote "Between two articles."@en }',
         ("ClosedIntervalShape-endNotBeforeBeginning", "LessThanOrEquals", "rmem:doe-jane-ceo-acme-interval")),
    case("instant-without-position", "DELETE WHERE { rmem:doe-jane-ceo-acme-begin time:inXSDgYear ?y }",
         ("InstantShape-position", "MinCount", "rmem:doe-jane-ceo-acme-begin")),
    case("instant-with-two-positions", 'INSERT DATA { rmem:doe-jane-ceo-acme-begin time:inXSDgYearMonth "2023-05"^^xsd:gYearMonth }',
         ("InstantShape-onePosition", "MaxCount", "rmem:doe-jane-ceo-acme-begin")),
    case("instant-with-date-and-not-after",
         'INSERT DATA { rmem:doe-jane-ceo-acme-begin rkg:notAfter "2023-06"^^xsd:gYearMonth ; rkg:inferenceNote "The month of the article."@en }',
         ("InstantShape-onePosition", "MaxCount", "rmem:doe-jane-ceo-acme-begin")),
    case("instant-with-date-and-not-before",
         'INSERT DATA { rmem:doe-jane-ceo-acme-begin rkg:notBefore "2022"^^xsd:gYear ; rkg:inferenceNote "A year a source says it came after."@en }',
         ("NotBeforeShape", "SPARQL", "rmem:doe-jane-ceo-acme-begin")),
    case("instant-not-before-without-note",
         "DELETE WHERE { rmem:doe-jane-ceo-acme-begin time:inXSDgYear ?y } ; "
         'INSERT DATA { rmem:doe-jane-ceo-acme-begin rkg:notBefore "2023"^^xsd:gYear }',
         ("NotBeforeShape-note", "MinCount", "rmem:doe-jane-ceo-acme-begin")),
    case("instant-not-before-twice",
         "DELETE WHERE { rmem:doe-jane-ceo-acme-begin time:inXSDgYear ?y } ; "
         'INSERT DATA { rmem:doe-jane-ceo-acme-begin rkg:notBefore "2023"^^xsd:gYear , "2022"^^xsd:gYear ; '
         'rkg:inferenceNote "Two sources."@en }',
         ("NotBeforeShape-value", "MaxCount", "rmem:doe-jane-ceo-acme-begin")),
    case("instant-not-before-untyped",
         "DELETE WHERE { rmem:doe-jane-ceo-acme-begin time:inXSDgYear ?y } ; "
         'INSERT DATA { rmem:doe-jane-ceo-acme-begin rkg:notBefore "2023" ; rkg:inferenceNote "A year."@en }',
         ("NotBeforeShape-value", "Node", "rmem:doe-jane-ceo-acme-begin"),
         details=[("TemporalValueShape", "Or")]),
    case("instant-not-before-after-not-after",
         "DELETE WHERE { rmem:doe-jane-ceo-acme-begin time:inXSDgYear ?y } ; "
         'INSERT DATA { rmem:doe-jane-ceo-acme-begin rkg:notBefore "2024"^^xsd:gYear ; rkg:notAfter "2023"^^xsd:gYear ; '
         'rkg:inferenceNote "Two contradicting sources."@en }',
         ("NotBeforeShape", "SPARQL", "rmem:doe-jane-ceo-acme-begin")),
    case("instant-not-after-without-note",
         "DELETE WHERE { rmem:doe-jane-ceo-acme-begin time:inXSDgYear ?y } ; "
         'INSERT DATA { rmem:doe-jane-ceo-acme-begin rkg:notAfter "2023"^^xsd:gYear }',
         ("NotAfterShape-note", "MinCount", "rmem:doe-jane-ceo-acme-begin")),
    case("instant-date-untyped", replace("rmem:roe-rick-ceo-acme-begin", "time:inXSDDate", '"2026-03-16"'),
         ("InstantShape-date", "Datatype", "rmem:roe-rick-ceo-acme-begin")),
    case("instant-date-with-time-zone", replace("rmem:roe-rick-ceo-acme-begin", "time:inXSDDate", '"2026-03-16Z"^^xsd:date'),
         ("InstantShape-date", "Pattern", "rmem:roe-rick-ceo-acme-begin")),
    case("instant-month-untyped",
         "DELETE WHERE { rpl:acme-ai-group-in-acme-begin time:inXSDDate ?d } ; "
         'INSERT DATA { rpl:acme-ai-group-in-acme-begin time:inXSDgYearMonth "2026-03" }',
         ("InstantShape-yearMonth", "Datatype", "rpl:acme-ai-group-in-acme-begin")),
    case("instant-month-with-time-zone",
         "DELETE WHERE { rpl:acme-ai-group-in-acme-begin time:inXSDDate ?d } ; "
         'INSERT DATA { rpl:acme-ai-group-in-acme-begin time:inXSDgYearMonth "2026-03Z"^^xsd:gYearMonth }',
         ("InstantShape-yearMonth", "Pattern", "rpl:acme-ai-group-in-acme-begin")),
    case("instant-year-as-integer", replace("rmem:doe-jane-ceo-acme-begin", "time:inXSDgYear", '"2023"^^xsd:integer'),
         ("InstantShape-year", "Datatype", "rmem:doe-jane-ceo-acme-begin")),
    case("instant-year-with-time-zone", replace("rmem:doe-jane-ceo-acme-begin", "time:inXSDgYear", '"2023Z"^^xsd:gYear'),
         ("InstantShape-year", "Pattern", "rmem:doe-jane-ceo-acme-begin")),
    # -- inferences
    case("inferred-without-note", "DELETE WHERE { rmem:doe-jane-ceo-acme-end rkg:inferenceNote ?n }",
         ("InferenceShape", "Or", "rmem:doe-jane-ceo-acme-end")),
    case("inferred-not-boolean", replace("rmem:doe-jane-ceo-acme-end", "rkg:inferred", '"yes"'),
         ("InferenceShape-flag", "Datatype", "rmem:doe-jane-ceo-acme-end")),
    case("inferred-twice", "INSERT DATA { rmem:doe-jane-ceo-acme-end rkg:inferred false }",
         ("InferenceShape-flag", "MaxCount", "rmem:doe-jane-ceo-acme-end")),
    # -- events and activities
    case("event-with-two-dates", f'INSERT DATA {{ {INVESTMENT} dcterms:date "2025"^^xsd:gYear }}',
         ("ActivityDateProperty", "MaxCount", INVESTMENT)),
    case("event-undated", f"DELETE WHERE {{ {INVESTMENT} dcterms:date ?d }}",
         ("ActivityDatedProperty", "MinCount", INVESTMENT)),
    case("event-dated-only-by-not-after",
         f"DELETE WHERE {{ {INVESTMENT} dcterms:date ?d }} ; "
         f'INSERT DATA {{ {INVESTMENT} rkg:notAfter "2026-03-23"^^xsd:date ; rkg:inferenceNote "The date of the article."@en }}',
         ("ActivityNotAfterFallbackProperty", "MaxCount", INVESTMENT)),
    case("not-after-without-note",
         f"DELETE WHERE {{ {INVESTMENT} dcterms:date ?d }} ; "
         f'INSERT DATA {{ {INVESTMENT} rkg:notAfter "2026-03-23"^^xsd:date }}',
         ("NotAfterShape-note", "MinCount", INVESTMENT),
         ("ActivityNotAfterFallbackProperty", "MaxCount", INVESTMENT)),
    case("not-after-twice",
         f"DELETE WHERE {{ {INVESTMENT} dcterms:date ?d }} ; "
         f'INSERT DATA {{ {INVESTMENT} rkg:notAfter "2026-03-23"^^xsd:date , "2026-03-19"^^xsd:date ; '
         'rkg:inferenceNote "The dates of the two articles."@en }',
         ("NotAfterShape-value", "MaxCount", INVESTMENT),
         ("ActivityNotAfterFallbackProperty", "MaxCount", INVESTMENT)),
    case("not-after-untyped",
         f"DELETE WHERE {{ {INVESTMENT} dcterms:date ?d }} ; "
         f'INSERT DATA {{ {INVESTMENT} rkg:notAfter "2026-03-23" ; rkg:inferenceNote "The date of the article."@en }}',
         ("NotAfterShape-value", "Node", INVESTMENT),
         ("ActivityNotAfterFallbackProperty", "MaxCount", INVESTMENT),
         details=[("TemporalValueShape", "Or")]),
    case("event-without-status", f"DELETE WHERE {{ {APPOINTED} rkg:status ?s }}",
         ("ActivityStatusProperty", "MinCount", APPOINTED)),
    case("event-with-two-statuses", f"INSERT DATA {{ {APPOINTED} rkg:status rkg:announced }}",
         ("ActivityStatusProperty", "MaxCount", APPOINTED)),
    case("event-status-not-a-status", replace(APPOINTED, "rkg:status", "rkg:head"),
         ("ActivityStatusProperty", "Class", APPOINTED)),
    case("activity-without-company", f"DELETE WHERE {{ {INVESTMENT} rkg:company ?c }}",
         ("ActivityCompanyProperty", "MinCount", INVESTMENT)),
    case("event-company-not-a-company", replace(APPOINTED, "rkg:company", "rorg:acme-ai-group"),
         ("ActivityCompanyProperty", "Class", APPOINTED)),
    case("event-without-organization", f"DELETE WHERE {{ {APPOINTED} rkg:affectedOrganization ?o }}",
         ("RestructuringEventShape-organization", "MinCount", APPOINTED)),
    case("event-organization-undefined", f"INSERT DATA {{ {APPOINTED} rkg:previousOrganization rorg:nowhere }}",
         ("ActivityOrganizationsProperty", "Class", APPOINTED)),
    case("event-person-not-a-person", replace(APPOINTED, "rkg:replaced", "rorg:acme"),
         ("ActivityPeopleProperty", "Class", APPOINTED)),
    case("event-role-not-a-role", replace(APPOINTED, "rkg:role", "rkg:headcount"),
         ("ActivityRoleProperty", "Class", APPOINTED)),
    case("event-product-not-a-product", replace(ESTABLISHED, "rkg:product", "rorg:acme-lab"),
         ("ActivityProductProperty", "Class", ESTABLISHED)),
    case("event-model-not-a-model", replace(ESTABLISHED, "rkg:adoptedModel", "rorg:acme-lab"),
         ("ActivityModelProperty", "Class", ESTABLISHED)),
    case("establishment-without-result",
         f"DELETE WHERE {{ {ESTABLISHED} org:resultingOrganization ?o }} ; "
         f"INSERT DATA {{ {ESTABLISHED} rkg:affectedOrganization rorg:acme }}",
         ("ResultingOrganizationProperty", "MinCount", ESTABLISHED)),
    case("dissolution-without-original",
         event("rev:2026-03-acme-lab-dissolved", "rkg:Dissolution", "rkg:affectedOrganization rorg:acme-lab"),
         ("OriginalOrganizationProperty", "MinCount", "rev:2026-03-acme-lab-dissolved")),
    case("merger-without-result",
         event("rev:2026-03-acme-merger", "rkg:Merger", "org:originalOrganization rorg:acme-lab , rorg:acme-ai-group"),
         ("ResultingOrganizationProperty", "MinCount", "rev:2026-03-acme-merger")),
    case("transfer-without-unit",
         event("rev:2026-03-acme-lab-transferred", "rkg:Transfer", "org:resultingOrganization rorg:acme"),
         ("TransferShape-unit", "MinCount", "rev:2026-03-acme-lab-transferred")),
    case("rotation-without-person",
         event("rev:2026-03-acme-rotation", "rkg:Rotation", "rkg:affectedOrganization rorg:acme-lab"),
         ("PersonnelChangeShape-person", "MinCount", "rev:2026-03-acme-rotation")),
    # -- schemes
    case("status-outside-the-scheme", 'INSERT DATA { rkg:rumoured a rkg:EventStatus ; rdfs:label "rumoured"@en }',
         ("EventStatusShape-scheme", "HasValue", "rkg:rumoured")),
    case("measure-outside-the-scheme", 'INSERT DATA { rkg:ebitda a rkg:Measure ; rdfs:label "EBITDA"@en }',
         ("MeasureShape-scheme", "HasValue", "rkg:ebitda")),
    case("token-function-outside-the-scheme", 'INSERT DATA { rkg:sellTokens a rkg:TokenFunction ; rdfs:label "sell tokens"@en }',
         ("TokenFunctionShape-scheme", "HasValue", "rkg:sellTokens")),
    # -- figures
    case("figure-without-number", f"DELETE WHERE {{ {HEADCOUNT} schema:minValue ?min ; schema:maxValue ?max }}",
         ("FigureShape-number", "MinCount", HEADCOUNT)),
    case("figure-with-two-values", f'INSERT DATA {{ {MONEY} schema:value "53000000000"^^xsd:decimal }}',
         ("FigureShape-value", "MaxCount", MONEY)),
    case("figure-with-two-minimums", f'INSERT DATA {{ {HEADCOUNT} schema:minValue "50"^^xsd:decimal }}',
         ("FigureShape-minValue", "MaxCount", HEADCOUNT)),
    case("figure-with-two-maximums", f'INSERT DATA {{ {HEADCOUNT} schema:maxValue "300"^^xsd:decimal }}',
         ("FigureShape-maxValue", "MaxCount", HEADCOUNT)),
    case("figure-range-upside-down", replace(HEADCOUNT, "schema:minValue", '"300"^^xsd:decimal'),
         ("FigureShape-range", "LessThanOrEquals", HEADCOUNT)),
    case("figure-without-measure", f"DELETE WHERE {{ {HEADCOUNT} rkg:measure ?m }}",
         ("FigureShape-measure", "MinCount", HEADCOUNT)),
    case("figure-with-two-measures", f"INSERT DATA {{ {HEADCOUNT} rkg:measure rkg:affectedEmployees }}",
         ("FigureShape-measure", "MaxCount", HEADCOUNT)),
    case("figure-measure-not-a-measure", replace(HEADCOUNT, "rkg:measure", "rkg:ceo"),
         ("FigureShape-measure", "Class", HEADCOUNT)),
    case("figure-flag-not-boolean", replace(HEADCOUNT, "rkg:approximate", '"about"'),
         ("FigureShape-flags", "Datatype", HEADCOUNT)),
    case("figure-with-two-reference-periods", f'INSERT DATA {{ {HEADCOUNT} rkg:referencePeriod "2025"^^xsd:gYear }}',
         ("FigureShape-referencePeriod", "MaxCount", HEADCOUNT)),
    case("figure-reference-period-a-number", replace(HEADCOUNT, "rkg:referencePeriod", '"2026"^^xsd:integer'),
         ("FigureShape-referencePeriod", "Or", HEADCOUNT)),
    case("money-without-currency", f"DELETE WHERE {{ {MONEY} schema:currency ?c }}",
         ("MonetaryAmountShape-currency", "MinCount", MONEY)),
    case("money-with-two-currencies", f'INSERT DATA {{ {MONEY} schema:currency "USD" }}',
         ("MonetaryAmountShape-currency", "MaxCount", MONEY)),
    case("quantity-without-unit", f"DELETE WHERE {{ {HEADCOUNT} schema:unitText ?u }}",
         ("QuantitativeValueShape-unitText", "MinCount", HEADCOUNT)),
    case("quantity-with-two-units", f'INSERT DATA {{ {HEADCOUNT} schema:unitText "people" }}',
         ("QuantitativeValueShape-unitText", "MaxCount", HEADCOUNT)),
    case("quantity-unit-with-language", replace(HEADCOUNT, "schema:unitText", '"employees"@en'),
         ("QuantitativeValueShape-unitText", "Datatype", HEADCOUNT)),
    # -- exchange rates
    case("rate-without-currency", f"DELETE WHERE {{ {RATE} schema:currency ?c }}",
         ("ExchangeRateShape-currency", "MinCount", RATE)),
    case("rate-with-two-currencies", f'INSERT DATA {{ {RATE} schema:currency "HKD" }}',
         ("ExchangeRateShape-currency", "MaxCount", RATE)),
    case("rate-currency-malformed", replace(RATE, "schema:currency", '"RMB yuan"'),
         ("ExchangeRateShape-currency", "Node", RATE), details=[("CurrencyCodeShape", "Pattern")]),
    case("rate-without-target", f"DELETE WHERE {{ {RATE} rkg:targetCurrency ?c }}",
         ("ExchangeRateShape-targetCurrency", "MinCount", RATE)),
    case("rate-with-two-targets", f'INSERT DATA {{ {RATE} rkg:targetCurrency "EUR" }}',
         ("ExchangeRateShape-targetCurrency", "MaxCount", RATE)),
    case("rate-target-malformed", replace(RATE, "rkg:targetCurrency", '"dollars"'),
         ("ExchangeRateShape-targetCurrency", "Node", RATE), details=[("CurrencyCodeShape", "Pattern")]),
    case("rate-between-one-currency", replace(RATE, "rkg:targetCurrency", '"CNY"'),
         ("ExchangeRateShape-distinct", "Disjoint", RATE)),
    case("rate-missing", f"DELETE WHERE {{ {RATE} rkg:rate ?r }}",
         ("ExchangeRateShape-rate", "MinCount", RATE)),
    case("rate-twice", f'INSERT DATA {{ {RATE} rkg:rate "0.15"^^xsd:decimal }}',
         ("ExchangeRateShape-rate", "MaxCount", RATE)),
    case("rate-not-a-decimal", replace(RATE, "rkg:rate", '"0.14"^^xsd:double'),
         ("ExchangeRateShape-rate", "Node", RATE), details=[("NumberValueShape", "Or")]),
    case("rate-not-positive", replace(RATE, "rkg:rate", '"0"^^xsd:decimal'),
         ("ExchangeRateShape-rate", "MinExclusive", RATE)),
    # -- products and disagreements
    case("product-developer-not-an-organization", replace("rprd:acme-chat", "rkg:developedBy", "rper:roe-rick"),
         ("ProductShape-developer", "Class", "rprd:acme-chat")),
    case("disagreement-without-subject", "DELETE WHERE { rdis:acme-ai-group-kind rkg:subject ?s }",
         ("DisagreementShape-subject", "MinCount", "rdis:acme-ai-group-kind")),
    case("disagreement-with-one-claim", "DELETE DATA { rdis:acme-ai-group-kind rkg:claim rdis:acme-ai-group-kind-t001 }",
         ("DisagreementShape-claims", "MinCount", "rdis:acme-ai-group-kind")),
    case("claim-uncited", delete_citation_form("rdis:acme-ai-group-kind-t001", "source"),
         ("CitedSourceProperty", "MinCount", "rdis:acme-ai-group-kind-t001")),
    # -- the typo guard (ontology/typo-guard-shapes.ttl; more cases in tests/test_extension.py)
    case("undeclared-term", "INSERT DATA { rorg:acme-lab rkg:reportsTooo rorg:acme }",
         ("DeclaredTermShape", "SPARQL", "<https://w3id.org/restructuring-kg/ontology>")),
]

#: Legal graphs that must produce no result at all.
GOOD_CASES = [
    case("handover-on-the-same-day", ""),
    case("handover-in-the-same-month-at-month-precision",
         "DELETE WHERE { rmem:doe-jane-ceo-acme-end time:inXSDDate ?d } ; "
         'INSERT DATA { rmem:doe-jane-ceo-acme-end time:inXSDgYearMonth "2026-03"^^xsd:gYearMonth }'),
    case("handover-in-the-same-year-at-year-precision",
         "DELETE WHERE { rmem:doe-jane-ceo-acme-end time:inXSDDate ?d } ; "
         'INSERT DATA { rmem:doe-jane-ceo-acme-end time:inXSDgYear "2026"^^xsd:gYear }'),
    case("interval-ending-in-the-month-it-begins",
         "INSERT DATA { rpl:acme-ai-group-in-acme-interval time:hasEnd rpl:acme-ai-group-in-acme-end . "
         'rpl:acme-ai-group-in-acme-end a time:Instant ; time:inXSDgYearMonth "2026-03"^^xsd:gYearMonth }'),
    case("end-known-only-by-an-upper-bound",
         "INSERT DATA { rpl:acme-ai-group-in-acme-interval time:hasEnd rpl:acme-ai-group-in-acme-end . "
         'rpl:acme-ai-group-in-acme-end a time:Instant ; rkg:notAfter "2026-06"^^xsd:gYearMonth ; '
         'rkg:inferred true ; rkg:inferenceNote "The month of the article that reports the end."@en }'),
    case("open-interval-of-a-single-holder-role-elsewhere",
         "INSERT DATA { rmem:doe-jane-ceo-acme-lab a rkg:RoleMembership ; "
         'rdfs:label "Jane Doe, CEO of Acme Lab"@en ; org:member rper:doe-jane ; org:organization rorg:acme-lab ; '
         f"org:role rkg:ceo ; org:memberDuring rmem:doe-jane-ceo-acme-lab-interval ; {cite()} . "
         "rmem:doe-jane-ceo-acme-lab-interval a time:Interval }"),
    case("two-vice-presidents-at-once",
         "INSERT DATA { rmem:doe-jane-vp-acme a rkg:RoleMembership ; "
         'rdfs:label "Jane Doe, vice president of Acme"@en ; org:member rper:doe-jane ; org:organization rorg:acme ; '
         f"org:role rkg:vicePresident ; org:memberDuring rmem:doe-jane-vp-acme-interval ; {cite()} . "
         "rmem:doe-jane-vp-acme-interval a time:Interval }"),
    case("reporting-chain-without-cycle", reporting_line(EXTRA_RL, "rper:roe-rick", "rper:doe-jane")),
    case("unit-under-two-parents", placement(EXTRA_PL, "rorg:acme-lab", "rorg:acme")),
    case("stated-fact-not-marked-inferred", "INSERT DATA { rmem:roe-rick-ceo-acme-begin rkg:inferred false }"),
    case("beginning-known-only-by-bounds",
         "DELETE WHERE { rmem:doe-jane-ceo-acme-begin time:inXSDgYear ?y } ; "
         'INSERT DATA { rmem:doe-jane-ceo-acme-begin rkg:notBefore "2022"^^xsd:gYear ; rkg:notAfter "2023-06"^^xsd:gYearMonth ; '
         'rkg:inferenceNote "Between the dates of two articles."@en }'),
    case("beginning-known-only-by-a-lower-bound",
         "DELETE WHERE { rmem:doe-jane-ceo-acme-begin time:inXSDgYear ?y } ; "
         'INSERT DATA { rmem:doe-jane-ceo-acme-begin rkg:notBefore "2022"^^xsd:gYear ; '
         'rkg:inferenceNote "After the founding a source dates."@en }'),
]


# -- Fixtures and helpers ------------------------------------------------------------------
#
# The cases run through the default (fast) engine; pySHACL, the reference, gives the same
# reports on every case in one parity pass (test_pyshacl_reports_what_the_fast_engine_reports).
# To keep that pass to a few validations, the cases are validated in chunks: each case is a
# copy of its graph with its own IRIs (the instance IRIs, and undeclared terms, get a suffix
# "~N"), blank nodes and labels, so that no copy meets another, in one data graph per chunk.
# A result belongs to the copy of its focus node (or of its value: the typo guard reports
# on the ontology); each case's results are then compared with what it expects, exactly as
# if it were validated alone (a result leaking from one copy to another would fail the case).

#: Cases in one data graph: pySHACL's SPARQL constraints grow faster than the graph, so a
#: chunk stays small (12 cases: about 0.3 s a case, against 1 s a case alone and 0.9 s in one graph).
CHUNK = 12
INSTANCES = "https://w3id.org/restructuring-kg/id/"


@pytest.fixture(scope="module")
def shapes(shipped_graphs) -> Graph:
    return shipped_graphs.shapes


@pytest.fixture(scope="module")
def ontology(shipped_graphs) -> Graph:
    return shipped_graphs.ontology


def base_graph() -> Graph:
    return changed_graph("")


def changed_graph(update: str) -> Graph:
    """The base graph changed by ``update`` (the validators add the derived day bounds)."""
    graph = Graph().parse(data=TURTLE_PROLOGUE + BASE, format="turtle")
    if update:
        graph.update(PROLOGUE + update)
    return graph


def fast_validate(graph: Graph, shapes: Graph, ontology: Graph):
    """The report of the default engine on ``graph``, as ``kg validate`` makes it (a store of
    the ontology and the data; literals the store rewrites are checked as written)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LoadWarning)  # the cases with a "0.14"^^xsd:double say so
        store = to_store(ontology, graph)
    return validate_store(store, shapes_graph=shapes)


def curie(node) -> str:
    """``node`` as the cases write it: a CURIE, or ``"_:"`` for any blank node."""
    return "_:" if isinstance(node, BNode) else qname(node)


def short(node) -> str:
    text = str(node)
    for prefix in (str(RKGSH), str(SH)):
        text = text.removeprefix(prefix)
    return text.removesuffix("ConstraintComponent")


def found(report) -> Counter:
    return Counter(
        (short(r.source_shape), short(r.source_constraint_component), curie(r.focus_node)) for r in report.results
    )


@dataclass
class Outcome:
    """What a report says of one case: its results as the cases write them, the nested
    ``(shape, component)`` pairs of their ``sh:detail``, their severities and messages."""

    found: Counter = field(default_factory=Counter)
    details: set = field(default_factory=set)
    severities: list = field(default_factory=list)
    messages: list = field(default_factory=list)

    @property
    def conforms(self) -> bool:
        return SH.Violation not in self.severities


class Chunk:
    """Cases as one data graph (see above): ``graph``, and ``owner``, the copy (case index)
    and the term as the case wrote it of every renamed IRI and every blank node."""

    def __init__(self, cases: list[Case], known: set):
        self.cases = cases
        self.graph = Graph()
        self.owner: dict = {}
        for index, case in enumerate(cases):
            self._add(index, changed_graph(case.update), known)

    def _add(self, index: int, graph: Graph, known: set) -> None:
        names: dict = {}

        def rename(term):
            if term not in names:
                new = term
                if isinstance(term, BNode):
                    new = BNode()
                elif isinstance(term, URIRef) and (term.startswith(INSTANCES)
                                                   or (term.startswith(RKG) and term not in known)):
                    new = URIRef(f"{term}~{index}")
                names[term] = new
                if new is not term:
                    self.owner[new] = (index, term)
            return names[term]

        for s, p, o in graph:
            if p in (RDFS.label, SKOS.altLabel) and isinstance(o, Literal):  # names are unique across copies
                o = Literal(f"{o} ~{index}", lang=o.language, datatype=o.datatype)
            else:
                o = rename(o)
            self.graph.add((rename(s), rename(p), o))

    def outcomes(self, report) -> list[Outcome]:
        """What ``report`` (on :attr:`graph`) says of each case, in order."""
        outcomes = [Outcome() for _ in self.cases]
        graph = report.graph
        for result in graph.objects(None, SH.result):
            focus, value = graph.value(result, SH.focusNode), graph.value(result, SH.value)
            index, original = self.owner.get(focus) or (self.owner.get(value, (None,))[0], focus)
            assert index is not None, f"a result on no case's node: {focus} {value}"
            outcome = outcomes[index]
            outcome.found[(short(graph.value(result, SH.sourceShape)),
                           short(graph.value(result, SH.sourceConstraintComponent)), curie(original))] += 1
            outcome.details |= {
                (short(graph.value(d, SH.sourceShape)), short(graph.value(d, SH.sourceConstraintComponent)))
                for d in graph.objects(result, SH.detail)
            }
            outcome.severities.append(graph.value(result, SH.resultSeverity))
            outcome.messages.extend(str(m) for m in graph.objects(result, SH.resultMessage))
        return outcomes


ALL_CASES = [*BAD_CASES, *GOOD_CASES]
CHUNKS = [ALL_CASES[start:start + CHUNK] for start in range(0, len(ALL_CASES), CHUNK)]


class FastChunks:
    """Each chunk's graph and the fast engine's report on it, made when first asked (once
    per test process)."""

    def __init__(self, shapes: Graph, ontology: Graph):
        self.shapes, self.ontology = shapes, ontology
        self.known = {t for g in (shapes, ontology) for triple in g for t in triple if isinstance(t, URIRef)}
        self._done: dict[int, tuple] = {}

    def get(self, number: int) -> tuple[Chunk, object, list[Outcome]]:
        if number not in self._done:
            chunk = Chunk(CHUNKS[number], self.known)
            report = fast_validate(chunk.graph, self.shapes, self.ontology)
            self._done[number] = (chunk, report, chunk.outcomes(report))
        return self._done[number]

    def outcome(self, case: Case) -> Outcome:
        number = next(n for n, chunk in enumerate(CHUNKS) if case in chunk)
        return self.get(number)[2][CHUNKS[number].index(case)]


@pytest.fixture(scope="session")  # the parity pass (slow) runs first, the cases later (conftest)
def fast_chunks(shipped_graphs) -> FastChunks:
    return FastChunks(shipped_graphs.shapes, shipped_graphs.ontology)


# -- The shapes file ---------------------------------------------------------------------

_PARAMETERS = {
    SH.minCount: "MinCount", SH.maxCount: "MaxCount", SH["class"]: "Class", SH.datatype: "Datatype",
    SH.nodeKind: "NodeKind", SH.pattern: "Pattern", SH.languageIn: "LanguageIn", SH.node: "Node",
    SH["or"]: "Or", SH["not"]: "Not", SH["and"]: "And", SH.xone: "Xone", SH.hasValue: "HasValue",
    SH["in"]: "In", SH.disjoint: "Disjoint", SH.equals: "Equals", SH.lessThan: "LessThan",
    SH.lessThanOrEquals: "LessThanOrEquals", SH.minExclusive: "MinExclusive", SH.minInclusive: "MinInclusive",
    SH.maxExclusive: "MaxExclusive", SH.maxInclusive: "MaxInclusive", SH.minLength: "MinLength",
    SH.maxLength: "MaxLength", SH.uniqueLang: "UniqueLang", SH.qualifiedValueShape: "QualifiedValueShape",
    SH.closed: "Closed", SH.sparql: "SPARQL",
}


def operand_shapes(graph: Graph) -> set:
    """Shapes that are only operands of sh:or / sh:and / sh:xone / sh:not (their enclosing constraint reports)."""
    operands = set(graph.objects(None, SH["not"]))
    for logical in (SH["or"], SH["and"], SH.xone):
        for head in graph.objects(None, logical):
            operands.update(Collection(graph, head))
    used_directly = set(graph.objects(None, SH.node)) | set(graph.objects(None, SH.property))
    return {shape for shape in operands if shape not in used_directly and not _targets(graph, shape)}


def _targets(graph: Graph, shape) -> bool:
    return any(
        (shape, target, None) in graph
        for target in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
    )


def constrained_shapes(graph: Graph) -> set:
    """Every shape that has a constraint parameter of its own, but operands."""
    shapes = {s for p in _PARAMETERS for s in graph.subjects(p, None)}
    return shapes - operand_shapes(graph)


def constraints(graph: Graph) -> set[tuple[str, str]]:
    """Every ``(shape, component)`` pair the shapes declare, as the tests name them."""
    return {(short(shape), name) for shape in constrained_shapes(graph) for p, name in _PARAMETERS.items()
            if (shape, p, None) in graph}


def test_shapes_are_named_and_wired(shapes):
    """Every rule is a named shape, so that a report names the rule an analyst must read."""
    assert all(isinstance(shape, URIRef) for shape in constrained_shapes(shapes))
    for shape in set(shapes.objects(None, SH.property)):
        assert (shape, RDF.type, SH.PropertyShape) in shapes and shapes.value(shape, SH.path) is not None, shape
    for shape in set(shapes.objects(None, SH.node)):
        assert (shape, RDF.type, SH.NodeShape) in shapes, shape


def test_every_shape_has_label_comment_and_severity(shapes):
    named = set(shapes.subjects(RDF.type, SH.NodeShape)) | set(shapes.subjects(RDF.type, SH.PropertyShape))
    missing = [
        (short(shape), what)
        for shape in sorted(named)
        for what, prop in (("label", RDFS.label), ("comment", RDFS.comment), ("severity", SH.severity))
        if shapes.value(shape, prop) is None
    ]
    assert missing == []


def test_every_constraint_has_an_english_message(shapes):
    without = []
    for shape in constrained_shapes(shapes):
        own = {p for p in _PARAMETERS if p != SH.sparql and (shape, p, None) in shapes}
        if own and not any(m.language == "en" for m in shapes.objects(shape, SH.message)):
            without.append(short(shape))
        for sparql in shapes.objects(shape, SH.sparql):
            if not any(m.language == "en" for m in shapes.objects(sparql, SH.message)):
                without.append(short(sparql))
    assert sorted(without) == []


def test_sparql_shapes_say_why_core_cannot(shapes):
    for shape in set(shapes.subjects(SH.sparql, None)):
        assert "SHACL-SPARQL" in str(shapes.value(shape, RDFS.comment)), short(shape)
        for sparql in shapes.objects(shape, SH.sparql):
            assert shapes.value(sparql, SH.prefixes) is not None and shapes.value(sparql, SH.select) is not None


def test_severities_are_deliberate(shapes):
    by_severity = {
        severity: sorted(short(s) for s in shapes.subjects(SH.severity, severity))
        for severity in (SH.Warning, SH.Info)
    }
    assert by_severity == {
        SH.Warning: [
            "CitedLocatorWarningProperty",
            "CitedSourceWarningProperty",
            "DuplicateNameShape",
            "NotFromPlanProperty",
            "OrganizationalUnitShape-placement",
        ],
        SH.Info: ["ActivityNotAfterFallbackProperty"],
    }


def test_every_constraint_has_a_bad_case(shapes):
    covered = {(shape, component) for c in BAD_CASES for shape, component, _ in c.expected}
    covered |= {detail for c in BAD_CASES for detail in c.details}
    assert sorted(constraints(shapes) - covered) == []


# -- Validation --------------------------------------------------------------------------------


def test_base_graph_conforms(shapes, ontology):
    report = fast_validate(base_graph(), shapes, ontology)
    assert [(report.rule(r), curie(r.focus_node)) for r in report.results] == []
    assert report.conforms


@pytest.mark.parametrize("bad", BAD_CASES, ids=lambda c: c.id)
def test_bad_case_fires_exactly_its_constraint(bad: Case, shapes, fast_chunks):
    outcome = fast_chunks.outcome(bad)
    assert outcome.found == Counter(bad.expected)
    assert all(outcome.messages) and len(outcome.messages) >= sum(outcome.found.values()), "a result has no message"
    violations = [e for e in bad.expected if shapes.value(RKGSH[e[0]], SH.severity) == SH.Violation]
    assert outcome.conforms == (not violations)


@pytest.mark.parametrize("good", GOOD_CASES, ids=lambda c: c.id)
def test_legal_edge_case_produces_no_result(good: Case, fast_chunks):
    assert fast_chunks.outcome(good).found == Counter()


def test_results_name_the_other_party(shapes, ontology):
    """SPARQL results carry the other node of the defect as their value, and say it."""
    report = fast_validate(changed_graph(dict((c.id, c) for c in BAD_CASES)["two-ceos-at-once"].update), shapes, ontology)
    pairs = {(curie(r.focus_node), curie(r.value)) for r in report.results}
    assert pairs == {(RICK_CEO, JANE_CEO), (JANE_CEO, RICK_CEO)}
    assert all(str(r.value) in r.message for r in report.results)


def test_a_case_gives_the_same_results_alone_as_in_its_chunk(shapes, ontology, fast_chunks):
    """The chunks change nothing: a case with results of several shapes, one with a blank
    focus node and one on the ontology give, validated alone, what their chunk says of them."""
    for name in ("two-ceos-at-once", "blank-node-product", "undeclared-term", "derivation-with-two-locators"):
        case = next(c for c in BAD_CASES if c.id == name)
        alone = fast_validate(changed_graph(case.update), shapes, ontology)
        assert found(alone) == fast_chunks.outcome(case).found, name


def reference_keys(report, chunk: Chunk) -> list[tuple]:
    """Each result of ``report`` on ``chunk`` as severity, focus node, rule, value and
    message; a blank node named by its case."""

    def name(node):
        return ("_:", chunk.owner.get(node, (None,))[0]) if isinstance(node, BNode) else node

    return sorted((r.severity_name, str(name(r.focus_node)), report.rule(r), str(name(r.value)), r.message)
                  for r in report.results)


@pytest.mark.slow
@pytest.mark.parametrize("number", range(len(CHUNKS)),
                         ids=[f"{chunk[0].id}..{chunk[-1].id}" for chunk in CHUNKS])
def test_pyshacl_reports_what_the_fast_engine_reports(number, shapes, ontology, fast_chunks):
    """The parity pass: pySHACL (``kg validate --engine reference``) gives the fast engine's
    report on every case (the same results and messages), each case's expected results, and
    the nested shapes that fail under an ``sh:node`` as the ``sh:detail`` of its result (a
    part of the report only pySHACL writes)."""
    chunk, fast, _ = fast_chunks.get(number)
    reference = validate(chunk.graph, shapes_graph=shapes, ontology_graph=ontology)
    assert reference_keys(reference, chunk) == reference_keys(fast, chunk)
    assert reference.conforms == fast.conforms
    for case, outcome in zip(chunk.cases, chunk.outcomes(reference)):
        assert outcome.found == Counter(case.expected), case.id
        assert set(case.details) <= outcome.details, case.id


# -- The shipped data ------------------------------------------------------------------------------


def test_every_typed_node_of_the_data_is_checked(shipped_graphs):
    """A node shape per class: every typed node of the data is the target of some node shape
    (qualified derivations through ``sh:node`` from the citing node)."""
    union = shipped_graphs.ontology + shipped_graphs.data
    targeted = set(shipped_graphs.shapes.objects(None, SH.targetClass))
    derivations = set(shipped_graphs.data.objects(None, PROV.qualifiedDerivation))
    unchecked = sorted({
        curie(cls)
        for node, cls in shipped_graphs.data.subject_objects(RDF.type)
        if node not in derivations
        and not any(targeted & set(union.transitive_objects(c, RDFS.subClassOf)) for c in union.objects(node, RDF.type))
    })
    assert unchecked == []


def test_shipped_data_conforms(shipped_graphs):
    """With the default engine (pySHACL gives the same report: tests/test_fast.py)."""
    assert shipped_graphs.shapes is not None, "ontology/shapes.ttl is missing"
    report = fast_validate(shipped_graphs.data, shipped_graphs.shapes, shipped_graphs.ontology)
    assert [(report.rule(r), curie(r.focus_node), r.message) for r in report.violations] == []
    assert report.conforms


def test_the_typo_guard_uses_only_sparql_that_shacl_allows(shipped_project):
    # its inner SELECT returns $this: without it, SHACL forbids the query (W3C test unsupported-sparql-004)
    from kg.errors import ShapesError
    from kg.validate import check_sparql

    path = shipped_project.root / "ontology" / "typo-guard-shapes.ttl"
    guard = Graph().parse(path, format="turtle")
    check_sparql(guard)
    select = next(guard.objects(None, SH.select))
    assert "SELECT DISTINCT $this ?value WHERE" in select
    old = str(select).replace("SELECT DISTINCT $this ?value WHERE", "SELECT DISTINCT ?value WHERE")
    guard.set((next(guard.subjects(SH.select, select)), SH.select, type(select)(old)))
    with pytest.raises(ShapesError, match="DeclaredTermShape.*sub-query that does not return \\$this"):
        check_sparql(guard)


# -- The shapes and the queries read intervals by one rule ---------------------------------------

#: The as-of test every as-of query makes (queries/README.md), for the intervals with an end.
HOLDS_ON = Query.from_text('''
#+ summary: The intervals with an end that hold on a date
#+ params:
#+   - name: date
#+     type: date
PREFIX rkg: <https://w3id.org/restructuring-kg/ontology#>
PREFIX time: <http://www.w3.org/2006/time#>
SELECT DISTINCT ?interval WHERE {
  ?interval time:hasEnd ?end .
  FILTER NOT EXISTS { ?interval rkg:holdsFrom ?from FILTER (?from > ?dateLast) }
  FILTER NOT EXISTS { ?interval rkg:holdsUntil ?to FILTER (?to < ?dateFirst) }
} ORDER BY ?interval''')


def _random_position(rng: random.Random) -> str:
    year = rng.choice([2025, 2026])
    month = rng.randint(1, 12)
    day = rng.randint(1, 28)
    form = rng.choice(["day", "day", "month", "year", "notAfter", "notBefore", "bounds"])
    if form == "day":
        return f'time:inXSDDate "{year}-{month:02d}-{day:02d}"^^xsd:date'
    if form == "month":
        return f'time:inXSDgYearMonth "{year}-{month:02d}"^^xsd:gYearMonth'
    if form == "year":
        return f'time:inXSDgYear "{year}"^^xsd:gYear'
    if form == "notAfter":
        return f'rkg:notAfter "{year}-{month:02d}"^^xsd:gYearMonth'
    if form == "notBefore":
        return f'rkg:notBefore "{year}-{month:02d}-{day:02d}"^^xsd:date'
    return f'rkg:notBefore "{year}-{month:02d}"^^xsd:gYearMonth ; rkg:notAfter "{year}"^^xsd:gYear'


def test_the_shape_flags_exactly_the_intervals_that_hold_on_no_day(shapes, ontology):
    """Random intervals, their beginning and end each a day, a month, a year or bounds: the
    shape reports an interval exactly when the queries' as-of test finds no day it holds on."""
    rng = random.Random(14)
    turtle = [TURTLE_PROLOGUE]
    for n in range(80):
        turtle.append(f"rmem:i{n} a time:Interval ; time:hasBeginning rmem:b{n} ; time:hasEnd rmem:e{n} .\n"
                      f"rmem:b{n} a time:Instant ; {_random_position(rng)} ; rkg:inferenceNote \"x\"@en .\n"
                      f"rmem:e{n} a time:Instant ; {_random_position(rng)} ; rkg:inferenceNote \"x\"@en .\n")
    graph = Graph().parse(data="".join(turtle), format="turtle")
    report = validate(graph, shapes_graph=shapes, ontology_graph=ontology)  # it derives the days itself
    graph += day_bounds(graph)  # as the build does, for the queries
    flagged = {curie(r.focus_node) for r in report.results
               if short(r.source_shape) == "ClosedIntervalShape-endNotBeforeBeginning"}

    store = to_store(graph)
    holding = set()
    day = datetime.date(2024, 12, 1)
    while day <= datetime.date(2027, 1, 31):
        holding |= {qname(row["interval"]) for row in run_query(HOLDS_ON, store, params={"date": day})}
        day += datetime.timedelta(days=1)
    intervals = {f"rmem:i{n}" for n in range(80)}
    assert flagged == intervals - holding
    assert 5 < len(flagged) < 75  # both kinds are drawn

"""The fast validator runs a SPARQL constraint's plain ``FILTER NOT EXISTS`` as an
``OPTIONAL`` and a ``!BOUND`` test (Oxigraph plans ``NOT EXISTS`` badly; see
:func:`kg.fast.validate._not_exists_as_optional`): the results stay pySHACL's, in the cases
where substitution and a join could differ."""

from __future__ import annotations

import re

import pytest

from tests.test_fast import both, result_keys

DATA = """
ex:a ex:p ex:x1 . ex:x1 ex:r ex:y1 . ex:a ex:q ex:y1 .
ex:b ex:p ex:x2 . ex:x2 ex:r ex:y2 . ex:b ex:q ex:y9 .
ex:c ex:p ex:x3 . ex:x3 ex:r ex:y3 .
ex:d ex:p ex:x4 .
ex:e ex:p ex:e .
"""


@pytest.mark.parametrize("select, failing", [
    # plain triples with $this and a variable of the group
    ("SELECT $this ?value WHERE { $this ex:p ?value FILTER NOT EXISTS { ?value ex:r ?any } }", ["d", "e"]),
    # a variable an OPTIONAL left unbound is free inside NOT EXISTS (c: no ex:q)
    ("SELECT $this WHERE { $this ex:p ?x OPTIONAL { $this ex:q ?y } FILTER NOT EXISTS { ?x ex:r ?y } }", ["b", "d", "e"]),
    # a sequence path, and the filter written before the patterns it needs
    ("SELECT $this WHERE { FILTER NOT EXISTS { $this ex:p/ex:r ?y . $this ex:q ?y } $this ex:p ?x }", ["b", "c", "d", "e"]),
    # two filters, and one inside an OPTIONAL (left as written)
    ("SELECT $this WHERE { $this ex:p ?x FILTER NOT EXISTS { ?x ex:r ?y } "
     "OPTIONAL { $this ex:q ?q FILTER NOT EXISTS { ?q ex:r ?z } } FILTER NOT EXISTS { $this ex:q ?w } }", ["d", "e"]),
    # a path of length zero matches a term that is not in the data: not rewritten
    ("SELECT $this WHERE { $this ex:p ?x FILTER NOT EXISTS { ?x ex:r* ex:y1 } }", ["b", "c", "d", "e"]),
    # a nested FILTER: not rewritten
    ("SELECT $this WHERE { $this ex:p ?x FILTER NOT EXISTS { ?x ex:r ?y FILTER (?y = ex:y2) } }", ["a", "c", "d", "e"]),
])
def test_not_exists_gives_pyshacl_s_results(select, failing):
    select = re.sub(r"ex:(\w+)", r"<https://example.org/\1>", select)
    shapes = f'ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:p ; sh:sparql [ sh:select """{select}""" ] .'
    fast, reference, data = both(DATA, shapes)
    assert sorted({str(r.focus_node).rsplit("/", 1)[1] for r in fast.results}) == failing
    assert result_keys(fast, data) == result_keys(reference, data)
    assert not fast.notes  # run by the fast engine itself

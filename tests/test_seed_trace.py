"""The shipped seed fixtures pass every seed-trace check in `tests/seed_trace.py`.

Each kind of check is one test, so a failure names what kind of untraced fact it found.
`test_seed_trace_mutations.py` proves that each of these checks can fail.
"""

import pytest

from tests import seed_trace

FIXTURES = seed_trace.Fixtures.load()


@pytest.mark.parametrize("kind", seed_trace.KINDS)
def test_every_fact_of_this_kind_traces_to_its_seed(kind):
    problems = seed_trace.check(FIXTURES, kind)
    assert not problems, "\n".join(map(str, problems))


def test_each_quoted_span_is_seed_text():
    """The spans written in SOURCE_STUDIES are the seeds' own words, not paraphrases."""
    for slug, trace in seed_trace.SOURCE_STUDIES.items():
        text = seed_trace.seed_text(trace.seed)
        header = trace.header()
        for name, fact in trace.bibliography.items():
            assert fact.quote in header, (slug, name)
            if fact.value is not None:
                assert seed_trace.has_token(fact.quote, fact.value), (slug, name)
        assert trace.holds[1] in text, (slug, "holdings")
        for spans in (trace.countries, trace.sample_size, trace.learner_levels, trace.designs):
            for value, quote in spans.items():
                assert quote in text, (slug, value, quote)

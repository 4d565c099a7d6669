"""The edge's quick look at a JSON body never misses what decoding it would find."""

import json

from hypothesis import given
from hypothesis import strategies as st

from metropoli.common.middleware import JSON_REFUSED, _json_strings, _may_escape_refused

# Any text, lone surrogates and every control character included.
texts = st.text(alphabet=st.characters(codec=None, min_codepoint=0, max_codepoint=0x10FFFF))
documents = st.recursive(
    st.none() | st.booleans() | st.integers() | texts,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
    max_leaves=12,
)


def refused(body: bytes) -> bool:
    return any(JSON_REFUSED.search(text) for _, text in _json_strings(json.loads(body)))


@given(documents, st.booleans())
def test_a_body_the_quick_look_lets_through_holds_no_refused_character(document, ascii_only):
    try:
        body = json.dumps(document, ensure_ascii=ascii_only).encode("utf-8")
    except UnicodeEncodeError:  # a raw lone surrogate cannot even be sent as UTF-8
        return
    if refused(body):
        assert _may_escape_refused(body)


def test_each_way_of_writing_a_refused_character_is_seen():
    for text in (r'"\b"', r'"\f"', r'"\u0000"', r'"\u001F"', r'"\u007f"', r'"\uD800"', '"\x7f"'):
        assert _may_escape_refused(text.encode()), text
    assert _may_escape_refused("{}".encode("utf-16"))  # json.loads reads UTF-16 as well
    ordinary = '{"sensordatavalues": [{"value_type": "SDS_P1", "value": "12.3"}], "t": "a\\n"}'
    assert not _may_escape_refused(ordinary.encode())

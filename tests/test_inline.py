"""The quick inline pass gives Python-Markdown's HTML byte for byte, and steps aside when
an extension adds an inline pattern it does not know."""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

import markdown
import pytest
from markdown.extensions import Extension
from markdown.inlinepatterns import SimpleTagInlineProcessor
from portal.mkdocs.inline import QuickInlineExtension, triggers_of

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

EXTENSIONS = ["toc", "admonition", "attr_list", "def_list", "tables"]  # the example site's

EVERY_INLINE = """\
# A heading {#custom-id}

Plain prose with no markup at all, and a second sentence.

Code `x = 1` and ``double `tick` code``, an escaped \\*star\\* and a back\\\\slash.
A [link](https://example.org "title"), a [reference][ref], a [short reference] and an
![image](pic.png){: .wide } and ![image reference][ref].
An <https://example.org/auto> link, a <someone@example.org> address, <span class="x">html</span>,
an &amp; entity, &#169; and &copy;, a hard break here  
and *em*, **strong**, ***both***, _em_, __strong__, snake_case_word, 2 * 3 * 4 and a lone * star.
Angle < brackets > and a bare & ampersand.

[ref]: https://example.org/ref
[short reference]: https://example.org/short

!!! note "An admonition"
    With *emphasis* inside and `code`.

Term
:   A definition with a [link](https://example.org).

| Column | Other |
|--------|-------|
| *a*    | b & c |

## Second heading with `code` and *emphasis*

- list item with **bold**
- plain list item

> A quote with _emphasis_
> across lines.

    indented code with *stars* and <tags>
"""


def convert(text: str, extensions: list) -> str:
    return markdown.Markdown(extensions=extensions).convert(text)


def test_every_inline_construct_converts_exactly_as_without_the_shortcut():
    quick = convert(EVERY_INLINE, [*EXTENSIONS, QuickInlineExtension()])
    assert quick == convert(EVERY_INLINE, EXTENSIONS)
    for made in ("<code>x = 1</code>", '<a href="https://example.org/ref">reference</a>',
                 "<br />", "<em>em</em>", "<strong>strong</strong>", "&amp; entity",
                 '<a href="&#', 'id="custom-id"'):
        assert made in quick  # the constructs were really there to convert


def test_the_example_site_and_a_benchmark_corpus_convert_exactly_as_without_it():
    from corpus import body

    texts = [path.read_text(encoding="utf-8") for path in sorted((ROOT / "content").rglob("*.md"))]
    rng = random.Random(7)
    texts += [body(rng, 3000) for _ in range(5)]
    for text in texts:
        assert convert(text, [*EXTENSIONS, QuickInlineExtension()]) == convert(text, EXTENSIONS)


class _Marks(Extension):
    """An inline pattern the shortcut does not know: ==marked==."""

    def extendMarkdown(self, md):  # noqa: N802
        md.inlinePatterns.register(SimpleTagInlineProcessor(r"()==(.+?)==", "mark"), "mark", 65)


def test_an_unknown_inline_pattern_turns_the_shortcut_off():
    text = "Some ==marked== words with no standard markup."
    assert "<mark>marked</mark>" in convert(text, [_Marks(), QuickInlineExtension()])
    assert triggers_of(markdown.Markdown(extensions=[_Marks()]).inlinePatterns) is None


def test_the_triggers_of_the_standard_patterns_are_known():
    triggers = triggers_of(markdown.Markdown(extensions=EXTENSIONS).inlinePatterns)
    assert triggers is not None
    assert set(triggers) >= {"`", "\\", "[", "![", "<", "&", "  \n", "*", "_"}


@pytest.mark.parametrize("mark", ["`", "\\", "[", "<", "&", "*", "_"])
def test_a_run_of_text_with_any_trigger_is_still_converted(mark):
    text = {"`": "a `b` c", "\\": "a \\*b\\* c", "[": "a [b](c) d", "<": "a <b>c</b> d",
            "&": "a &copy; b", "*": "a *b* c", "_": "a _b_ c"}[mark]
    quick = convert(text, [QuickInlineExtension()])
    assert quick == convert(text, [])
    assert re.search(r"<(code|em|a|b)\b|&copy;|\*b\*", quick)

"""A faster, exact, inline pass for Python-Markdown.

Python-Markdown tries each of its inline patterns (code, links, emphasis, inline HTML...)
on every run of text, and most of a report's paragraphs hold none of them: at 5,000
reviews that was a quarter of all Markdown time. Every standard pattern needs a
character of its own (a backtick, a bracket, ``<``, ``&``, ``*``...) before it can
match, so a run of text holding none of them is left exactly as the patterns would
leave it, without trying them.

The shortcut is taken only while every registered pattern is one whose trigger is known
here: an extension that adds any other inline pattern turns it off, and Markdown runs as
it always does. The output is the same byte for byte either way (tests/test_inline.py).
"""

from __future__ import annotations

from markdown import Markdown, inlinepatterns
from markdown.extensions import Extension
from markdown.treeprocessors import InlineProcessor

_TRIGGERS = {
    inlinepatterns.BACKTICK_RE: ("`",),
    inlinepatterns.ESCAPE_RE: ("\\",),
    inlinepatterns.LINK_RE: ("[",),            # links, references, short references
    inlinepatterns.IMAGE_LINK_RE: ("![",),     # images and image references
    inlinepatterns.AUTOLINK_RE: ("<",),
    inlinepatterns.AUTOMAIL_RE: ("<",),
    inlinepatterns.HTML_RE: ("<",),
    inlinepatterns.ENTITY_RE: ("&",),
    inlinepatterns.LINE_BREAK_RE: ("  \n",),
}
"""What each standard pattern's text must contain for the pattern to match."""


def triggers_of(patterns) -> tuple[str, ...] | None:
    """Every string one of ``patterns`` needs in a text to match it, or None if a pattern
    is not a standard one (then every text is tried as usual)."""
    needed: set[str] = set()
    for pattern in patterns:
        if type(pattern) is inlinepatterns.DelimiterProcessor:
            needed.update(pattern.tokens)  # its expression is the tokens' alternation
        elif type(pattern).__module__ == inlinepatterns.__name__ and pattern.pattern in _TRIGGERS:
            needed.update(_TRIGGERS[pattern.pattern])
        else:
            return None
    return tuple(sorted(needed))


class _QuickInlineProcessor(InlineProcessor):
    _triggers: tuple[str, ...] | None = None

    def run(self, tree, ancestors=None):
        self._triggers = triggers_of(self.inlinePatterns)
        return super().run(tree, ancestors)

    # InlineProcessor calls its private __handleInline for each run of text.
    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:  # noqa: N802
        triggers = self._triggers
        if triggers is not None and not any(trigger in data for trigger in triggers):
            return data  # no pattern can match: what trying them all would return
        return InlineProcessor._InlineProcessor__handleInline(self, data, patternIndex)


class QuickInlineExtension(Extension):
    """Listed last among the Markdown extensions (the portal plugin adds it)."""

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Python-Markdown's name
        # Only where no other extension has replaced the inline pass; at Python-Markdown's
        # own place for it (20).
        if type(md.treeprocessors["inline"]) is InlineProcessor:
            md.treeprocessors.register(_QuickInlineProcessor(md), "inline", 20)

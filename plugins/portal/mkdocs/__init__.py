"""Thin MkDocs adapters around the portal's core: each plugin translates MkDocs events
into calls to ``portal.project`` and ``portal.core`` and back."""

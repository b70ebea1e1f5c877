"""Whether a widget or screen is on its way out of the DOM, for code that resumes after an
await (a worker after a read or a debounce, a form's deferred mounting)."""

from __future__ import annotations

from textual.dom import DOMNode


def being_removed(node: DOMNode) -> bool:
    """True once `node` is detached or being removed. While Textual removes a screen it is
    still attached, its children already gone: it marks every node of a removal `_pruning`
    at once, before it removes any of them."""
    return not node.is_attached or node._pruning or node._closing

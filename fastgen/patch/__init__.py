"""Minimal, idempotent edits of files people own, made with libcst.

Each patch takes source text and returns a `PatchResult` value: the new text when it changed
something, the same text when its change is already there, or a conflict (with the snippet to
paste by hand) when the code it targets is no longer recognisable. Patches never raise for
hand-edited input and never reformat code they do not touch.

The wiring patches import libcst only for input they cannot handle line by line
(`fastgen.patch.lines`); `fastgen.patch.merge` always needs it and is imported by its users.
"""

from fastgen.patch.main_app import include_router
from fastgen.patch.registry import register_model_module
from fastgen.patch.result import PatchResult

__all__ = ["PatchResult", "include_router", "register_model_module"]

"""Tags from a declared taxonomy: a safe rule language, the tag engine and audiences."""

from ._syntax import RuleSyntaxError, parse_rule

__all__ = ["RuleSyntaxError", "parse_rule"]

"""Tags from a declared taxonomy: a safe rule language, the tag engine and audiences."""

from ._audience import Audience, select
from ._engine import TagCoverage, TagRuleEngine, default_taxonomy_path
from ._spec import Tag, TagSpecError, read_tags, validate_tags
from ._syntax import RuleError, RuleSyntaxError, parse_rule

__all__ = [
    "Audience",
    "RuleError",
    "RuleSyntaxError",
    "Tag",
    "TagCoverage",
    "TagRuleEngine",
    "TagSpecError",
    "default_taxonomy_path",
    "parse_rule",
    "read_tags",
    "select",
    "validate_tags",
]

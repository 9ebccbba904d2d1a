"""Tags from a declared taxonomy: a safe rule language, the tag engine and audiences."""

from ._audience import Audience, select
from ._coverage import TagCoverage
from ._engine import TagRuleEngine, default_taxonomy_path
from ._errors import RuleArithmeticWarning, SkippedTagsWarning, TagSpecError
from ._fields import Tag
from ._spec import read_tags, validate_tags
from ._syntax import RuleError, RuleSyntaxError, parse_rule

__all__ = [
    "Audience",
    "RuleArithmeticWarning",
    "RuleError",
    "RuleSyntaxError",
    "SkippedTagsWarning",
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

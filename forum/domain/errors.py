"""The one error a domain rule raises."""


class RuleError(Exception):
    """The state forbids the action; the message is a sentence a person understands."""

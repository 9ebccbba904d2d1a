"""The warning of persona models: what was left out, merged or chosen on the edge."""


class PersonaWarning(UserWarning):
    """Warning about a persona model: features left out, clusters merged, a count on the edge.

    Examples
    --------
    >>> import warnings
    >>> from userpersona import PersonaWarning
    >>> warnings.simplefilter("error", PersonaWarning)  # make it an error
    >>> warnings.resetwarnings()
    """

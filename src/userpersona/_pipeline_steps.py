"""The fitted estimator of each step of a profile pipeline, for the parts that read it.

A step of :func:`~userpersona.make_profile_pipeline` is a union of
``("table", "passthrough")`` and ``(name, estimator)``, so that the table
passes through and the estimator adds its columns: the estimator stands for the
step. The report, the privacy requests and the monitor all look steps up so.
"""

from sklearn.pipeline import FeatureUnion


def fitted_steps(pipeline):
    """Step name -> estimator, in the order of ``pipeline``'s steps; {} without steps.

    A union's estimator is its last member that is not a string (``"passthrough"``
    or ``"drop"``); a step without one is left out. Any other step is its own
    estimator.
    """
    steps = {}
    for name, step in getattr(pipeline, "named_steps", {}).items():
        if isinstance(step, FeatureUnion):
            inner = [member for _, member in step.transformer_list
                     if not isinstance(member, str)]
            step = inner[-1] if inner else None
        if step is not None:
            steps[name] = step
    return steps

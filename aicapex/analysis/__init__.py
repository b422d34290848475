"""Analyses on the flows table: burn, runway (on the cash engine), the compute gap, arrears.

Each module holds one idea and returns a :class:`~aicapex.analysis.result.Result`; the functions
are re-exported at the top level (``aicapex.burn``, ``aicapex.runway``, ...). They take data and
return data; rendering lives in :mod:`aicapex.render` and the CLI. Shared arguments and grid
helpers are in :mod:`aicapex.analysis.common`; the cash simulation in :mod:`aicapex.analysis.cash`.
"""

"""Analyses on the flows table: flows, burn, runway, the compute gap and arrears.

Each module holds one idea; the functions are re-exported at the top level (``aicapex.burn``,
``aicapex.runway``, ...). They take data and return data; printing lives in the CLI.
"""

"""National environmental standards as code: pure, versioned, each function citing its clause.

Nothing here imports Django or touches files; functions take and return Polars frames (or plain values
for one-off calls). A standard edition is data (its tables, shipped beside the code) plus its rules.
"""

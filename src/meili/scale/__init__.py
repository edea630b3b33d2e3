"""Scale-out: the same standards kernels on Apache Spark over a Parquet lake (docs/scale-out.md).

Nothing here implements a rule. :mod:`meili.scale.air` splits the work by site (and by group for ``--sites``)
and hands each piece, as an Arrow table, to the very functions the local ``meili air`` commands call;
:mod:`meili.scale.session` starts Spark (or says in one line why it cannot). PySpark is the optional extra
``meili[spark]`` and is imported only when the Spark engine is chosen.
"""

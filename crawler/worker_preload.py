"""Imported once by the forkserver of the extraction pool, before it forks any worker.

It loads what every worker needs and never changes: the language model (py3langid,
about 75 MB, mostly numpy arrays) and the club gazetteer. Loaded here, each worker
starts with them already in memory and shares their pages with its siblings
copy-on-write; loaded in each worker (its ``initializer``), every worker holds a private
copy. See :func:`crawler.processing._executor`.
"""
from crawler.processing import _warm

_warm()

# Move everything loaded so far out of the garbage collector's sight: a collection in a
# worker would otherwise write to the header of every one of these objects and so copy
# the pages that hold them (Python's documented advice for forking servers, gc.freeze)
import gc  # noqa: E402

gc.freeze()

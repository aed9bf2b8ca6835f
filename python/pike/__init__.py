"""pike from Python: the same pipeline as `pike-opt` (export, import, partition,
search or tuning-database replay, AOT package), returning a module that calls the
package.

    import pike
    fast = pike.compile(model, example_inputs)                 # shipped tuning db, no GPU needed
    fast = pike.compile(model, example_inputs, search=True)    # search on this machine's GPU
    y = fast(*example_inputs)
    again = pike.load(fast.package_dir)                        # a package written earlier
"""
from .api import PikeError, PikeModule, compile, load  # noqa: F401

__all__ = ["compile", "load", "PikeModule", "PikeError"]

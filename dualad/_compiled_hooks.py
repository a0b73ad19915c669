"""Where vmap hands a batch to the compiled path (filled in by dualad._batch)."""


def compiled_vmap(vm, args, mapped, batch):
    """Run ``vm`` as one compiled loop if its function allows; else NotImplemented."""
    try:
        from ._batch import compiled_vmap as run
    except ImportError:
        return NotImplemented
    return run(vm, args, mapped, batch)

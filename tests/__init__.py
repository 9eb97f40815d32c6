"""The tests of restructuring-kg: a package, so that its modules import each other as ``tests.*``
under plain ``pytest`` and ``python -m pytest`` alike."""

"""The ``rewardkit`` command line: one module per command group."""

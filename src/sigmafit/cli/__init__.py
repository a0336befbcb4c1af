"""The ``sigmafit`` command line; one module per verb, dispatched by :mod:`sigmafit.cli.main`."""

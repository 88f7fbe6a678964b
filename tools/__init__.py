"""The tools: what reads a render and the catalogue after the program has run (check, diff, verify,
preflight, cost, report, the generated reference tables) and the ``estate`` command line."""

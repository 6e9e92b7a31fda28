"""The built-in contract suite: `intercom-contracts run`, the same as `pytest --pyargs contracts.suite`.

Every test is parametrized region x version by the plugin and declares the checks it judges.
"""

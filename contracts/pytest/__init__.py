"""The pytest plugin's parts: `contracts/plugin.py` holds the hooks alone and calls into these modules.

- `state`: the one typed object a run keeps in pytest's config stash, and what it resolves lazily (contracts,
  versions, operations, the recording's tests);
- `options`: command-line options, ini keys and markers;
- `fixtures`: the fixtures a test asks for;
- `xdist`: what a test's report carries from an xdist worker to the controller (one typed payload);
- `outcomes`: failures shown as the toolkit wrote them, reports redacted, reports turned into check results;
- `writers`: everything written when the session ends (HAR, upgrade report, JSON, HTML, step summary, terminal).

Inside this package `import pytest` is pytest itself (imports are absolute). Nothing heavy is imported at module
level: the plugin is loaded by every pytest run of a project that has the toolkit installed.
"""

"""``estate diff``: what a change does to the estate, without credentials or state.

The estate is rendered offline twice: at the base revision, in a temporary ``git worktree`` where the
base's own code renders itself (``python -m tools.cli preview --format json``, ``infra.cli`` in older
revisions, run there with the current virtualenv), and at the working tree. The two renders (the engine's JSON contract) are
compared by URN:

- resources added, removed and changed, with property-level changes (camelCase inputs, as a policy
  and the engine see them); JSON documents held in strings (IAM and bucket policies) are compared
  key by key, and dashboard bodies widget by widget;
- **dangerous** changes, listed first: the deletion of a protected or stateful resource, the
  replacement of one (a change to a property that forces replacement: the catalogue's
  ``replace_on``, data/catalogue/resources.py), and the loss of ``protect``. A renamed bucket is a deletion plus a creation: its data does not
  follow;
- policy results before and after (the pack's in-process runner on both renders), new violations
  first.

Exit codes (``DiffResult.exit_code``): 0 no change, 1 changes, 3 dangerous changes, 2 bad input.
The markdown (a pull-request comment) stays under GitHub's 65,536 characters by trimming detail,
never the summary, the danger list or the new violations.

In the reviewer's terms: the stack-file changes as key paths (``estate.services[tms-sync-eb].thresholds.cpu.warning:
70 → 60``), each followed by the resources it changed; resources grouped by owner (service or component)
and family; Elastic Beanstalk options by namespace and name; long strings as a compact diff of the changed
part; dashboard widgets by identity (type, title, the services they plot); a service added or removed in one
line; stack outputs that change.

The package, by job: ``base`` (rendering a revision in a git worktree), ``compare`` (two renders
compared, dangers, policy results), ``stackfile`` (the stack file's change as key paths), ``ownership``
(a resource's service or component, and family), ``attribution`` (key changes to resources, services,
outputs), ``widgets`` (dashboard widgets by identity), ``textdiff`` (long values by their changed part),
``result`` (what the comparison holds) and ``output``/``output_text`` (the pull-request markdown, text).
"""

from tools.diff.base import BaseRender, DiffError, render_at_ref, render_with_cli
from tools.diff.compare import REPLACE_ON_CHANGE, STATEFUL_TYPES, compare_dashboards, diff_renders, policy_diff
from tools.diff.output import COMMENT_LIMIT, to_markdown, to_text
from tools.diff.result import (
    BAD_INPUT, CHANGED, DANGEROUS, NO_CHANGE, Change, DiffResult, KeyChange, PolicyDiff, ResourceDiff, ServiceChange,
)
from tools.diff.stackfile import stack_file_changes, stack_text_at_ref

__all__ = [
    "BAD_INPUT", "CHANGED", "COMMENT_LIMIT", "DANGEROUS", "NO_CHANGE", "REPLACE_ON_CHANGE", "STATEFUL_TYPES", "BaseRender", "Change",
    "DiffError", "DiffResult", "KeyChange", "PolicyDiff", "ResourceDiff", "ServiceChange", "compare_dashboards", "diff_renders",
    "policy_diff", "render_at_ref", "render_with_cli", "stack_file_changes", "stack_text_at_ref", "to_markdown", "to_text",
]

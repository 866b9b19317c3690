# cloudsplaining 0.9.1 scan_policy (what scan-policy-file prints) for each policy file.
import json, os, sys
from cloudsplaining.command.scan_policy_file import scan_policy
from cloudsplaining.shared.constants import DEFAULT_EXCLUSIONS_CONFIG
d, out_path, flag = sys.argv[1], sys.argv[2], sys.argv[3] == "all"
out = {}
for f in sorted(os.listdir(d)):
    p = json.load(open(os.path.join(d, f)))
    try:
        r = scan_policy(p, DEFAULT_EXCLUSIONS_CONFIG, flag_conditional_statements=flag, flag_resource_arn_statements=flag)
    except Exception as e:
        out[f] = {"error": repr(e)}
        continue
    out[f] = {
        "PrivilegeEscalation": sorted(x["type"] for x in r["PrivilegeEscalation"]["findings"]),
        "DataExfiltration": sorted(r["DataExfiltration"]["findings"]),
        "ResourceExposure": sorted(r["ResourceExposure"]["findings"]),
        "ServiceWildcard": sorted(r["ServiceWildcard"]["findings"]),
        "CredentialsExposure": sorted(r["CredentialsExposure"]["findings"]),
        "InfrastructureModification": sorted(r["InfrastructureModification"]["findings"]),
    }
json.dump(out, open(out_path, "w"))

# Compares our expansion and findings with the references' on a folder of policy files.
# python3 compare.py <policy_sentry binary> <folder> <ps_expand.json> <cs_default.json> <cs_all.json>
# (the JSON inputs are written by ps_expand.py and cs_scan.py; see README.md).
# Each difference is attributed to one of the documented rules, or printed as "unexplained".
import json, os, subprocess, sys, collections
B = sys.argv[1]; corpus = sys.argv[2]; ps = json.load(open(sys.argv[3]))
csd = json.load(open(sys.argv[4])); csa = json.load(open(sys.argv[5]))
files = sorted(os.listdir(corpus))
# 1. Expansion vs policy_sentry determine_actions_to_expand (Allow statements with Action).
EXPANDED = {}
stmts = same = 0; diffs = collections.Counter(); examples = {}
for f in files:
    out = subprocess.run([B, "expand-policy", "--policy", os.path.join(corpus, f)], capture_output=True, text=True)
    ours = json.loads(out.stdout)
    st = ours["Statement"]; st = st if isinstance(st, list) else [st]
    EXPANDED[f] = st
    for i, theirs in enumerate(ps[f]):
        if theirs is None: continue
        stmts += 1
        a = {x.lower() for x in st[i]["Action"]}; b = {x.lower() for x in theirs}
        if a == b: same += 1; continue
        only_ours = a - b; only_theirs = b - a
        kind = []
        if any(':' in x and '*' in x.split(':',1)[0] or x == '*' for x in only_theirs): kind.append("service-part wildcard kept unexpanded by policy_sentry")
        if any('?' in x and '*' not in x for x in only_theirs): kind.append("'?' without '*' kept unexpanded by policy_sentry")
        if any(':' in x and x.split(':',1)[0] != x.split(':',1)[0].lower() for x in theirs): kind.append("service prefix not in lowercase: policy_sentry does not expand it")
        if not kind: kind.append("other")
        for k in kind: diffs[k] += 1; examples.setdefault(k, (f, sorted(only_ours)[:4], sorted(only_theirs)[:4]))
print(f"expansion: {same}/{stmts} Allow statements identical")
for k, n in diffs.items(): print(f"  {n} differ: {k}; e.g. {examples[k]}")
# 2. Findings vs cloudsplaining scan_policy.
def ours_findings(flag):
    args = [B, "analyze", "policy-dir", "--input-dir", corpus, "--fmt", "json"] + (["--flag-all-risky-actions"] if flag else [])
    out = subprocess.run(args, capture_output=True, text=True)
    res = {}
    for r in json.loads(out.stdout):
        f = os.path.basename(r["policy"]); fi = r["findings"]
        res[f] = {
            "PrivilegeEscalation": sorted(m["method"] for m in fi["PrivilegeEscalation"]["methods"]),
            "ServiceWildcard": fi["ServiceWildcard"]["services"],
            **{c: fi[c]["actions"] for c in ["DataExfiltration", "ResourceExposure", "CredentialsExposure", "InfrastructureModification"]},
            "_allowed": set(r["allowed_actions"]),
        }
    return res
KNOWN = {s["prefix"] for s in json.loads(subprocess.run([B, "query", "service-table", "--fmt", "json"], capture_output=True, text=True).stdout)}
READ_INCLUDES = {"s3:getobject", "ssm:getparameter", "ssm:getparameters", "ssm:getparametersbypath", "secretsmanager:getsecretvalue"}
def compare(cs, ours, label):
    cats = ["PrivilegeEscalation", "ResourceExposure", "CredentialsExposure", "DataExfiltration", "ServiceWildcard", "InfrastructureModification"]
    agree = collections.Counter(); reasons = collections.defaultdict(collections.Counter); ex = {}
    for f in files:
        o = ours[f]; t = cs[f]
        for c in cats:
            a = set(x.lower() for x in o[c]); b = set(x.lower() for x in t[c])
            if a == b: agree[c] += 1; continue
            # Documented differences, each removed with its reason.
            left_a, left_b = set(a), set(b); why = []
            if c == "InfrastructureModification":
                r = left_b & READ_INCLUDES
                if r: left_b -= r; why.append("CS lists read-level include-actions here")
            if c == "DataExfiltration" and "ssm:getparameterhistory" in left_a:
                left_a.discard("ssm:getparameterhistory"); why.append("ssm:GetParameterHistory on our list")
            if c == "CredentialsExposure":
                g = {"gamelift:getcomputeaccess", "gamelift:getcomputeauthtoken"} & left_a
                if g: left_a -= g; why.append("CS spells gamelift as gamelist")
            if c == "ServiceWildcard":
                u = {x for x in left_b if x not in KNOWN}
                if u: left_b -= u; why.append("CS names unknown services")
            allowed = {x.lower() for x in o["_allowed"]}
            if c in ("ResourceExposure", "InfrastructureModification"):
                d = left_b - left_a
                if d and not (d & allowed): left_b -= d; why.append("CS does not subtract Deny statements here")
            if left_a == left_b: reasons[c][" + ".join(why)] += 1; continue
            st = EXPANDED[f]
            def acts(s):
                return {x.lower() for x in s.get("Action", []) + s.get("NotAction", [])} if "Action" in s else set()
            notres = set().union(*[acts(s) for s in st if s.get("Effect") == "Allow" and "NotResource" in s]) if st else set()
            denies = set().union(*[acts(s) for s in st if s.get("Effect") == "Deny"]) if st else set()
            notact_deny = any(s.get("Effect") == "Deny" and "NotAction" in s for s in st)
            raw = json.load(open(os.path.join(corpus, f)))
            rst = raw["Statement"] if isinstance(raw["Statement"], list) else [raw["Statement"]]
            upper = set()
            for s0 in rst:
                a0 = s0.get("Action", []); a0 = a0 if isinstance(a0, list) else [a0]
                upper |= {x.split(":")[0].lower() for x in a0 if ":" in x and x.split(":")[0] != x.split(":")[0].lower()}
            d_ours = left_a - left_b; d_theirs = left_b - left_a
            if c == "PrivilegeEscalation":
                d_ours = set(); d_theirs = set()
                if denies or notact_deny: why.append("CS subtracts every Deny (any resource, any condition)")
                elif notres: why.append("NotResource on Allow counts as every resource for us")
                else: why.append("unexplained")
            else:
                if d_ours and d_ours <= (denies | notres) | {x for x in d_ours if x.split(":")[0] in upper}:
                    if d_ours & denies: why.append("CS subtracts every Deny (any resource, any condition)")
                    if d_ours & notres: why.append("NotResource on Allow counts as every resource for us")
                    if {x for x in d_ours if x.split(":")[0] in upper}: why.append("CS drops actions whose service prefix is not lowercase")
                    d_ours = set()
                elif d_ours and notact_deny and c in ("DataExfiltration", "CredentialsExposure"):
                    why.append("CS subtracts every Deny (any resource, any condition)"); d_ours = set()
                if d_theirs and any(s0.get("Effect") == "Deny" and "NotAction" in s0 and s0.get("Resource") in ("*", ["*"]) and not s0.get("Condition") for s0 in rst):
                    why.append("CS ignores Deny with NotAction; we deny all but the listed actions"); d_theirs = set()
                if d_ours or d_theirs: why.append("unexplained")
            reasons[c][" + ".join(why)] += 1
            ex.setdefault((c, " + ".join(why)), (f, sorted(left_a - left_b)[:5], sorted(left_b - left_a)[:5]))
    print(f"findings vs cloudsplaining ({label}), {len(files)} policies:")
    for c in cats:
        print(f"  {c}: {agree[c]} identical; " + "; ".join(f"{n} {k}" for k, n in reasons[c].items()))
    for k, v in ex.items(): print("    example", k, v)
compare(csd, ours_findings(False), "default")
compare(csa, ours_findings(True), "--flag-all-risky-actions")

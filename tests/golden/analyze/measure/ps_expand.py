# policy_sentry 0.12.15: determine_actions_to_expand per Allow statement with Action.
import json, os, sys
from policy_sentry.analysis.expand import determine_actions_to_expand
out = {}
d = sys.argv[1]
for f in sorted(os.listdir(d)):
    p = json.load(open(os.path.join(d, f)))
    st = p.get('Statement')
    st = st if isinstance(st, list) else [st]
    res = []
    for s in st:
        if s.get('Effect') == 'Allow' and 'Action' in s:
            a = s['Action']; a = a if isinstance(a, list) else [a]
            res.append(determine_actions_to_expand(a))
        else:
            res.append(None)
    out[f] = res
json.dump(out, open(sys.argv[2], 'w'))

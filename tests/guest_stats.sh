# guest_stats FILE (sourced by tests that compare two runs' --stats): the
# statistics, JSON or text, without what depends on the host's load -
# Unicorn's TLB, and so the software TLBs' counters (docs/instrumentation.md),
# which two runs of the same guest may differ in.
guest_stats() {
    if [ "$(head -c 1 "$1")" = "{" ]; then
        python3 -c 'import json,sys
def drop(v):
    if isinstance(v, dict):
        return {k: drop(x) for k, x in v.items() if k not in ("engine", "tlb")}
    return [drop(x) for x in v] if isinstance(v, list) else v
print(json.dumps(drop(json.load(open(sys.argv[1]))), sort_keys=True))' "$1"
    else
        grep -Ev '^(TLBs:|  CONTEXT [^ ]+: hits|engine:)' "$1"
    fi
}

#!/usr/bin/env bash
# The GitHub Action: action.yml parsed, and its steps run as GitHub runs a
# composite action (bash --noprofile --norc -eo pipefail, a fresh
# GITHUB_OUTPUT per step, GITHUB_PATH, the inputs' expressions) in a
# simulated GITHUB_* environment, on a shallow clone of a pull request that
# adds a heap escape.  The action's source is a copy of this tree, as GitHub
# downloads it (no .git): the build step builds goescape from it on a cache
# miss and reuses the binary on a hit.
. "$(dirname "$0")/lib.sh"

python3 -c "import yaml" 2>/dev/null || skip_all "no python3 yaml module"

. "$(dirname "$0")/lib-sarif.sh"

# run_action [NAME=VALUE...]: the action's steps with those inputs; the
# exit code of the first step that fails.  The cache step is a miss unless
# CACHE_HIT=1 (then it only says so: the directory is already there).
cat >"$TRASH/run-action.py" <<\PY
import os, re, subprocess, sys, yaml

action_path = os.environ["GITHUB_ACTION_PATH"]
spec = yaml.safe_load(open(os.path.join(action_path, "action.yml")))
inputs = {k: str(v.get("default", "")) for k, v in spec["inputs"].items()}
for a in sys.argv[1:]:
    k, v = a.split("=", 1)
    assert k in inputs, "no input " + k
    inputs[k] = v
ctx = {"github.action_path": action_path, "runner.os": os.environ["RUNNER_OS"],
       "runner.temp": os.environ["RUNNER_TEMP"]}
steps = {}

def expand(s):
    def one(m):
        e = m.group(1).strip()
        if e.startswith("inputs."):
            return inputs[e[len("inputs."):]]
        if e.startswith("steps."):
            _, sid, _, name = e.split(".", 3)
            return steps.get(sid, {}).get(name, "")
        return ctx[e]
    return re.sub(r"\$\{\{(.*?)\}\}", one, str(s))

assert spec["runs"]["using"] == "composite"
path_extra = []
for i, st in enumerate(spec["runs"]["steps"]):
    sid = st.get("id", "step%d" % i)
    if "uses" in st:
        assert st["uses"].startswith("actions/cache@"), st["uses"]
        w = {k: expand(v) for k, v in st["with"].items()}
        print("cache %s: %s at %s" % ("hit" if os.environ.get("CACHE_HIT") else "miss",
                                     w["key"], w["path"]), file=sys.stderr)
        assert w["key"] and w["path"]
        continue
    assert st["shell"] == "bash"
    out = os.path.join(os.environ["RUNNER_TEMP"], "output-%d" % i)
    pth = os.path.join(os.environ["RUNNER_TEMP"], "path-%d" % i)
    open(out, "w").close()
    open(pth, "w").close()
    env = dict(os.environ)
    env.update({k: expand(v) for k, v in st.get("env", {}).items()})
    env["GITHUB_OUTPUT"] = out
    env["GITHUB_PATH"] = pth
    env["PATH"] = ":".join(path_extra + [os.environ["PATH"]])
    cwd = os.path.join(os.environ["GITHUB_WORKSPACE"], expand(st.get("working-directory", ".")))
    rc = subprocess.call(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c",
                          expand(st["run"])], cwd=cwd, env=env)
    steps[sid] = dict(l.split("=", 1) for l in open(out).read().splitlines() if "=" in l)
    path_extra = [l for l in open(pth).read().splitlines() if l] + path_extra
    with open(os.path.join(os.environ["RUNNER_TEMP"], "outputs"), "a") as f:
        for k, v in steps[sid].items():
            f.write("%s.%s=%s\n" % (sid, k, v))
    if rc:
        sys.exit(rc)
PY
run_action() {
	rm -f "$RUNNER_TEMP/outputs" "$GITHUB_STEP_SUMMARY" &&
	touch "$GITHUB_STEP_SUMMARY" &&
	python3 "$TRASH/run-action.py" "$@"
}

export GITHUB_ACTION_PATH="$TRASH/action" GITHUB_WORKSPACE="$TRASH/ws" \
	RUNNER_TEMP="$TRASH/runner-temp" RUNNER_OS=Linux RUNNER_ARCH=X64 \
	GITHUB_STEP_SUMMARY="$TRASH/step-summary.md" GITHUB_BASE_REF=main \
	GITHUB_EVENT_NAME=pull_request GITHUB_ACTION_REF=v0
# The binary comes from the action's build, not the test's.
unset GOESCAPE_BIN

test_expect_success 'action.yml: a composite action, its run: steps scripts/action-run' '
	python3 -c "
import yaml
d = yaml.safe_load(open(\"$TOP/action.yml\"))
assert d[\"runs\"][\"using\"] == \"composite\"
assert sorted(d[\"inputs\"]) == sorted([\"base\", \"working-directory\", \"args\", \"sarif-file\", \"summary\", \"fail-on-new\"]), d[\"inputs\"]
assert d[\"inputs\"][\"summary\"][\"default\"] == \"true\" and d[\"inputs\"][\"fail-on-new\"][\"default\"] == \"true\"
runs = [s[\"run\"] for s in d[\"runs\"][\"steps\"] if \"run\" in s]
assert runs == [\"\\\"\$GITHUB_ACTION_PATH/scripts/action-run\\\" \" + w for w in (\"key\", \"build\", \"check\")], runs
cache = [s for s in d[\"runs\"][\"steps\"] if s.get(\"uses\", \"\").startswith(\"actions/cache@\")]
assert len(cache) == 1 and \"steps.key.outputs.key\" in cache[0][\"with\"][\"key\"]
"
'

test_expect_success 'setup: the action as GitHub downloads it (no .git), a runner' '
	mkdir action "$RUNNER_TEMP" &&
	(cd "$TOP" && cp -R action.yml Makefile cmd lib include hooks scripts "$GITHUB_ACTION_PATH"/) &&
	rm -rf "$GITHUB_ACTION_PATH/scripts/node_modules" &&
	test ! -e "$GITHUB_ACTION_PATH/.git"
'

# origin: main (the example), and a pull request branch adding Box.  The
# workspace is actions/checkout's default: one commit deep, one branch.
test_expect_success 'setup: a pull request, checked out shallow' '
	copy_example src &&
	(cd src && git init -q -b main && git add . && git commit -qm shop &&
	 for i in 1 2 3; do echo "// $i" >>main.go && git commit -qam "main $i"; done &&
	 git checkout -qb feature HEAD~2 &&
	 printf "package cart\n\nfunc Box(n int) *int { return &n }\n" >cart/box.go &&
	 git add . && git commit -qm box &&
	 echo "// more" >>cart/box.go && git commit -qam "box more") &&
	git clone -q --bare src origin.git &&
	git clone -q --depth 1 --branch feature "file://$TRASH/origin.git" ws &&
	test "$(git -C ws rev-parse --is-shallow-repository)" = true &&
	! git -C ws rev-parse -q --verify origin/main
'

test_expect_success 'cache miss: the build step builds goescape from the action source' '
	test_expect_code 1 run_action >out 2>err &&
	grep "^cache miss: goescape-Linux-X64-[0-9a-f]\{16\} at $RUNNER_TEMP/goescape-bin-" err &&
	grep "^goescape: building from $GITHUB_ACTION_PATH$" out &&
	grep "^goescape: built goescape " out &&
	grep "^build.path=$RUNNER_TEMP/goescape-bin-[0-9a-f]*/goescape$" "$RUNNER_TEMP/outputs" &&
	"$RUNNER_TEMP"/goescape-bin-*/goescape --version
'

# The build above ran the whole action (exit 1): look at what it left.
test_expect_success 'the base was fetched and deepened to a merge-base' '
	grep "^goescape: fetching origin/main$" out &&
	grep "^goescape: deepening the clone" out &&
	git -C ws merge-base HEAD origin/main >/dev/null
'

test_expect_success 'fail-on-new: true (the default): exit 1, annotations, summary, SARIF' '
	test_expect_code 1 run_action >out 2>err &&
	grep "^goescape: cached build goescape " out &&
	grep "^::error file=cart/box.go,line=3,col=10,title=moved to heap in Box::moved to heap: n$" out &&
	grep -x "### goescape: .* 1 new heap escape, 0 fixed (of [0-9]* in all)" "$GITHUB_STEP_SUMMARY" &&
	grep -x "| \[cart/box.go:3\](cart/box.go#L3) | Box | moved to heap&#58; n |" "$GITHUB_STEP_SUMMARY" &&
	grep "^Compared with the merge-base [0-9a-f]* of origin/main.$" "$GITHUB_STEP_SUMMARY" &&
	validate ws/goescape.sarif &&
	grep -x "check.sarif-file=$TRASH/ws/goescape.sarif" "$RUNNER_TEMP/outputs" &&
	grep -x "check.exit-code=1" "$RUNNER_TEMP/outputs" &&
	! ls "$RUNNER_TEMP" | grep goescape-summary
'

test_expect_success 'fail-on-new: false: exit 0, the same annotations and summary' '
	rm -f ws/goescape.sarif &&
	CACHE_HIT=1 run_action fail-on-new=false >out 2>err &&
	grep "^::error file=cart/box.go,line=3," out &&
	grep -x "| \[cart/box.go:3\](cart/box.go#L3) | Box | moved to heap&#58; n |" "$GITHUB_STEP_SUMMARY" &&
	validate ws/goescape.sarif &&
	grep -x "check.exit-code=1" "$RUNNER_TEMP/outputs"
'

test_expect_success 'summary: false, sarif-file elsewhere: no summary, the log there' '
	mkdir -p ws/out &&
	test_expect_code 1 run_action summary=false sarif-file=out/e.sarif >out 2>err &&
	test ! -s "$GITHUB_STEP_SUMMARY" &&
	grep "^::error file=cart/box.go," out &&
	validate ws/out/e.sarif
'

test_expect_success 'nothing new on the base itself: exit 0' '
	git -C ws fetch -q origin main &&
	run_action base=HEAD >out 2>err &&
	! grep "^::error" out &&
	grep -x "### goescape: .* 0 new heap escapes, 0 fixed (of [0-9]* in all)" "$GITHUB_STEP_SUMMARY"
'

test_expect_success 'a bad input fails the step with exit 2 and says which' '
	test_expect_code 2 run_action fail-on-new=maybe >out 2>err &&
	grep "input .fail-on-new. must be true or false, not .maybe." err
'

test_done

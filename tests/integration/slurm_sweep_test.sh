#!/usr/bin/env bash
# Integration test (ctest label `integration`): a real single-node Slurm cluster on this
# machine runs a small sweep through `payquake sweep --slurm`, and its aggregates must be
# byte for byte those of the same sweep run locally. Also: runs packed several per array
# task, and a Slurm sweep resumed after runs went missing submits only those.
# Usage: slurm_sweep_test.sh PAYQUAKE SOURCE_DIR. Exit 77 (skipped) only when the Slurm
# packages are not installed and cannot be (scripts/bootstrap.sh installs them), or when
# not root (the daemons need it).
set -uo pipefail
payquake=$1
source_dir=$2
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=slurm_cluster.sh
source "$here/slurm_cluster.sh"

fail() { echo "FAIL: $*" >&2; exit 1; }

if [[ $(id -u) -ne 0 ]]; then
  echo "SKIPPED: the Slurm integration test starts munged, slurmctld and slurmd, which needs root" >&2
  exit 77
fi
needed=(munged slurmctld slurmd sbatch srun scontrol sinfo)
missing() { for b in "${needed[@]}"; do command -v "$b" >/dev/null || return 0; done; return 1; }
if missing; then
  echo "installing slurmctld slurmd slurm-client munge (as scripts/bootstrap.sh does)" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
    slurmctld slurmd slurm-client munge >/dev/null 2>&1 || true
  if missing; then
    echo "SKIPPED: Slurm or munge is not installed and could not be installed" \
         "(apt-get install slurmctld slurmd slurm-client munge)" >&2
    exit 77
  fi
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/payquake-slurm-sweep.XXXXXX")
cleanup() {
  slurm_cluster_stop
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

slurm_cluster_reap
slurm_cluster_start || fail "could not start the Slurm cluster"

# 2 points x 3 replications of a 20 s quickstart: seconds of work in all.
cat >"$work/small.yaml" <<YAML
base: $source_dir/scenarios/quickstart.yaml
replications: 3
seeds: common
vary:
  nodes.iss-a.workers: [2, 4]
  duration: [20s]
YAML

"$payquake" sweep "$work/small.yaml" --out "$work/local" --jobs 2 --quiet ||
  fail "the local sweep failed (exit $?)"

start=$(date +%s.%N)
"$payquake" sweep "$work/small.yaml" --out "$work/slurm" --slurm --max-parallel 2 --quiet ||
  fail "the Slurm sweep failed (exit $?); logs: $(tail -n 5 "$PQ_CLUSTER"/log/*.log)"
end=$(date +%s.%N)
awk -v a="$start" -v b="$end" 'BEGIN { printf "slurm sweep of 6 runs: %.1f s wall\n", b - a }' >&2

for f in sweep.csv sweep.json sweep.txt; do
  cmp "$work/local/$f" "$work/slurm/$f" || fail "$f differs between the local and the Slurm sweep"
done
grep -q '"complete": true' "$work/slurm/sweep.json" || fail "the Slurm sweep is not complete"
[[ $(wc -l <"$work/slurm/slurm/tasks.txt") -eq 6 ]] || fail "expected 6 array tasks, one per run"
[[ $(ls "$work"/slurm/slurm/task-*_*.out | wc -l) -eq 6 ]] || fail "expected the output of 6 array tasks"
grep -q -- '--array=0-5%2' "$work/slurm/slurm/array.sh" || fail "no %2 throttle in array.sh"

# Packed: 3 runs per array task, 2 tasks.
"$payquake" sweep "$work/small.yaml" --out "$work/packed" --slurm --runs-per-task 3 --quiet ||
  fail "the packed Slurm sweep failed (exit $?)"
[[ "$(cat "$work/packed/slurm/tasks.txt")" == $'0-2\n3-5' ]] || fail "tasks.txt of the packed sweep: $(cat "$work/packed/slurm/tasks.txt")"
cmp "$work/local/sweep.csv" "$work/packed/sweep.csv" || fail "the packed sweep's sweep.csv differs"

# Resume on Slurm: two runs go missing; only those two are submitted again.
rm -rf "$work/slurm/point-0/seed-43" "$work/slurm/point-1/seed-44"
"$payquake" sweep "$work/small.yaml" --out "$work/slurm" --slurm --quiet ||
  fail "the resumed Slurm sweep failed (exit $?)"
[[ "$(cat "$work/slurm/slurm/tasks.txt")" == $'2\n5' ]] || fail "the resumed sweep should submit runs 2 and 5 only, tasks.txt: $(cat "$work/slurm/slurm/tasks.txt")"
cmp "$work/local/sweep.csv" "$work/slurm/sweep.csv" || fail "sweep.csv differs after the Slurm resume"

echo "PASS: local and Slurm sweeps agree byte for byte (sweep.csv, sweep.json, sweep.txt)"

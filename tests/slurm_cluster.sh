#!/usr/bin/env bash
# A real single-node Slurm cluster: Debian's slurm-wlm and munge, started here on localhost with a
# generated slurm.conf in a scratch folder and stopped by their process ids when the test ends,
# passing or not. The sbatch script of docs/scale-out.md runs xai_evaluate --shard auto as a job
# array of 4 tasks; merged, the shards' rows must be those of one process, row for row. Then one
# shard is killed (SIGKILL) in the middle of its run and resubmitted: it must keep the rows it had
# finished, untouched, and complete the run to the same rows. The commands are the documentation's.
#
# usage: slurm_cluster.sh BIN_DIR SOURCE_DIR SCRATCH_DIR
# Exit 77 (ctest SKIP_RETURN_CODE) with the reason when Slurm or munge is not installed or cannot
# start; with XAI_SLURM_REQUIRED=1 (CI, which installs them) that is a failure instead.
set -euo pipefail
BIN=$(cd "$1" && pwd)
SRC=$(cd "$2" && pwd)
WORK=$3
DOC="$SRC/docs/scale-out.md"
start_time=$SECONDS

say() { echo "slurm_cluster: $*"; }
skip() {
  say "SKIPPED: $*"
  if [[ ${XAI_SLURM_REQUIRED:-0} == 1 ]]; then
    say "XAI_SLURM_REQUIRED=1: a skip is a failure here"
    exit 1
  fi
  exit 77
}
fail() {
  say "FAILED: $*"
  exit 1
}
elapsed() { echo "$((SECONDS - ${1:-start_time})) s"; }

for tool in munged mungekey slurmctld slurmd sbatch squeue scancel sinfo setpriv; do
  command -v "$tool" >/dev/null || skip "$tool is not installed (apt-get install slurm-wlm munge)"
done
[[ $(id -u) -eq 0 ]] || skip "not root: the test starts munged as user munge and slurmd as root"
id munge >/dev/null 2>&1 || skip "there is no user munge (the munge package makes it)"
[[ -x $BIN/xai_evaluate ]] || skip "$BIN/xai_evaluate is not built"

rm -rf "$WORK"
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
# The daemons' files in a short path of their own: munge's socket and slurmstepd's sockets in the
# spool folder must fit in a socket name's 108 bytes, wherever the build is.
CLUSTER=$(mktemp -d /tmp/xai-slurm.XXXXXX)
chmod 755 "$CLUSTER"  # munged, as munge, goes through it
export SLURM_CONF=$CLUSTER/slurm.conf

# ---- stopping everything this test started, by process id, whatever happens ----
pids=()     # the daemons, in the order they started
waiting=    # a command the test waits for (in the background, so that SIGTERM is handled at once)
cleanup() {
  local rc=$?
  set +e
  [[ -n $waiting ]] && kill "$waiting" 2>/dev/null
  if [[ -S $CLUSTER/munge/munge.socket && -f $SLURM_CONF ]]; then
    scancel --quiet --user=root 2>/dev/null  # this cluster's jobs only: SLURM_CONF is ours
    for _ in $(seq 50); do [[ -z $(squeue -h 2>/dev/null) ]] && break; sleep 0.2; done
  fi
  local i
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do  # slurmd, slurmctld, then munged
    kill "${pids[i]}" 2>/dev/null
    for _ in $(seq 50); do kill -0 "${pids[i]}" 2>/dev/null || break; sleep 0.1; done
    kill -9 "${pids[i]}" 2>/dev/null
  done
  if ((rc != 0 && rc != 77)); then
    for log in "$WORK"/log/*.log "$WORK"/run/slurm-*.out; do
      [[ -f $log ]] && { echo "---- $log (last lines)"; tail -n 15 "$log"; }
    done
  fi
  rm -rf "$CLUSTER"
  say "took $(elapsed) in all"
  exit $rc
}
trap cleanup EXIT
trap 'exit 143' TERM INT
# Runs a command and waits for it; a SIGTERM or Ctrl-C meanwhile stops the test, and the command, at once.
run() {
  "$@" &
  waiting=$!
  local rc=0
  wait "$waiting" || rc=$?
  waiting=
  return $rc
}

# ---- munge: a key, a socket and a log of its own, so that no other munged is touched ----
step=$SECONDS
mkdir -p "$CLUSTER/munge" "$WORK/log"
mungekey --create --keyfile="$CLUSTER/munge/munge.key" --force >/dev/null 2>&1 || skip "mungekey cannot create a key"
chown -R munge:munge "$CLUSTER/munge"
chmod 755 "$CLUSTER/munge"  # munged wants its socket folder open to all, the key closed
chmod 400 "$CLUSTER/munge/munge.key"
setpriv --reuid=munge --regid=munge --clear-groups \
  munged --foreground --socket="$CLUSTER/munge/munge.socket" --key-file="$CLUSTER/munge/munge.key" \
  --pid-file="$CLUSTER/munge/munged.pid" --log-file="$CLUSTER/munge/munged.log" --seed-file="$CLUSTER/munge/munged.seed" \
  >"$WORK/log/munged.out" 2>&1 &
pids+=($!)
for _ in $(seq 50); do [[ -S $CLUSTER/munge/munge.socket ]] && break; sleep 0.1; done
munge --socket="$CLUSTER/munge/munge.socket" -n 2>/dev/null | unmunge --socket="$CLUSTER/munge/munge.socket" >/dev/null 2>&1 ||
  skip "munged did not start: $(tail -n 2 "$WORK/log/munged.out" "$CLUSTER/munge/munged.log" 2>/dev/null | tr '\n' ' ')"

# ---- slurmctld and slurmd on localhost, on ports nobody listens to ----
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
ctld_port=
for p in $(seq $((20000 + $$ % 20000)) 2 $((20100 + $$ % 20000))); do
  if port_free "$p" && port_free $((p + 1)); then ctld_port=$p; break; fi
done
[[ -n $ctld_port ]] || skip "no two free ports for slurmctld and slurmd"
host=$(hostname -s)
mkdir -p "$CLUSTER/state" "$CLUSTER/spool" "$WORK/run"
cat >"$SLURM_CONF" <<EOF
ClusterName=xai-test
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$((ctld_port + 1))
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$CLUSTER/munge/munge.socket
SlurmUser=root
SlurmdUser=root
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
StateSaveLocation=$CLUSTER/state
SlurmdSpoolDir=$CLUSTER/spool
SlurmctldPidFile=$CLUSTER/slurmctld.pid
SlurmdPidFile=$CLUSTER/slurmd.pid
SlurmctldLogFile=$WORK/log/slurmctld.log
SlurmdLogFile=$WORK/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
SchedulerParameters=sched_min_interval=0
MaxArraySize=1001
KillWait=5
# sbatch --wait polls again after 2 s, then 8 and 32 s unless that reaches half of MinJobAge: with
# the default (300 s) it came back 32 s after the array ended; with 5, within 2 s.
MinJobAge=5
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=xai Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
slurmctld -D -i -f "$SLURM_CONF" >"$WORK/log/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -f "$SLURM_CONF" >"$WORK/log/slurmd.out" 2>&1 &
pids+=($!)
idle=
for _ in $(seq 100); do
  for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null || skip "a Slurm daemon exited at start: $(tail -n 3 "$WORK"/log/slurm*.log "$WORK"/log/slurm*.out 2>/dev/null | tr '\n' ' ')"; done
  if [[ $(sinfo -h -o %t 2>/dev/null) == idle ]]; then idle=1; break; fi
  sleep 0.2
done
[[ -n $idle ]] || skip "the node did not become idle in 20 s: $(sinfo 2>&1 | tr '\n' ' ')"
say "cluster up in $(elapsed "$step") (slurmctld port $ctld_port, $(sinfo -h -o '%c CPUs, node %n'))"

# ---- the documentation's script and commands ----
cd "$WORK/run"
sed -n '/^<!-- evaluate.sbatch -->$/,/^```$/p' "$DOC" | sed '1,2d;$d' >evaluate.sbatch
grep -q '^#SBATCH' evaluate.sbatch || fail "no sbatch script after '<!-- evaluate.sbatch -->' in $DOC"
# Every command this test runs is written, as it is here, in the documentation.
doc_command() {
  grep -qxF "    $*" "$DOC" || grep -qxF "$*" "$DOC" || fail "'$*' is not a command of $DOC"
  say "\$ $*"
}
export PATH="$BIN:$PATH" SRC
unset SLURM_ARRAY_TASK_ID JOB_COMPLETION_INDEX AWS_BATCH_JOB_ARRAY_INDEX XAI_SHARD_COUNT

# One process: the same script outside Slurm, as shard 0 of 1.
step=$SECONDS
SLURM_ARRAY_TASK_ID=0 XAI_SHARD_COUNT=1 OUT=one run bash evaluate.sbatch
say "one process: $(elapsed "$step")"

step=$SECONDS
doc_command "sbatch --array=0-3 --wait evaluate.sbatch"
run timeout 300 sbatch --array=0-3 --wait evaluate.sbatch || fail "the job array failed or took over 300 s"
say "job array of 4: $(elapsed "$step")"
for i in 0 1 2 3; do grep -q "shard $i of 4 (SLURM_ARRAY_TASK_ID=$i, SLURM_ARRAY_TASK_COUNT=4)" slurm-*_$i.out ||
  fail "task $i did not run shard $i of 4 from Slurm's variables: $(cat slurm-*_$i.out)"; done

# per_image.csv without its seconds column, the only one that changes from run to run.
rows() {
  awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "seconds") c = i } { if (c) $c = ""; print }' OFS=, "$1"
}
same_as_one_process() {
  local dir=$1
  [[ $(wc -l <"$dir/per_image.csv") -gt 1 ]] || fail "$dir/per_image.csv has no rows"
  diff <(rows one/shard-0/per_image.csv) <(rows "$dir/per_image.csv") >/dev/null ||
    fail "$dir/per_image.csv differs from one process's: $(diff <(rows one/shard-0/per_image.csv) <(rows "$dir/per_image.csv") | head -5)"
  cmp -s one/shard-0/curves.csv "$dir/curves.csv" || fail "$dir/curves.csv differs from one process's"
}
step=$SECONDS
doc_command "xai_evaluate --merge eval/shard-0 eval/shard-1 eval/shard-2 eval/shard-3 --output eval/all"
run xai_evaluate --merge eval/shard-0 eval/shard-1 eval/shard-2 eval/shard-3 --output eval/all
same_as_one_process eval/all
say "merged, the same rows as one process ($(($(wc -l <eval/all/per_image.csv) - 1)) rows): $(elapsed "$step")"

# ---- one shard killed in the middle of its run, then resubmitted ----
step=$SECONDS
expected=$(wc -l <eval/shard-2/per_image.csv)
killed=
for attempt in 1 2 3; do
  rm -rf eval/shard-2 slurm-*_2.out
  doc_command "sbatch --array=2 --export=ALL,XAI_SHARD_COUNT=4 evaluate.sbatch"
  job=$(sbatch --array=2 --export=ALL,XAI_SHARD_COUNT=4 evaluate.sbatch | awk '{ print $NF }')
  # Killed as a node failure or the OOM killer would: SIGKILL, once the first row is written.
  for _ in $(seq 600); do
    [[ -f eval/shard-2/per_image.csv && $(wc -l <eval/shard-2/per_image.csv) -ge 2 ]] && break
    [[ -z $(squeue -h -j "$job" 2>/dev/null) ]] && break
    sleep 0.05
  done
  scancel --signal=KILL --full "$job"
  for _ in $(seq 100); do [[ -z $(squeue -h -j "$job" 2>/dev/null) ]] && break; sleep 0.1; done
  [[ -z $(squeue -h -j "$job") ]] || fail "job $job is still there after scancel --signal=KILL"
  before=$(grep -c '' eval/shard-2/per_image.csv 2>/dev/null || true)
  if [[ ${before:-0} -ge 2 && $before -lt $expected ]]; then killed=1; break; fi
  say "attempt $attempt: the shard had ${before:-0} of $expected lines when killed, not in the middle; again"
done
[[ -n $killed ]] || fail "could not kill the shard in the middle of its run in 3 attempts"
# The rows finished before the kill, whole lines with their own times: the resumed run must keep them.
kept=$(awk 'END { print NR }' eval/shard-2/per_image.csv)
[[ -z $(tail -c 1 eval/shard-2/per_image.csv) ]] || kept=$((kept - 1))  # a line cut by the kill
head -n "$kept" eval/shard-2/per_image.csv >finished_before_kill.csv
say "killed shard 2 with $((kept - 1)) of $((expected - 1)) rows written: $(elapsed "$step")"

step=$SECONDS
doc_command "sbatch --array=2 --export=ALL,XAI_SHARD_COUNT=4 evaluate.sbatch"
job=$(sbatch --array=2 --export=ALL,XAI_SHARD_COUNT=4 evaluate.sbatch | awk '{ print $NF }')
for _ in $(seq 1200); do [[ -z $(squeue -h -j "$job" 2>/dev/null) ]] && break; sleep 0.1; done
[[ -z $(squeue -h -j "$job") ]] || fail "the resubmitted shard did not finish in 120 s"
log=slurm-${job}_2.out
grep -q "shard 2 of 4 (SLURM_ARRAY_TASK_ID=2, XAI_SHARD_COUNT=4)" "$log" ||
  fail "the resubmitted task did not run shard 2 of 4: $(cat "$log")"
grep -q " $((expected - kept)) evaluated, $((kept - 1)) already in eval/shard-2, 0 failed" "$log" ||
  fail "the resubmitted shard did not compute exactly the $((expected - kept)) missing rows: $(cat "$log")"
[[ $(head -n "$kept" eval/shard-2/per_image.csv) == "$(cat finished_before_kill.csv)" ]] ||
  fail "the resubmitted shard did not keep the rows finished before the kill as they were"
doc_command "xai_evaluate --merge eval/shard-0 eval/shard-1 eval/shard-2 eval/shard-3 --output eval/all"
run xai_evaluate --merge eval/shard-0 eval/shard-1 eval/shard-2 eval/shard-3 --output eval/all
same_as_one_process eval/all
say "resubmitted shard 2 kept its $((kept - 1)) rows and finished; merged, the same rows as one process: $(elapsed "$step")"
say "PASSED"

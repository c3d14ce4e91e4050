#!/usr/bin/env bash
# A throw-away single-node Slurm cluster on loopback, for tests (sourced, not run).
#   slurm_cluster_start   munged + slurmctld + slurmd as root, each with its own files in a
#                         fresh folder under /run (or $TMPDIR), free ports, a unique cluster
#                         name; exports SLURM_CONF. PIDs are recorded in $PQ_CLUSTER/pids.
#   slurm_cluster_stop    stops what start started (by recorded PID) and removes the folder.
#   slurm_cluster_reap    stops clusters a test left behind when it died (their owner's PID
#                         is gone), so a failed run never breaks the next one.
# Known to work with Debian 12's Slurm 22.05 and munge 0.5.15.

PQ_CLUSTER_PREFIX=payquake-slurm-test.

pq_log() { echo "slurm-cluster: $*" >&2; }

# A TCP port nothing listens on (bash's /dev/tcp: no other tool needed).
pq_free_port() {
  local p
  for _ in $(seq 200); do
    p=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
  done
  return 1
}

# Kills the daemons recorded in folder $1 (only PIDs whose command line names the folder).
pq_kill_recorded() {
  local dir=$1 pid
  [[ -f "$dir/pids" ]] || return 0
  while read -r pid; do
    [[ -n "$pid" && -r "/proc/$pid/cmdline" ]] || continue
    if tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF "$dir"; then kill "$pid" 2>/dev/null; fi
  done <"$dir/pids"
  for _ in $(seq 50); do
    local alive=0
    while read -r pid; do
      [[ -n "$pid" ]] && [[ -r "/proc/$pid/cmdline" ]] &&
        tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF "$dir" && alive=1
    done <"$dir/pids"
    ((alive)) || break
    sleep 0.1
  done
  while read -r pid; do
    [[ -n "$pid" && -r "/proc/$pid/cmdline" ]] &&
      tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF "$dir" && kill -9 "$pid" 2>/dev/null
  done <"$dir/pids"
  return 0
}

slurm_cluster_reap() {
  local dir owner
  for dir in /run/"$PQ_CLUSTER_PREFIX"* "${TMPDIR:-/tmp}/$PQ_CLUSTER_PREFIX"*; do
    [[ -d "$dir" ]] || continue
    owner=$(cat "$dir/owner" 2>/dev/null || echo 0)
    if [[ "$owner" != 0 ]] && kill -0 "$owner" 2>/dev/null; then continue; fi  # still in use
    pq_log "stopping a cluster left behind in $dir"
    pq_kill_recorded "$dir"
    rm -rf "$dir"
  done
}

slurm_cluster_start() {
  local parent=/run
  [[ -w /run ]] || parent=${TMPDIR:-/tmp}
  PQ_CLUSTER=$(mktemp -d "$parent/${PQ_CLUSTER_PREFIX}XXXXXX") || return 1
  export PQ_CLUSTER
  echo $$ >"$PQ_CLUSTER/owner"
  : >"$PQ_CLUSTER/pids"
  chmod 755 "$PQ_CLUSTER"
  mkdir -p "$PQ_CLUSTER/munge" "$PQ_CLUSTER/state" "$PQ_CLUSTER/spool" "$PQ_CLUSTER/log"
  # munged refuses a key or socket folder others may write, and runs as the munge user.
  dd if=/dev/urandom of="$PQ_CLUSTER/munge/munge.key" bs=1024 count=1 status=none
  chown -R munge:munge "$PQ_CLUSTER/munge"
  chmod 755 "$PQ_CLUSTER/munge"
  chmod 600 "$PQ_CLUSTER/munge/munge.key"
  local sock=$PQ_CLUSTER/munge/munge.socket
  setsid runuser -u munge -- munged --socket="$sock" --key-file="$PQ_CLUSTER/munge/munge.key" \
    --pid-file="$PQ_CLUSTER/munge/munged.pid" --log-file="$PQ_CLUSTER/munge/munged.log" \
    --seed-file="$PQ_CLUSTER/munge/munged.seed" </dev/null >"$PQ_CLUSTER/log/munged.out" 2>&1
  for _ in $(seq 50); do [[ -s "$PQ_CLUSTER/munge/munged.pid" ]] && break; sleep 0.1; done
  if [[ ! -s "$PQ_CLUSTER/munge/munged.pid" ]]; then
    pq_log "munged did not start:"; cat "$PQ_CLUSTER/log/munged.out" >&2; return 1
  fi
  cat "$PQ_CLUSTER/munge/munged.pid" >>"$PQ_CLUSTER/pids"

  local ctld_port slurmd_port name
  ctld_port=$(pq_free_port) && slurmd_port=$(pq_free_port) || { pq_log "no free port"; return 1; }
  while [[ "$slurmd_port" == "$ctld_port" ]]; do slurmd_port=$(pq_free_port); done
  name=pq$(basename "$PQ_CLUSTER" | tr -dc 'a-z0-9' | tail -c 10)
  local cpus
  cpus=$(nproc)
  cat >"$PQ_CLUSTER/slurm.conf" <<CONF
ClusterName=$name
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$sock
CredType=cred/munge
StateSaveLocation=$PQ_CLUSTER/state
SlurmdSpoolDir=$PQ_CLUSTER/spool
SlurmctldPidFile=$PQ_CLUSTER/slurmctld.pid
SlurmdPidFile=$PQ_CLUSTER/slurmd.pid
SlurmctldLogFile=$PQ_CLUSTER/log/slurmctld.log
SlurmdLogFile=$PQ_CLUSTER/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerParameters=batch_sched_delay=0
DependencyParameters=kill_invalid_depend
SlurmdParameters=config_overrides
MaxArraySize=100001
MpiDefault=none
ReturnToService=2
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=pq Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
  export SLURM_CONF=$PQ_CLUSTER/slurm.conf
  setsid slurmctld -D -f "$SLURM_CONF" </dev/null >"$PQ_CLUSTER/log/slurmctld.out" 2>&1 &
  echo $! >>"$PQ_CLUSTER/pids"
  setsid slurmd -D -N localhost -f "$SLURM_CONF" </dev/null >"$PQ_CLUSTER/log/slurmd.out" 2>&1 &
  echo $! >>"$PQ_CLUSTER/pids"
  for _ in $(seq 150); do
    if [[ "$(timeout 2 sinfo -h -o %T 2>/dev/null)" == idle ]]; then
      pq_log "cluster $name up in $PQ_CLUSTER (slurmctld port $ctld_port, slurmd port $slurmd_port)"
      return 0
    fi
    sleep 0.2
  done
  pq_log "the cluster did not come up; its logs:"
  tail -n 20 "$PQ_CLUSTER"/log/* >&2
  return 1
}

slurm_cluster_stop() {
  [[ -n "${PQ_CLUSTER:-}" && -d "$PQ_CLUSTER" ]] || return 0
  pq_kill_recorded "$PQ_CLUSTER"
  rm -rf "$PQ_CLUSTER"
  pq_log "stopped and removed $PQ_CLUSTER"
  PQ_CLUSTER=
}

#!/usr/bin/env bash
# A one-node Slurm cluster under a directory, for the Slurm launcher's tests:
#   cluster.sh start DIR   configures munge, slurmctld and slurmd under DIR and starts them;
#                          prints the slurm.conf path (point SLURM_CONF at it)
#   cluster.sh stop DIR    stops the daemons started there
# MAX_ARRAY_SIZE in the environment sets the cluster's MaxArraySize (default 1001, Slurm's).
# Needs Debian's slurmctld, slurmd, slurm-client and munge, and root (munged and slurmd run as root).
set -euo pipefail
cmd=${1:?usage: cluster.sh start|stop DIR}
dir=$(realpath -m "${2:?usage: cluster.sh start|stop DIR}")

stop() {
    # cancel what still runs, so that no job step outlives the cluster
    if [ -f "$dir/slurm.conf" ]; then
        SLURM_CONF="$dir/slurm.conf" scancel --quiet --full --user="$(id -un)" 2>/dev/null || true
        for _ in $(seq 50); do
            SLURM_CONF="$dir/slurm.conf" squeue --noheader 2>/dev/null | grep -q . || break
            sleep 0.1
        done
    fi
    for pidfile in "$dir"/run/slurmd.pid "$dir"/run/slurmctld.pid "$dir"/run/munged.pid; do
        [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null || true
    done
    # munged and slurmd may take a moment; wait so the directory can be removed afterwards
    for _ in $(seq 50); do
        alive=0
        for pidfile in "$dir"/run/*.pid; do
            [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null && alive=1
        done
        [ "$alive" = 0 ] && break
        sleep 0.1
    done
}

case "$cmd" in
stop) stop; exit 0 ;;
start) ;;
*) echo "unknown command $cmd" >&2; exit 2 ;;
esac

for tool in munged slurmctld slurmd sbatch scontrol; do
    command -v "$tool" >/dev/null || { echo "cluster.sh: $tool is not installed" >&2; exit 3; }
done
mkdir -p "$dir"/{run,log,state,spool,munge}
chmod 755 "$dir" "$dir/munge"   # munged's socket directory must be world-readable
dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$dir/munge/munge.key"
munged --key-file="$dir/munge/munge.key" --socket="$dir/munge/munge.socket" \
       --pid-file="$dir/run/munged.pid" --log-file="$dir/log/munged.log" --seed-file="$dir/munge/seed" \
       --force

node=$(hostname -s)
memory=$(slurmd -C | sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p')
cpus=$(slurmd -C | sed -n 's/.*CPUs=\([0-9]*\).*/\1/p')
cat > "$dir/slurm.conf" <<CONF
ClusterName=vaelab-test
SlurmctldHost=$node(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.socket
CryptoType=crypto/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$dir/log/jobcomp.log
SchedulerType=sched/backfill
SchedulerParameters=bf_interval=5
PreemptType=preempt/partition_prio
PreemptMode=CANCEL
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MinJobAge=3600
MaxArraySize=${MAX_ARRAY_SIZE:-1001}
KillWait=5
SlurmctldPort=$((20000 + RANDOM % 20000))
SlurmdPort=$((40000 + RANDOM % 20000))
SlurmctldPidFile=$dir/run/slurmctld.pid
SlurmdPidFile=$dir/run/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=debug Nodes=$node Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO PriorityTier=1 GraceTime=5
# a job here preempts (cancels) jobs of debug that hold the CPUs it needs
PartitionName=urgent Nodes=$node MaxTime=INFINITE State=UP OverSubscribe=NO PriorityTier=2 PreemptMode=OFF
CONF
export SLURM_CONF="$dir/slurm.conf"
slurmctld -c -f "$SLURM_CONF"   # -c: a clean start, no state from an earlier cluster
slurmd -f "$SLURM_CONF"
for _ in $(seq 100); do
    if scontrol show node "$node" 2>/dev/null | grep -q 'State=IDLE'; then
        echo "$SLURM_CONF"
        exit 0
    fi
    sleep 0.1
done
echo "cluster.sh: the node did not become idle; logs in $dir/log" >&2
scontrol show node "$node" >&2 || true
exit 1

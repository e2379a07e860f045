#!/usr/bin/env bash
# Stop the one-node Slurm cluster that .ci/slurm-up.sh started: slurmd,
# slurmctld and munged, by the process ids in their pid files. Idempotent.
set -euo pipefail
for p in /run/slurmd.pid /run/slurmctld.pid /run/munge/munged.pid; do
	if [ -s "$p" ] && kill -0 "$(cat "$p")" 2>/dev/null; then
		pid=$(cat "$p")
		kill "$pid"
		for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	fi
done
echo "slurm-down: stopped"

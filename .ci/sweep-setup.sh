#!/usr/bin/env bash
# What the sweep tests need on a CI machine (root, Debian 12): Debian's
# chromium (and chromium-driver), to render report.html headless, and a
# one-node Slurm cluster (.ci/slurm-up.sh), for the real job-array tests of
# train/sweep and cmd/sweep. Without them those tests skip with a message;
# this script makes CI run them. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null; then
	echo "sweep-setup: installing chromium"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq chromium chromium-driver >/dev/null
fi
bash .ci/slurm-up.sh

#!/usr/bin/env bash
# The open-loop persistence benchmark: the gateway alone (no Socket.IO peer), phases knee and storm of run.sh.
#
#   gateway/bench/persistence.sh            20 s of warm-up at 1,000 msg/s, a storm of 30 x 100 retries while
#                                           1,000 new msg/s flow, then offered 500, 1,000, 2,000, 4,000, 8,000
#                                           msg/s over 50 rooms of 10, each step 30 s after 5 s of warm-up
#   gateway/bench/persistence.sh --quick    the same, 10 s of warm-up first, 10 s per step after 3 s of warm-up:
#                                           about 2.5 minutes
#
# Prints per step the confirmed rate, chat:failed count and confirm lag p50/p99/p99.9, the knee (highest step with
# 0 failed and p99 < 250 ms) and the storm's figures; writes them to gateway/target/bench/<jdk>/results.json and
# knee.md. Knobs (environment, on top of run.sh's):
#   BENCH_KNEE_STEPS=500,1000,2000,4000,8000  BENCH_KNEE_SECONDS=30  BENCH_KNEE_WARMUP_SECONDS=5
#   BENCH_KNEE_INITIAL_WARMUP_SECONDS=20
#   BENCH_STORM_CLIENTS=30  BENCH_STORM_MESSAGES=100  BENCH_STORM_RATE=1000 (new messages/s during the storm)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
seconds="${BENCH_KNEE_SECONDS:-30}"
warmup="${BENCH_KNEE_WARMUP_SECONDS:-5}"
initial="${BENCH_KNEE_INITIAL_WARMUP_SECONDS:-20}"
if [ "${1:-}" = --quick ]; then
    seconds="${BENCH_KNEE_SECONDS:-10}"
    warmup="${BENCH_KNEE_WARMUP_SECONDS:-3}"
    initial="${BENCH_KNEE_INITIAL_WARMUP_SECONDS:-10}"
fi

export BENCH_TARGETS=gateway
export BENCH_PHASES=knee,storm
export BENCH_ROUNDS="${BENCH_ROUNDS:-1}"
export BENCH_LAUNCH="${BENCH_LAUNCH:-jar}"
export BENCH_JAVA_OPTS="-Dbench.knee.steps=${BENCH_KNEE_STEPS:-500,1000,2000,4000,8000} \
-Dbench.knee.seconds=$seconds -Dbench.knee.warmupSeconds=$warmup -Dbench.knee.initialWarmupSeconds=$initial \
-Dbench.storm.clients=${BENCH_STORM_CLIENTS:-30} -Dbench.storm.messages=${BENCH_STORM_MESSAGES:-100} \
-Dbench.storm.rate=${BENCH_STORM_RATE:-1000} ${BENCH_JAVA_OPTS:-}"
export BENCH_COMMAND="gateway/bench/persistence.sh${1:+ $1}"
exec "$here/run.sh"

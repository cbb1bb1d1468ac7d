#!/usr/bin/env bash
# Side-by-side benchmark: the gateway against a Socket.IO 4 peer, load driver and servers on this machine's
# loopback. One command, bounded in time, stops by itself; prints the table and writes it as JSON:
#
#   gateway/bench/run.sh
#
# Results: gateway/target/bench/<jdk>/results.json (and results.md; server logs in logs/, JFR profiles with
# BENCH_PROFILE=1), one folder per JDK the gateway ran on, and coldstart.png: delivery p99 per second since a
# fresh start, every server and JDK on one plot. See gateway/BENCHMARKS.md for what each figure means and what
# limits it.
#
# Needs: a JDK 17+ (java, javac, jar, jcmd), Maven (only if gateway/target/gateway.jar is missing), Node.js 18+
# and npm (the peer is installed from gateway/bench/socketio/package-lock.json on first use).
#
# Knobs (environment):
#   BENCH_ROUNDS=2                  rounds; each runs the gateway, then the peer (alternating)
#   BENCH_PHASES=coldstart,density,fanout,latency,persistence
#                                   also: knee (open-loop persistence steps), storm (retry storm); gateway only, see
#                                   persistence.sh, which runs just those two; fallback (HTTP fallback transport
#                                   beside the WebSocket: heap per idle session, delivery latency), gateway only
#   BENCH_JDKS=                     JDK homes the gateway runs on, comma-separated, each a full run (default: the
#                                   JDK of `java` here), e.g. "$JDK17_HOME,$JDK25_HOME"
#   BENCH_LAUNCH=cache              cache: the gateway starts from gateway/bin/prepare-launch's class cache (AOT
#                                   cache on JDK 25, with compact headers; CDS on 17), as in production; jar: java -jar
#   BENCH_TARGETS=gateway,socket.io
#   BENCH_DENSITY_STEPS=10000,50000 idle connections per density step (capped by the open-file limit)
#   BENCH_WARMUP_SECONDS=3 BENCH_MEASURE_SECONDS=15
#   BENCH_PROFILE=0                 1: JFR-record the gateway during fan-out and persistence in round 1
#   BENCH_BUILD=0                   1: rebuild the jar first (mvn -DskipTests package)
#   BENCH_TIMEOUT=1800              hard limit for the whole run, seconds
#   BENCH_OUT=gateway/target/bench  where results, logs and the driver's build go
#   BENCH_GATEWAY_JVM=              the gateway's JVM options (default "-Xms1g -Xmx4g -XX:+UseG1GC
#                                   -XX:MaxGCPauseMillis=20", as the README's production launch), e.g. with
#                                   "-Xlog:gc:file=gc.log" added
#   BENCH_JAVA_OPTS=                more -Dbench.* settings for the driver (see src/bench/java/.../Settings.java),
#                                   e.g. "-Dbench.fanout.members=200 -Dbench.persistence.rooms=50"
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
gateway="$(dirname "$here")"
root="$(dirname "$gateway")"
out="${BENCH_OUT:-$gateway/target/bench}"
cd "$root"

for tool in java javac jar jcmd node npm; do
    command -v "$tool" > /dev/null || { echo "run.sh: $tool is not on the PATH" >&2; exit 2; }
done

if [ ! -f gateway/target/gateway.jar ] || [ "${BENCH_BUILD:-0}" = 1 ]; then
    echo "building gateway/target/gateway.jar"
    mvn -B -q -DskipTests package
fi

mkdir -p "$out"
out="$(cd "$out" && pwd)"
rm -rf "$out/lib" "$out/classes" "$out"/*/data-*
mkdir -p "$out/lib" "$out/classes" "$out/logs"
# A private copy: a rebuild of gateway/target/gateway.jar during the run cannot pull it from under the server.
cp gateway/target/gateway.jar "$out/gateway.jar"

if [[ "${BENCH_TARGETS:-gateway,socket.io}" == *socket.io* ]] && [ ! -d "$here/socketio/node_modules/socket.io" ]; then
    echo "installing the Socket.IO peer (npm ci)"
    (cd "$here/socketio" && npm ci --no-audit --no-fund --loglevel=error)
fi

# The driver is compiled here, against the Netty jars the gateway itself ships, and nothing else.
(cd "$out/lib" && jar tf "$out/gateway.jar" | grep '^BOOT-INF/lib/netty-.*\.jar$' | xargs jar xf "$out/gateway.jar" \
    && mv BOOT-INF/lib/*.jar . && rm -rf BOOT-INF)
javac --release 17 -nowarn -d "$out/classes" -cp "$out/lib/*" $(find "$gateway/src/bench/java" -name '*.java')

# Tens of thousands of sockets need as many file descriptors, in the driver and in each server.
hard="$(ulimit -Hn)"
[ "$hard" = unlimited ] && hard=1048576
ulimit -n "$hard" || true

cleanup() {
    for pid_file in "$out"/*/logs/server.pid; do
        [ -f "$pid_file" ] || continue
        kill "$(cat "$pid_file")" 2> /dev/null || true
        rm -f "$pid_file"
    done
    rm -rf "$out"/*/data-*
}
trap cleanup EXIT

# One set of options for the cache's training run and the gateway it starts: a cache fits only the options it was
# made with.
gateway_jvm="${BENCH_GATEWAY_JVM:--Xms1g -Xmx4g -XX:+UseG1GC -XX:MaxGCPauseMillis=20}"

profile=false
[ "${BENCH_PROFILE:-0}" = 1 ] && profile=true

jdk_feature() {
    "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'
}

default_jdk="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
IFS=',' read -r -a jdks <<< "${BENCH_JDKS:-$default_jdk}"
for jdk in "${jdks[@]}"; do
    label="jdk$(jdk_feature "$jdk")"
    run_out="$out/$label"
    mkdir -p "$run_out/logs"
    launch=""
    if [ "${BENCH_LAUNCH:-cache}" = cache ]; then
        echo "== $label: preparing the production launch (class cache)"
        rm -rf "$out/launch-$label"
        JAVA_HOME="$jdk" JAVA_OPTS="$gateway_jvm" \
            "$gateway/bin/prepare-launch" "$out/gateway.jar" "$out/launch-$label"
        launch="$out/launch-$label"
    fi
    echo "== $label: benchmark"
    timeout --kill-after=30 "${BENCH_TIMEOUT:-1800}" \
        java -Xms512m -Xmx3g -Djava.awt.headless=true -cp "$out/classes:$out/lib/*" \
            -Dbench.out="$run_out" \
            -Dbench.jar="$out/gateway.jar" \
            -Dbench.gatewayJavaHome="$jdk" \
            -Dbench.gatewayLaunch="$launch" \
            -Dbench.jdkLabel="$label" \
            -Dbench.socketio="$here/socketio/server.js" \
            -Dbench.rounds="${BENCH_ROUNDS:-2}" \
            -Dbench.phases="${BENCH_PHASES:-coldstart,density,fanout,latency,persistence}" \
            -Dbench.targets="${BENCH_TARGETS:-gateway,socket.io}" \
            -Dbench.density.steps="${BENCH_DENSITY_STEPS:-10000,50000}" \
            -Dbench.warmupSeconds="${BENCH_WARMUP_SECONDS:-3}" \
            -Dbench.measureSeconds="${BENCH_MEASURE_SECONDS:-15}" \
            -Dbench.profile="$profile" \
            -Dbench.gatewayJvm="$gateway_jvm" \
            -Dbench.command="${BENCH_COMMAND:-gateway/bench/run.sh}" \
            ${BENCH_JAVA_OPTS:-} \
            dev.signalgate.bench.Bench
done

java -Djava.awt.headless=true -cp "$out/classes" dev.signalgate.bench.ColdStartPlot "$out/coldstart.png" "$out" \
    || echo "run.sh: no cold-start series to plot (phase coldstart not run)"

#!/usr/bin/env bash
# Heartbeat throughput of the monitoring service over HTTP, on embedded PostgreSQL.
# Usage: monitoring/bench/heartbeats.sh [devices=5000] [seconds=30] [workers=32]
set -euo pipefail
cd "$(dirname "$0")/../.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
./mvnw -B -q -pl monitoring test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
exec "$JAVA_HOME/bin/java" -Xmx1g \
  -cp "monitoring/target/test-classes:monitoring/target/classes:$(cat monitoring/target/bench.classpath)" \
  dev.edp.monitoring.bench.HeartbeatBenchmark "$@"

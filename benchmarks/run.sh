#!/usr/bin/env bash
# Runs oauth-filter's benchmarks and prints the report.
# Usage: benchmarks/run.sh          the JMH report of docs/BENCHMARKS.md tables 1-6 (about 5 minutes on 2 cores)
#        benchmarks/run.sh scale    the scale dimensions of docs/BENCHMARKS.md (issue 23; about 30 minutes): many
#                                   clients, memory per client, refreshes of many tokens, churn, virtual threads,
#                                   cold start, token exchange under 100,000 users, DPoP proofs
# Needs Java 17 and Maven; the virtual-thread part needs Java 21+ (JAVA21_HOME, default Temurin 25's place here).
# Writes table 1-6 to benchmarks/target/benchmarks.md and the scale output to benchmarks/target/scale.md.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
mvn -B -q -f "$here/../pom.xml" -pl benchmarks -am -DskipTests package
cd "$here"
jar=target/benchmarks.jar
case "${1:-report}" in
  report)
    exec java -jar "$jar"
    ;;
  scale)
    java21="${JAVA21_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
    out=target/scale.md
    : > "$out"
    run() { echo "\$ $*" | tee -a "$out"; "$@" 2>&1 | grep -v '^WARNING: A class jakarta' | tee -a "$out"; }
    jmh() { run java -cp "$jar" org.openjdk.jmh.Main "$@" -f 1 -wi 3 -w 1s -i 5 -r 1s; }
    jmh 'ManyClientsBenchmark'
    run java -cp "$jar" dev.oauthfilter.benchmarks.ScaleHarness footprint 10000
    run java -cp "$jar" dev.oauthfilter.benchmarks.ScaleHarness refresh 10000
    run java -cp "$jar" dev.oauthfilter.benchmarks.ScaleHarness churn 1000
    if [ -x "$java21" ]; then
      run "$java21" -cp "$jar" dev.oauthfilter.benchmarks.ScaleHarness virtual-threads 10000
    else
      echo "no Java 21+ at $java21: virtual threads skipped (set JAVA21_HOME)" | tee -a "$out"
    fi
    javas=("$(command -v java)")
    if [ -x "$java21" ]; then javas+=("$java21"); fi
    run java -cp "$jar" dev.oauthfilter.benchmarks.ColdStartBenchmark 12 "${javas[@]}"
    jmh 'ExchangeCacheBenchmark' -prof gc
    run java -Xmx1g -cp "$jar" dev.oauthfilter.benchmarks.ExchangeAtScale 100000
    jmh 'DPoPProofBenchmark' -prof gc
    if [ -x "$java21" ]; then
      run "$java21" -cp "$jar" org.openjdk.jmh.Main 'DPoPProofBenchmark' -prof gc -f 1 -wi 3 -w 1s -i 5 -r 1s
    fi
    echo "written to benchmarks/$out"
    ;;
  *)
    echo "usage: benchmarks/run.sh [report|scale]" >&2
    exit 2
    ;;
esac

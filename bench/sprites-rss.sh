#!/usr/bin/env bash
# Peak memory of a short training run on the full sprites set with a 1 GB heap (a benchmark, not a
# test). Prints the kernel's peak RSS (VmHWM) and the largest anonymous and file-backed parts seen:
# the mapped image store's pages are file-backed and clean, so the kernel can drop them under
# pressure, while the anonymous part is the heap plus ONNX Runtime's native memory.
#
#   bench/sprites-rss.sh [results-dir [vaelab run options, e.g. --set eval.batch_size=100]]
#   (build first: ./vaelab --help; JVM options such as -Dvaelab.conv.weightGradient=conv in VAELAB_JAVA_OPTS)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
results="${1:-$(mktemp -d)}"
jar="$root/modules/cli/target/vaelab-cli.jar"
java -Xmx1g -XX:+UseSerialGC ${VAELAB_JAVA_OPTS:-} -jar "$jar" run "$root/bench/sprites-rss.yaml" --results "$results" "${@:2}" &
pid=$!
peak_anon=0; peak_file=0; hwm=0
while kill -0 "$pid" 2>/dev/null; do
    if [ -r "/proc/$pid/status" ]; then
        read -r anon file h < <(awk '/^RssAnon/{a=$2} /^RssFile/{f=$2} /^VmHWM/{h=$2} END{print a+0, f+0, h+0}' "/proc/$pid/status" 2>/dev/null || echo "0 0 0")
        (( anon > peak_anon )) && peak_anon=$anon
        (( file > peak_file )) && peak_file=$file
        (( h > hwm )) && hwm=$h
    fi
    sleep 0.2
done
wait "$pid"
printf 'peak RSS (VmHWM) %.0f MiB; largest anonymous %.0f MiB, largest file-backed %.0f MiB (sampled every 0.2 s)\n' \
    "$(echo "$hwm / 1024" | bc -l)" "$(echo "$peak_anon / 1024" | bc -l)" "$(echo "$peak_file / 1024" | bc -l)"

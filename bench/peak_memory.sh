# Sourced by the bench scripts that report memory. measure CMD...: runs CMD
# (stdout discarded) and prints "SECONDS RSS_MB ANON_MB": wall time, and peak RSS
# (mapped files included) and peak anonymous memory, polled from /proc every
# 20 ms. The poll uses shell builtins only (read from /proc, a timed read for the
# pause): forking 50 processes a second would take a good part of a core from
# the command.
measure() {
  local start end rss=0 anon=0 key value unit pause
  exec {pause}<> <(:)
  start=$(date +%s.%N)
  "$@" >/dev/null & local pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    while read -r key value unit; do
      case $key in
        VmRSS:) ((value > rss)) && rss=$value ;;
        RssAnon:) ((value > anon)) && anon=$value ;;
      esac
    done <"/proc/$pid/status" 2>/dev/null || true
    read -r -t 0.02 -u "$pause" _ || true
  done
  wait "$pid"
  exec {pause}>&-
  end=$(date +%s.%N)
  printf '%.1f %d %d\n' "$(echo "$end - $start" | bc)" $((rss / 1024)) $((anon / 1024))
}

# MB/s of BYTES in SECONDS.
mbps() { echo "scale=0; $1 / 1048576 / $2" | bc; }

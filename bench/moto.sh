# Sourced by the bench scripts that need S3: `start_moto WORK` starts moto_server on
# a free 127.0.0.1 port (log in WORK/moto.log), waits until it answers, exports the
# test credentials and AWS_ENDPOINT_URL, and on exit stops it and removes WORK.
# Sets `port`.
start_moto() {
  command -v moto_server >/dev/null || { echo "$0: needs moto_server" >&2; exit 1; }
  moto_work=$1
  port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
  moto_server -H 127.0.0.1 -p "$port" >"$moto_work/moto.log" 2>&1 &
  moto_pid=$!
  trap 'kill "$moto_pid" 2>/dev/null && wait "$moto_pid" 2>/dev/null; rm -rf "$moto_work"' EXIT
  until curl -fs -o /dev/null "http://127.0.0.1:$port/moto-api/"; do
    kill -0 "$moto_pid" || { cat "$moto_work/moto.log" >&2; exit 1; }
    sleep 0.2
  done
  export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1
  export AWS_ENDPOINT_URL="http://127.0.0.1:$port"
}

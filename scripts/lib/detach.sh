# Sourced by the scripts that start long-running processes (kafka.sh, bind.sh, lib/stack.sh).
#
# detached COMMAND... &: runs COMMAND in the background with no file descriptor but stdin, stdout and stderr, as the
# background job itself (so $! is its PID). A script run under `flock /tmp/mvn.lock ...` holds the lock through an
# inherited descriptor; a broker or service started from it would otherwise keep that descriptor, and with it the
# lock, for as long as it runs, even after the script ended. Only for use with &: it replaces the shell it runs in.
detached() {
  local fd
  for fd in /proc/$BASHPID/fd/*; do
    fd="${fd##*/}"
    ((fd > 2)) && eval "exec $fd>&-" 2>/dev/null
  done
  exec "$@"
}

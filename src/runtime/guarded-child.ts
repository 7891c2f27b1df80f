import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { constants as osConstants } from 'node:os';

// Why a wrapper: the hub's children (postgres, redis-server) must not share the hub's process
// group, or Ctrl-C in a terminal (SIGINT to the whole foreground group) stops them before the
// hub has drained its requests and jobs. Detached, they get their own session. But a detached
// child outlives a hub killed with SIGKILL, holding the data directory and the port. So each
// child runs under a tiny POSIX shell guard that holds the read end of a pipe whose only write
// end is the hub's: when the hub closes it (stop) or dies (any way, even SIGKILL), `read` sees
// end-of-file and the guard sends the service its graceful-stop signal. The guard then exits
// with the service's status, so the hub still sees the service exit as the child's exit.
const GUARD_SCRIPT = [
  'sig="$1"; shift',
  'exec 3<&0 </dev/null',
  '"$@" 3<&- &',
  'child=$!',
  '{ read -r _ <&3; kill -s "$sig" "$child"; } >/dev/null 2>&1 &',
  'watcher=$!',
  'exec 3<&-',
  'wait "$child"; status=$?',
  'kill "$watcher" 2>/dev/null',
  'exit "$status"',
].join('\n');

export interface GuardedChild {
  /** The guard shell: its exit is the service's exit (a signal shows as exit code 128 + n). */
  process: ChildProcess;
  /** Asks for a graceful stop; past `timeoutMs` the whole process group is killed. Resolves on exit. */
  stop(timeoutMs: number, onEscalate?: () => void): Promise<void>;
  /** Kills the guard and the service at once (process group SIGKILL). Resolves on exit. */
  kill(): Promise<void>;
}

export interface GuardedSpawnOptions {
  /** The signal that makes the service shut down cleanly: SIGINT for postgres, SIGTERM for redis. */
  stopSignal: 'SIGINT' | 'SIGTERM';
  env?: NodeJS.ProcessEnv;
  uid?: number;
  gid?: number;
}

export function spawnGuarded(command: string, args: string[], opts: GuardedSpawnOptions): GuardedChild {
  const spawnOptions: SpawnOptions = {
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
    ...(opts.env ? { env: opts.env } : {}),
    ...(opts.uid !== undefined ? { uid: opts.uid } : {}),
    ...(opts.gid !== undefined ? { gid: opts.gid } : {}),
  };
  const child = spawn('/bin/sh', ['-c', GUARD_SCRIPT, 'sharehub-guard', opts.stopSignal.replace(/^SIG/, ''), command, ...args], spawnOptions);
  // The stdin pipe is the guard's lifeline; an error on it (EPIPE after the guard exited) is moot.
  child.stdin?.on('error', () => undefined);
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  const done = () => child.pid === undefined || child.exitCode !== null || child.signalCode !== null;
  const killGroup = () => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  };
  return {
    process: child,
    stop: async (timeoutMs, onEscalate) => {
      if (done()) return;
      child.stdin?.end();
      const timer = setTimeout(() => {
        onEscalate?.();
        killGroup();
      }, timeoutMs);
      try {
        await exited;
      } finally {
        clearTimeout(timer);
      }
    },
    kill: async () => {
      if (done()) return;
      killGroup();
      await exited;
    },
  };
}

/** How a guarded service ended, in words: the guard reports a signal as exit code 128 + n. */
export function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal !== null) return `signal ${signal}`;
  if (code !== null && code > 128) {
    const name = Object.entries(osConstants.signals).find(([, n]) => n === code - 128)?.[0];
    if (name) return `signal ${name}`;
  }
  return `exit code ${String(code)}`;
}

/** Keeps the last `max` non-empty lines of a service's output, for an error report. */
export class LogTail {
  readonly lines: string[] = [];

  constructor(private readonly max: number) {}

  push(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.max) this.lines.shift();
  }

  clear(): void {
    this.lines.length = 0;
  }
}

/** A service that exited on its own; `logTail` holds its last log lines for the report. */
export class ServiceCrash extends Error {
  constructor(message: string, readonly logTail: string[]) {
    super(message);
    this.name = 'ServiceCrash';
  }
}

import pino from 'pino';
import type { Logger } from 'pino';

/** A debug-level logger whose output is kept in memory, so tests can check what was (not) logged. */
export function captureLogger(): { logger: Logger; output: string[] } {
  const output: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void output.push(line) });
  return { logger, output };
}

/** A promise resolved by the first call of the returned callback, for onCrash. */
export function firstCall<T>(): { callback: (value: T) => void; called: Promise<T>; calls: T[] } {
  const calls: T[] = [];
  let resolve!: (value: T) => void;
  const called = new Promise<T>((r) => {
    resolve = r;
  });
  return {
    callback: (value: T) => {
      calls.push(value);
      resolve(value);
    },
    called,
    calls,
  };
}

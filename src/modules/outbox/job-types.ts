// The job names and payloads every process agrees on. Payloads carry ids only — never personal
// data — so a job can be logged, retried and inspected in Redis safely. The processors live in
// workers/jobs.ts, keyed by the same names.

export interface JobPayloads {
  /** Sign and POST one outbox message to its department's webhook. */
  'deliver-webhook': { outboxId: string };
  /** Route A on a provider-served resource: issue the grant once the provider's endpoint answers. */
  provision: { applicationId: string };
  /** Mark open steps yellow / red and supervise red cards (督办). `window` is the tick's minute. */
  'sla-sweep': { window: string };
  /** Expire grants past their validity and send the pre-expiry notices. */
  'grant-sweep': { window: string };
  /** Hand applications still waiting in provisioning to the provision job again. */
  'provision-sweep': { window: string };
  /** From 1 November, remind the platform (once a day) to enter next year's holiday notice. */
  'calendar-reminder': { window: string };
}

export type JobName = keyof JobPayloads;

export const QUEUES = ['webhooks', 'provisioning', 'sweeps'] as const;
export type QueueName = (typeof QUEUES)[number];

export const QUEUE_OF: Record<JobName, QueueName> = {
  'deliver-webhook': 'webhooks',
  provision: 'provisioning',
  'sla-sweep': 'sweeps',
  'grant-sweep': 'sweeps',
  'provision-sweep': 'sweeps',
  'calendar-reminder': 'sweeps',
};

/** Adds a job under a fixed id; adding an id that is already queued is a no-op. */
export type Enqueue = <N extends JobName>(name: N, payload: JobPayloads[N], jobId: string) => Promise<void>;

/** BullMQ job ids must not contain ':' (its key separator); ids here are built from uuids and digits. */
export function jobId(...parts: (string | number)[]): string {
  const id = parts.join('-');
  if (id.includes(':')) throw new Error(`job id must not contain ':' (${id})`);
  return id;
}

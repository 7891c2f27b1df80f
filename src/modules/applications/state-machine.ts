import { APPLICATION_STATUSES } from '../../../schemas/applications.js';
import { illegalState } from '../../lib/errors.js';

// The application state machine of API.md, and nothing else:
//   pending_review → rejected | returned | provisioning (Route A) | pending_provider (Route B)
//   provisioning → granted;  pending_provider → granted | denied
//   denied → in_coordination → granted | denied;  returned → pending_review
//   any open state → withdrawn

// The statuses are declared once, with the schema that documents them.
export { APPLICATION_STATUSES };
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

/** Still waiting for someone to act; at most one per system and resource (a partial unique index too). */
export const OPEN_STATUSES = ['pending_review', 'returned', 'provisioning', 'pending_provider', 'in_coordination'] as const satisfies readonly ApplicationStatus[];

export type ApplicationAction =
  | 'accept' | 'reject' | 'return' | 'resubmit' | 'provision' | 'approve' | 'deny'
  | 'request_coordination' | 'coordination_grant' | 'coordination_deny' | 'withdraw';

export const TRANSITIONS: Record<ApplicationAction, { from: readonly ApplicationStatus[]; to: readonly ApplicationStatus[] }> = {
  accept: { from: ['pending_review'], to: ['provisioning', 'pending_provider'] },
  reject: { from: ['pending_review'], to: ['rejected'] },
  return: { from: ['pending_review'], to: ['returned'] },
  resubmit: { from: ['returned'], to: ['pending_review'] },
  provision: { from: ['provisioning'], to: ['granted'] },
  approve: { from: ['pending_provider'], to: ['granted'] },
  deny: { from: ['pending_provider'], to: ['denied'] },
  request_coordination: { from: ['denied'], to: ['in_coordination'] },
  coordination_grant: { from: ['in_coordination'], to: ['granted'] },
  coordination_deny: { from: ['in_coordination'], to: ['denied'] },
  withdraw: { from: OPEN_STATUSES, to: ['withdrawn'] },
};

/** Every edge of the machine, for the transition guard and for tests that walk all of them. */
export const EDGES: ReadonlyArray<readonly [ApplicationStatus, ApplicationStatus]> = Object.values(TRANSITIONS)
  .flatMap(({ from, to }) => from.flatMap((f) => to.map((t) => [f, t] as const)));

const VERB: Record<ApplicationAction, string> = {
  accept: 'accept', reject: 'reject', return: 'return', resubmit: 'resubmit', provision: 'provision', approve: 'approve',
  deny: 'deny', request_coordination: 'ask coordination for', coordination_grant: 'grant after coordination',
  coordination_deny: 'deny after coordination', withdraw: 'withdraw',
};

/** 409 naming the current state unless `action` may leave it for `to`. */
export function assertTransition(action: ApplicationAction, current: ApplicationStatus, to: ApplicationStatus) {
  const edge = TRANSITIONS[action];
  if (!edge.from.includes(current) || !edge.to.includes(to)) throw illegalState('the application', current, VERB[action]);
}

export function assertCan(action: ApplicationAction, current: ApplicationStatus) {
  if (!TRANSITIONS[action].from.includes(current)) throw illegalState('the application', current, VERB[action]);
}

/** The step an open state represents: who must act next, and against which deadline. */
export type Step = 'review' | 'correction' | 'provision' | 'provider_decision' | 'coordination';

export const STEP_OF: Partial<Record<ApplicationStatus, Step>> = {
  pending_review: 'review',
  returned: 'correction',
  provisioning: 'provision',
  pending_provider: 'provider_decision',
  in_coordination: 'coordination',
};

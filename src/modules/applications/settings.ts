import type { Config } from '../../config.js';
import type { Actor } from '../audit/events.js';
import type { Context } from '../context.js';
import type { Principal } from '../identity/principal.js';

/** The deployment's deadline rules (DOMAIN.md §1), read from configuration. */
export interface WorkflowSettings {
  /** 规范性审查: the platform's normativeness review, from (re)submission. */
  reviewWorkingDays: number;
  /** Route A: the platform provides the data, from acceptance. */
  provisionWorkingDays: number;
  /** Route B: the providing department approves or denies, from acceptance. */
  providerDecisionWorkingDays: number;
  /** 协调: the platform's coordination after a denial, from the applicant's request. */
  coordinationWorkingDays: number;
  /** A step turns yellow (黄牌预警) when no more than this many working days are left. */
  warningWorkingDays: number;
  /** The consumer is told this many working days before a grant runs out. */
  expiryNoticeWorkingDays: number;
  maxValidityDays: number;
}

export const workflowSettings = (c: Config): WorkflowSettings => ({
  reviewWorkingDays: c.REVIEW_WORKING_DAYS,
  provisionWorkingDays: c.PROVISION_WORKING_DAYS,
  providerDecisionWorkingDays: c.PROVIDER_DECISION_WORKING_DAYS,
  coordinationWorkingDays: c.COORDINATION_WORKING_DAYS,
  warningWorkingDays: c.WARNING_WORKING_DAYS,
  expiryNoticeWorkingDays: c.GRANT_EXPIRY_NOTICE_WORKING_DAYS,
  maxValidityDays: c.GRANT_MAX_VALIDITY_DAYS,
});

/** The workflow's use cases run with the one Context plus the deployment's deadline rules. */
export type WorkflowContext<A extends Actor = Principal> = Context<A> & { settings: WorkflowSettings };

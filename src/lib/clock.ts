/**
 * The time source of the workflow. Deadlines, colours and expiry depend on "now", so services
 * take it from here rather than from `new Date()`: tests drive it to the minute without fake
 * timers, which would fight the real PostgreSQL and Redis they run against.
 */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

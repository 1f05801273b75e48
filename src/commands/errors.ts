/** A problem the person can fix: its message is the reply, and nothing they sent is written. */
export class UserError extends Error {}

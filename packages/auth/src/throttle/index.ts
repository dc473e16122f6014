// Failed-login throttling through Redis, shared by every daemon that authenticates users.
export {
  DEFAULT_THROTTLE,
  LoginThrottle,
  throttleKeyPrefix,
  type Block,
  type FailureOutcome,
  type LoginSubject,
  type LoginThrottleOptions,
  type SubjectKind,
  type ThrottleCheck,
  type ThrottleSettings,
} from './throttle.js';
export { clientKey } from './client-key.js';

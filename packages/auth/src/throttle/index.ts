// Failed-login throttling through Redis, shared by every daemon that authenticates users.
export {
  DEFAULT_THROTTLE,
  LoginThrottle,
  loginThrottleFromConfig,
  throttleKeyPrefix,
  type Block,
  type FailureOutcome,
  type LoginSubject,
  type LoginThrottleOptions,
  type SubjectKind,
  type ThrottleConfig,
  type ThrottleCheck,
  type ThrottleSettings,
} from './throttle.js';
export { clientKey } from '@mail/net';

// The default names of special-use folders (RFC 6154): created on first use, listed with their attribute.
import type { SpecialUse } from './api.js';

export const DEFAULT_SPECIAL_USE: Readonly<Record<SpecialUse, string>> = {
  '\\Sent': 'Sent',
  '\\Drafts': 'Drafts',
  '\\Trash': 'Trash',
  '\\Junk': 'Junk',
  '\\Archive': 'Archive',
};

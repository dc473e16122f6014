// Where one recipient of a deliver job goes, from the directory's resolution: local mailboxes, remote addresses to
// relay, unknown addresses to bounce, with the RFC 3461 DSN parameters each target carries on (§6.2.7.3 aliases).
import { addressKey, type Account, type Resolution } from '@mail/auth';
import type { NotifySpec } from '@mail/dsn';
import type { Recipient } from '@mail/queue';

export type TargetKind = 'local' | 'remote' | 'unknown';

export interface PlannedTarget {
  /** Stable id within the job: "<recipient index>/<address key>"; progress is recorded under it. */
  id: string;
  kind: TargetKind;
  /** The address the outcome is about: the account's address (local), the address to relay to, or the unknown one. */
  address: string;
  account?: Account;
  /** The address extension (user+tag), kept for filters. */
  extension?: string;
  /** ORCPT passed on: the sender's own, else the recipient as received when an alias rewrote it (RFC 3461 §4.2). */
  orcpt?: string;
  /** NOTIFY passed on. */
  notify?: NotifySpec;
}

export interface RecipientFailure {
  status: string;
  text: string;
}

export interface RecipientPlan {
  index: number;
  recipient: Recipient;
  targets: PlannedTarget[];
  /** The recipient fails as a whole (alias expansion stopped at a limit); no target is tried. */
  failure?: RecipientFailure;
  /** An alias turned the recipient into more than one address: SUCCESS turns into one "expanded" report. */
  expanded: boolean;
}

/** NOTIFY for the members of an alias with several targets: SUCCESS is answered by the "expanded" report instead. */
export function memberNotify(notify: NotifySpec | undefined): NotifySpec | undefined {
  if (notify === undefined || notify === 'NEVER') return notify;
  const rest = notify.filter((n) => n !== 'SUCCESS');
  return rest.length === 0 ? 'NEVER' : rest;
}

/** Whether the sender asked for a success report for this recipient. */
export function wantsSuccess(notify: NotifySpec | undefined): boolean {
  return notify !== undefined && notify !== 'NEVER' && notify.includes('SUCCESS');
}

/** Builds the plan of recipient `index` from the directory's answer for its address. */
export function planRecipient(index: number, recipient: Recipient, resolution: Resolution): RecipientPlan {
  if (resolution.error) {
    const failure =
      resolution.error.code === 'RECURSION_LIMIT'
        ? { status: '5.4.6', text: `550 5.4.6 <${recipient.address}>: alias nesting too deep (mail forwarding loop?)` }
        : { status: '5.3.0', text: `550 5.3.0 <${recipient.address}>: alias expands to too many addresses` };
    return { index, recipient, targets: [], failure, expanded: false };
  }
  const total = resolution.local.length + resolution.remote.length + resolution.unknown.length;
  const expanded = total > 1;
  const notify = expanded ? memberNotify(recipient.notify) : recipient.notify;
  const self = addressKey(recipient.address);
  const target = (kind: TargetKind, address: string, extra: Partial<PlannedTarget> = {}): PlannedTarget => {
    const key = addressKey(address);
    const orcpt = recipient.orcpt ?? (key !== self || expanded ? `rfc822;${recipient.address}` : undefined);
    return {
      id: `${index}/${key}`,
      kind,
      address,
      ...extra,
      ...(orcpt !== undefined ? { orcpt } : {}),
      ...(notify !== undefined ? { notify } : {}),
    };
  };
  const targets: PlannedTarget[] = [
    ...resolution.local.map((l) => target('local', l.account.address, { account: l.account, ...(l.extension !== undefined ? { extension: l.extension } : {}) })),
    ...resolution.remote.map((r) => target('remote', r)),
    ...resolution.unknown.map((u) => target('unknown', u)),
  ];
  if (targets.length === 0) {
    // Nothing at all (the directory answers unknown rather than this; kept for safety): the recipient is unknown.
    targets.push(target('unknown', recipient.address));
  }
  return { index, recipient, targets, expanded };
}

/** The reply text of an unknown address (Postfix: "User unknown in virtual mailbox table"). */
export function unknownText(address: string): string {
  return `550 5.1.1 <${address}>: Recipient address rejected: User unknown`;
}

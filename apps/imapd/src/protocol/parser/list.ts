// LIST (RFC 9051 §6.3.9, RFC 5258 LIST-EXTENDED, RFC 6154 SPECIAL-USE, RFC 5819 LIST-STATUS).
import { readStatusItems } from './status-items.js';
import type { Reader } from './reader.js';
import type { Command, ListReturn, ListSelection } from './types.js';

/**
 * LIST [SP "(" [selection-option *(SP selection-option)] ")"] SP mailbox SP (list-mailbox / "(" list-mailbox
 * *(SP list-mailbox) ")") [SP "RETURN" SP "(" [return-option *(SP return-option)] ")"].
 */
export function parseList(r: Reader, tag: string): Command {
  const selection: ListSelection = { subscribed: false, remote: false, recursiveMatch: false, specialUse: false };
  const returns: ListReturn = { subscribed: false, children: false, specialUse: false, status: null };
  let extended = false;
  r.sp();
  if (r.peek() === 0x28) {
    extended = true;
    r.list(() => readSelectionOption(r, selection), true, 'selection options');
    if (selection.recursiveMatch && !selection.subscribed && !selection.specialUse) {
      r.fail('RECURSIVEMATCH needs another selection option');
    }
    r.sp();
  }
  const reference = r.mailbox(false);
  r.sp();
  let patterns: string[];
  if (r.peek() === 0x28) {
    extended = true;
    patterns = r.list(() => r.listMailbox(), false, 'mailbox patterns');
  } else {
    patterns = [r.listMailbox()];
  }
  if (r.trySp()) {
    if (!r.tryKeyword('RETURN')) r.fail('Expected RETURN');
    extended = true;
    r.sp();
    r.list(() => readReturnOption(r, returns), true, 'return options');
  }
  return { tag, name: 'LIST', reference, patterns, selection, returns, extended };
}

function readSelectionOption(r: Reader, selection: ListSelection): void {
  switch (r.keyword('selection option')) {
    case 'SUBSCRIBED':
      selection.subscribed = true;
      return;
    case 'REMOTE':
      selection.remote = true;
      return;
    case 'RECURSIVEMATCH':
      selection.recursiveMatch = true;
      return;
    case 'SPECIAL-USE':
      selection.specialUse = true;
      return;
    default:
      r.fail('Unknown LIST selection option');
  }
}

function readReturnOption(r: Reader, returns: ListReturn): void {
  switch (r.keyword('return option')) {
    case 'SUBSCRIBED':
      returns.subscribed = true;
      return;
    case 'CHILDREN':
      returns.children = true;
      return;
    case 'SPECIAL-USE':
      returns.specialUse = true;
      return;
    case 'STATUS':
      r.sp();
      returns.status = [...new Set([...(returns.status ?? []), ...readStatusItems(r)])];
      return;
    default:
      r.fail('Unknown LIST return option');
  }
}

/** The help text of `sealed` and of every command (`sealed <command> --help`). */

export interface CommandHelp {
  readonly usage: string;
  readonly summary: string;
  readonly details: readonly string[];
}

const COMMON = [
  'Options of every command:',
  '  --data-dir DIR     where this device keeps its vault (default $SEALED_HOME, else ~/.sealed)',
  '  --passcode-fd N    read the passcode from file descriptor N (one per line) instead of the terminal',
  '  --timeout SECONDS  longest wait for the server (default 30)',
  '  --help             this text',
  'The passcode is read from the terminal without echo, or from SEALED_PASSCODE, or --passcode-fd.',
];

export const COMMANDS: Readonly<Record<string, CommandHelp>> = {
  init: {
    usage: 'sealed init <username> --server <url> [--max-attempts N] [--kt-config HEX] [--kt-auditors N] [--kt-max-age S] [--no-transparency]',
    summary: 'create an account on a server and lock this device with a passcode',
    details: [
      'Creates the vault (Argon2id calibrated on this machine, at least 64 MiB) and registers',
      '<username> on the server at <url>. The passcode is asked twice.',
      '  --server URL       the Sealed server, e.g. http://127.0.0.1:8080',
      '  --max-attempts N   wrong passcodes in a row before this device erases its keys (1-1000, default 10)',
      'Key transparency (docs/key-transparency.md): the server\'s log configuration (its signing',
      'key, auditor keys, bounds) is pinned now, trusted on first use, and every contact is then',
      'checked in the log; changes to your own account you did not make are reported.',
      '  --kt-config HEX     pin this configuration (from the operator) instead; init refuses another',
      '  --kt-auditors N     auditor countersignatures a checkpoint needs (default: all the server names)',
      '  --kt-max-age S      refuse a log checkpoint older than S seconds (default: the server\'s bound)',
      '  --no-transparency   go without (contacts\' keys trusted on first use only)',
    ],
  },
  link: {
    usage: 'sealed link --server <url>   (on the new device) | sealed link <code>   (on a device that has the account)',
    summary: 'link another device to your account',
    details: [
      'On the new device, `sealed link --server <url>` sets its passcode and shows a code (and its QR)',
      'and a verification code. On a device that already has the account, `sealed link <code>`',
      'approves it; both show the same verification code. The new device gets the account and is',
      'added to every conversation; it does not get the message history.',
      '  --server URL       (new device) the Sealed server of the account',
      '  --max-attempts N   (new device) wrong passcodes before it erases its keys (default 10)',
      '  --kt-config, --kt-auditors, --kt-max-age, --no-transparency   (new device) as for init',
    ],
  },
  devices: {
    usage: 'sealed devices [remove <device-id>]',
    summary: "list this account's devices, or remove one",
    details: [
      'Lists the devices in the account\'s signed device list; this one is marked.',
      '`remove <device-id>` (the first digits are enough) removes another device: it is signed out at',
      'once and removed from every conversation; it erases its keys and messages as soon as it learns it',
      '(when it next runs, or at once if a chat is open on it).',
    ],
  },
  contacts: {
    usage: 'sealed contacts',
    summary: 'list the people you share conversations with',
    details: ['Everyone who is a member of a conversation with you, with the conversations you share.'],
  },
  chat: {
    usage: 'sealed chat <user|group|id> [--history N]',
    summary: 'interactive chat: history, then new messages as they arrive',
    details: [
      'Shows the last N messages (default 20), then every new one live; your messages show their receipts',
      '(sent, delivered to, read by) and timer changes show as lines. Showing a message sends its read',
      'receipt (unless `sealed settings receipts off`). Type a line and press Enter to send it.',
      'Commands inside the chat: /send-file PATH [caption] (encrypted, with progress),',
      '/files, /save N PATH (download with progress), /members, /help, /quit (or Ctrl-D).',
      'A user with no conversation yet gets a new 1:1 conversation.',
      '  --history N   messages of history to show (0-1000)',
    ],
  },
  send: {
    usage: 'sealed send <user|group|id> <text...>',
    summary: 'send one message and exit once the server has it',
    details: ['A user with no conversation yet gets a new 1:1 conversation. Use "-" as the text to read it from standard input.'],
  },
  group: {
    usage: 'sealed group create <name> <user...> | add <group> <user> | remove <group> <user> | leave <group> | list',
    summary: 'make and manage groups',
    details: [
      '  create <name> <user...>  a new group with these users; <name> is how this device calls it',
      '  add <group> <user>       add every device of <user>',
      '  remove <group> <user>    remove every device of <user>',
      '  leave <group>            leave the group on all your devices (the next member online completes it)',
      '  list                     every conversation: id, name, members, epoch',
      'A <group> is its name on this device, or the first digits of its id (see list).',
    ],
  },
  verify: {
    usage: 'sealed verify <user> [--mark | --unmark | --accept]',
    summary: 'compare safety numbers with a contact (digits and QR code)',
    details: [
      'Shows the 60-digit safety number you share with <user> and its QR code. Compare them in person;',
      'when they match, mark the contact verified. You are warned if a verified key ever changes.',
      'Beside it, the key transparency status: verified in the log at checkpoint size N and',
      'countersigned by K auditors, pending (not logged yet), or FAILED with the reason.',
      '  --mark     mark <user> verified (pinned to the current identity key)',
      '  --unmark   remove the mark',
      '  --accept   accept a changed identity key (after comparing the new number)',
    ],
  },
  timer: {
    usage: 'sealed timer <user|group|id> [<duration> | off]',
    summary: 'show or set the disappearing-messages timer of a conversation',
    details: [
      'Without a duration, shows the timer. With one, sets it for every member: each of their devices',
      'deletes a message (from its screen and its storage) that long after it arrived there, including',
      'a device that was offline and catches up later. The change appears in `sealed chat` as a line.',
      '  <duration>   a number and a unit: 30s, 5m, 1h, 2d, 1w (1 second to 1 year)',
      '  off          messages stay until deleted',
      'A user with no conversation yet gets a new 1:1 conversation.',
    ],
  },
  settings: {
    usage: 'sealed settings [receipts on|off]',
    summary: "show or change this device's settings (delivery and read receipts)",
    details: [
      'Without arguments, shows the settings. `receipts off`: this device sends no delivery or read',
      'receipts, so senders never see "delivered" or "read" from it; `receipts on` sends them again.',
      'Receipts are encrypted like messages. Each device has its own setting.',
      'Your own messages show what others reported in `sealed chat`: (sent), (delivered to bob), (read by bob).',
    ],
  },
  lock: {
    usage: 'sealed lock',
    summary: 'lock this device now: a running chat forgets its keys and exits',
    details: ['Every other command locks the vault again when it exits; `lock` closes a running `sealed chat`.'],
  },
  passcode: {
    usage: 'sealed passcode',
    summary: 'change the passcode',
    details: [
      'Asks for the current passcode, then the new one twice. The vault key is re-wrapped; records',
      'are not re-encrypted. From scripts: SEALED_PASSCODE and SEALED_NEW_PASSCODE, or two lines on --passcode-fd.',
    ],
  },
  status: {
    usage: 'sealed status',
    summary: 'this device: vault, account, server, conversations',
    details: [
      'Shows the vault state without a passcode; with the passcode also the account and whether the server answers,',
      'and key transparency: the pinned log, the latest checkpoint, devices pending in the log and the alerts kept',
      '(changes to your account you did not make, a forked log, devices never logged).',
    ],
  },
};

export function commandHelp(name: string): string {
  const help = COMMANDS[name]!;
  return [`Usage: ${help.usage}`, '', `${help.summary[0]!.toUpperCase()}${help.summary.slice(1)}.`, ...help.details, '', ...COMMON].join('\n');
}

export function mainHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  return [
    'sealed: end-to-end encrypted messaging from a terminal.',
    '',
    'Usage: sealed <command> [arguments] [options]',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, help]) => `  ${name.padEnd(width)}  ${help.summary}`),
    '',
    'Run `sealed <command> --help` for the details of one command.',
    'Exit codes: 0 ok, 1 internal error, 2 usage, 3 no account here / damaged vault, 4 wrong passcode,',
    '5 vault erased (wrong passcodes, or this device removed from the account), 6 server unreachable or too slow, 7 not found, 8 device busy, 9 not available yet,',
    '10 refused by the server.',
    '',
    ...COMMON,
  ].join('\n');
}

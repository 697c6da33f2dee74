/**
 * Attachments inside `sealed chat`: `/send-file PATH [caption]` encrypts and uploads a file
 * (streamed, per-file key; progress shown), then sends its reference in the conversation;
 * `/files` lists the files of the conversation; `/save N PATH` downloads, decrypts and checks
 * file N (written as PATH.part, renamed only once its hash matched). Transfers run one at a
 * time, in the order typed.
 */
import { stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { nodeProvider } from '@sealed/crypto/node/provider';
import { downloadAttachment, uploadAttachment, type Progress } from '@sealed/client/features/attachments/node-transfer';
import type { SealedHost } from '@sealed/client/host/host';
import type { StoredMessage } from '@sealed/client/host/records';
import { explain } from '../explain.ts';
import { safeText, size } from '../render.ts';

/** Most files listed by /files: the newest ones. */
const MAX_LISTED_FILES = 1000;
/** Progress is printed at most every this many percent. */
const PROGRESS_STEP = 25;

const TYPES: Readonly<Record<string, string>> = { '.txt': 'text/plain', '.pdf': 'application/pdf', '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg' };

function progressPrinter(print: (line: string) => void, verb: string, name: string): (p: Progress) => void {
  let last = -PROGRESS_STEP;
  return (p) => {
    if (p.total === undefined || p.total === 0) return;
    const percent = Math.floor((p.done / p.total) * 100);
    if (percent - last < PROGRESS_STEP && percent < 100) return;
    last = percent;
    print(`* ${verb} ${name}: ${percent}% (${size(p.done)} of ${size(p.total)})`);
  };
}

export class FileCommands {
  #queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly host: SealedHost,
    private readonly conversationId: string,
    private readonly print: (line: string) => void,
    private readonly timeoutMs: number,
  ) {}

  /** Resolves when every transfer typed so far has finished. */
  idle(): Promise<void> {
    return this.#queue;
  }

  run(command: string): void {
    this.#queue = this.#queue.then(() => this.#run(command)).catch((error: unknown) => this.print(`* ${explain(error).message}`));
  }

  async #files(): Promise<StoredMessage[]> {
    return (await this.host.history(this.conversationId, MAX_LISTED_FILES)).filter((m) => m.attachment !== null && !m.deleted);
  }

  async #run(command: string): Promise<void> {
    const token = this.host.sessionToken;
    if (command === '/files') {
      const files = await this.#files();
      if (files.length === 0) this.print('* no files in this conversation yet');
      files.forEach((m, i) => this.print(`* ${i + 1}: ${safeText(m.attachment!.filename)} (${size(m.attachment!.size)}) from ${m.outgoing ? 'you' : m.sender.username}`));
      return;
    }
    if (token === undefined) return this.print('* not signed in yet; try again in a moment');
    const options = { baseUrl: this.host.serverUrl, token, provider: nodeProvider };
    if (command.startsWith('/send-file ')) {
      const [path, ...caption] = command.slice('/send-file '.length).trim().split(' ');
      const info = await stat(path!).catch(() => undefined);
      if (info === undefined || !info.isFile()) return this.print(`* no file at ${path}`);
      const name = basename(path!);
      const ref = await uploadAttachment({ ...options, onProgress: progressPrinter(this.print, 'uploading', name) }, path!, { contentType: TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream', filename: name }, info.size);
      await this.host.sendAttachment(this.conversationId, ref, caption.join(' '));
      await this.host.settle(this.timeoutMs);
      return this.print(`* sent ${name}`);
    }
    const match = /^\/save (\d+) (.+)$/.exec(command);
    if (match === null) return this.print('* usage: /save N PATH (N from /files)');
    const file = (await this.#files())[Number(match[1]) - 1];
    if (file === undefined) return this.print(`* no file ${match[1]}; see /files`);
    const name = safeText(file.attachment!.filename);
    await downloadAttachment({ ...options, onProgress: progressPrinter(this.print, 'downloading', name) }, file.attachment!, match[2]!);
    this.print(`* saved ${name} to ${match[2]} (decrypted and checked)`);
  }
}

// The console "platform": the chat simulator and the tests talk to the bot through it,
// exactly as WeCom and DingTalk adapters will — it only turns typed lines into Sessions and
// shows what the bot pushes.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Session } from '../../session.ts';
import type { GroupTarget, MemberTarget, OutboundFile, OutboundImage, Sender } from '../../delivery/delivery.ts';
import { withMentions } from '../mentions.ts';

export interface Push {
  to: string; kind: 'member' | 'group'; text: string; file?: OutboundFile;
  /** An image (the circular's chart), and where it was written (the sender's imageDir). */
  image?: OutboundImage; imagePath?: string;
}

export class ConsoleSender implements Sender {
  readonly platform = 'console';
  readonly reachesEveryone = true;
  readonly pushes: Push[] = [];
  /** `imageDir`: where images are written (the simulator: $DATA_DIR/images), the path shown in the push. */
  constructor(private readonly onPush?: (p: Push) => void, private readonly imageDir?: string) {}

  /** The console shows a picture as the file it wrote. */
  imageMode() { return 'bytes' as const; }
  async sendImageToMember(to: MemberTarget, image: OutboundImage) {
    await this.recordImage({ to: to.name, kind: 'member' }, image);
  }
  async sendImageToGroup(to: GroupTarget, image: OutboundImage) {
    await this.recordImage({ to: to.name ?? to.chatId, kind: 'group' }, image);
  }
  private async recordImage(p: Pick<Push, 'to' | 'kind'>, image: OutboundImage) {
    const size = `${Math.max(1, Math.round(image.data.length / 1024))} KB`;
    let imagePath: string | undefined;
    if (this.imageDir) {
      await mkdir(this.imageDir, { recursive: true });
      imagePath = freeName(this.imageDir, image.name);
      await writeFile(imagePath, image.data);
    }
    this.record({ ...p, text: `[图片] ${image.name}（${size}）${imagePath ? `：${imagePath}` : ''}`, image, ...(imagePath ? { imagePath } : {}) });
  }

  async sendToMember(to: MemberTarget, text: string) {
    this.record({ to: to.name, kind: 'member', text });
  }
  /** A file (an export) is shown as a line and kept in the push, bytes and all. */
  async sendFileToMember(to: MemberTarget, file: OutboundFile) {
    this.record({ to: to.name, kind: 'member', text: `[文件] ${file.name}（${Math.max(1, Math.round(file.data.length / 1024))} KB）`, file });
  }
  async sendToGroup(to: GroupTarget, text: string) {
    this.record({ to: to.name ?? to.chatId, kind: 'group', text: withMentions(text, to.mentions) });
  }
  private record(p: Push) {
    this.pushes.push(p);
    this.onPush?.(p);
  }
}

/** Build the Session a person typing in the console produces. */
export function consoleSession(senderId: string, senderName: string, text: string, group?: string): Session {
  return {
    platform: 'console',
    chatId: group ? `group:${group}` : `dm:${senderId}`,
    chatType: group ? 'group' : 'direct',
    chatName: group,
    senderId,
    senderName,
    text,
    messageId: randomUUID(),
    receivedAt: new Date(),
  };
}

/** dir/name, or dir/name (2).ext … when a file of that name is already there. */
function freeName(dir: string, name: string): string {
  const safe = path.basename(name).replace(/[\\/:*?"<>|]/g, '_') || 'image.png';
  const ext = path.extname(safe);
  const stem = safe.slice(0, safe.length - ext.length);
  for (let i = 1; ; i++) {
    const p = path.join(dir, i === 1 ? safe : `${stem} (${i})${ext}`);
    if (!existsSync(p)) return p;
  }
}

// Bull Board at /admin/queues: the delivery and schedules queues, their job schedulers, failed
// jobs with their reasons, retries. Operators only: HTTP Basic auth with ADMIN_API_TOKEN as
// the password (any user name), and closed — never open — when the token is not set.
import type { Express, NextFunction, Request, Response } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import { Queue, type ConnectionOptions } from 'bullmq';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { App } from '../app.ts';
import { DELIVERY_QUEUE } from '../delivery/delivery.ts';
import { SCHEDULE_QUEUE } from '../../jobs/scheduler.ts';

export const BULL_BOARD_PATH = '/admin/queues';
const REALM = 'Basic realm="campaign-bot queues", charset="UTF-8"';

/** Basic auth: the password must be the token; the user name is not checked (type anything, e.g. admin). */
export function basicAuth(token: string | undefined) {
  // Hashing both sides first makes the comparison constant-time whatever the lengths.
  const expected = token ? createHash('sha256').update(token).digest() : null;
  return (req: Request, res: Response, next: NextFunction) => {
    if (!expected) {
      res.status(503).type('text/plain; charset=utf-8')
        .send('队列面板已关闭：未配置 ADMIN_API_TOKEN。在 .env 中设置 ADMIN_API_TOKEN 并重启服务后，用任意用户名和该令牌作为密码登录。');
      return;
    }
    const encoded = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(req.get('authorization') ?? '')?.[1];
    const decoded = encoded ? Buffer.from(encoded, 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    const password = colon >= 0 ? decoded.slice(colon + 1) : '';
    const given = createHash('sha256').update(password).digest();
    if (colon < 0 || !timingSafeEqual(given, expected)) {
      res.status(401).set('WWW-Authenticate', REALM).type('text/plain; charset=utf-8')
        .send('需要登录：用户名任意，密码是 ADMIN_API_TOKEN。');
      return;
    }
    next();
  };
}

/** Mount the board at BULL_BOARD_PATH (web processes: ROLE=web|all). */
export function mountBullBoard(web: Express, app: App, adminToken: string | undefined): void {
  if (!adminToken) {
    web.use(BULL_BOARD_PATH, basicAuth(adminToken));
    return;
  }

  const queue = (name: string) => new Queue(name, { connection: app.redis as ConnectionOptions, prefix: app.queuePrefix })
    .on('error', (err) => app.log.warn({ err: err.message }, 'queue board: redis error'));
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(BULL_BOARD_PATH);
  createBullBoard({
    queues: [
      // The outbox row, not the job, decides whether a message is sent: retrying a failed delivery
      // here would do nothing, so the queue is read-only (failed pushes: /推送 状态).
      new BullMQAdapter(queue(DELIVERY_QUEUE), { readOnlyMode: true, displayName: '推送（delivery）', description: '每条待推送消息一个任务；失败原因见任务详情' }),
      // A retried run claims its period again in the database, so it never sends twice.
      new BullMQAdapter(queue(SCHEDULE_QUEUE), { displayName: '定时任务（schedules）', description: '逾期整改提醒、通报等定时任务及其下次运行时间' }),
    ],
    serverAdapter,
    options: { uiConfig: { boardTitle: '学习整改助手 队列', locale: { lng: 'zh-CN' }, hideDocsLink: true } },
  });
  // app.use (not a Router) so express mounts the board's own express app as a sub-app.
  web.use(BULL_BOARD_PATH, basicAuth(adminToken), serverAdapter.getRouter());
}

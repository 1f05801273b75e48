// The yardstick: a bare express server on the same route, answering the same requests.
//   plain  — parse the JSON body, answer a fixed reply of the same shape and size;
//   crypto — also what the service's adapter does before the bot: verify the signature, check
//            the timestamp, decrypt, parse, and seal (encrypt + sign) a reply.
// Run as a child process (`node --import tsx bench/bare-express.ts plain`); prints {"port":N}.
import express from 'express';
import { checkCallback, sealReply } from '../src/platforms/wecom/callback-crypto.ts';
import { BENCH_AES_KEY, BENCH_TOKEN, CALLBACK_PATH } from './load.ts';

const mode = process.argv[2] === 'crypto' ? 'crypto' : 'plain';
const keys = { token: BENCH_TOKEN, encodingAesKey: BENCH_AES_KEY, receiveId: '' };
const REPLY_TEXT = '✅ 已记录（#1）：今天 学习《中国共产党章程》 10分钟\n心得已保存（9字）。\n今天累计 10分钟；本阶段 10分钟 / 目标 15学时\n在县人民医院排第 1 名（共 100 人）';
const reply = (now: number) => {
  const sealed = sealReply(keys, JSON.stringify({ msgtype: 'stream', stream: { id: 'stream_0', finish: true, content: REPLY_TEXT } }), now);
  return { encrypt: sealed.encrypt, msgsignature: sealed.signature, timestamp: Number(sealed.timestamp), nonce: sealed.nonce };
};
const FIXED = reply(Math.floor(Date.now() / 1000));

const app = express();
app.disable('x-powered-by');
app.post(CALLBACK_PATH, express.json({ limit: '64kb', type: () => true, strict: true }), (req, res) => {
  const envelope = req.body as { encrypt?: unknown };
  if (typeof envelope?.encrypt !== 'string') return res.status(400).send('bad request');
  if (mode === 'plain') return res.status(200).json(FIXED);
  const now = Math.floor(Date.now() / 1000);
  const r = checkCallback(keys, { signature: req.query.msg_signature, timestamp: req.query.timestamp, nonce: req.query.nonce, encrypted: envelope.encrypt, nowSeconds: now });
  if (!r.ok) return res.status(r.status).send('forbidden');
  JSON.parse(r.plaintext);
  res.status(200).json(reply(now));
});
const server = app.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as { port: number }).port, mode })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));

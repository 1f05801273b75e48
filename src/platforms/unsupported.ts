// What every adapter answers to a message it cannot read (a voice message without recognised
// text, a video, a location, a card): one short line asking for text, never silence.
export const UNSUPPORTED_REPLY = '目前只能处理文字消息，请直接发文字，例如：打卡 学习《党章》 1小时。';

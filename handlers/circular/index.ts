// 通报: preview, send, history and the score's weights; the console's 通报 page (http.ts).
import type { Feature } from '../../src/plugin.ts';
import circularPreview from './circular-preview.ts';
import circularSend from './circular-send.ts';
import circularHistory from './circular-history.ts';
import circularWeights from './circular-weights.ts';
import { circularHttp } from './http.ts';

export default { name: 'circular', commands: [circularPreview, circularSend, circularHistory, circularWeights], http: circularHttp } satisfies Feature;

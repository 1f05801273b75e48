// 通报: preview, send, history and the score's weights.
import type { Feature } from '../../src/plugin.ts';
import circularPreview from './circular-preview.ts';
import circularSend from './circular-send.ts';
import circularHistory from './circular-history.ts';
import circularWeights from './circular-weights.ts';

export default { name: 'circular', commands: [circularPreview, circularSend, circularHistory, circularWeights] } satisfies Feature;

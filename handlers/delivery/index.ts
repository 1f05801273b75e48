import type { Feature } from '../../src/plugin.ts';
import deliveryStatus from './delivery-status.ts';

export default { name: 'delivery', commands: [deliveryStatus] } satisfies Feature;

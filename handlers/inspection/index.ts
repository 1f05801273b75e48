// 督查: rounds of inspection led by bureau leaders ("一月一督查"), their findings per unit with
// photos and scores, 转整改 into the ledger; the console's 督查 page (http.ts).
import type { Feature } from '../../src/plugin.ts';
import inspectionNew from './inspection-new.ts';
import inspectionChecklist from './inspection-checklist.ts';
import inspectionChecklistSet from './inspection-checklist-set.ts';
import inspectionScoring from './inspection-scoring.ts';
import inspectionFinding from './inspection-finding.ts';
import inspectionToRect from './inspection-to-rect.ts';
import inspectionList from './inspection-list.ts';
import inspectionShow from './inspection-show.ts';
import inspectionComplete from './inspection-complete.ts';
import inspectionMine from './inspection-mine.ts';
import { inspectionHttp } from './http.ts';

export const inspectionCommands = [
  inspectionList, inspectionShow, inspectionMine, inspectionFinding, inspectionToRect, inspectionComplete,
  inspectionNew, inspectionChecklist, inspectionChecklistSet, inspectionScoring,
];

export default { name: 'inspection', commands: inspectionCommands, http: inspectionHttp } satisfies Feature;

// 典型案例与制度: units send in their good practice (案例, AL-001) and the rules they adopted (制度,
// ZD-001); the office selects cases for the circular's 好的做法 and may return a rule that is not one.
import type { Feature } from '../../src/plugin.ts';
import caseSubmit from './case-submit.ts';
import caseList from './case-list.ts';
import caseShow from './case-show.ts';
import caseSelect from './case-select.ts';
import caseDecline from './case-decline.ts';
import ruleSubmit from './rule-submit.ts';
import ruleList from './rule-list.ts';
import ruleShow from './rule-show.ts';
import ruleReturn from './rule-return.ts';
import { casesHttp } from './http.ts';

export default {
  name: 'cases',
  commands: [caseSubmit, caseList, caseShow, ruleSubmit, ruleList, ruleShow, caseSelect, caseDecline, ruleReturn],
  http: casesHttp,
} satisfies Feature;

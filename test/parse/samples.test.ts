// Every check-in line of the shared sample file must parse to the minutes and material it
// lists. The file is read from ../shared beside the repo when it is there, else from the copy
// committed in test/fixtures (test/support/samples.ts); with neither, or with no check-in lines
// in it, the suite fails (a silently skipped contract test would prove nothing). Then the repo's
// own phrasings, test/fixtures/messages-extra.tsv.
import { describe, it, expect } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { parseCheckinText } from '../../src/parse/duration.ts';

import { extraSamplesPath, samplesPath } from '../support/samples.ts';
const opts = { bareUnit: { name: '小时' as const, minutes: 60 } };

// The command keyword is the command router's business, not the parser's.
const KEYWORD = /^(?:学习打卡|打卡|签到|\/checkin)\s*/i;

interface Sample {
  line: number;
  text: string;
  kind: string;
  minutes: number | null;
  material: string | null;
  /** What was studied, as written (a sixth column, in the repo's own extra file only). */
  content?: string | null;
}

function loadCheckins(file = samplesPath, kinds = ['checkin']): Sample[] {
  const lines = readFileSync(file, 'utf8').split(/\r?\n/);
  const out: Sample[] = [];
  lines.forEach((raw, i) => {
    if (raw.trim() === '' || raw.startsWith('#')) return;
    const cols = raw.split('\t');
    const [text, kind, minutes = '', material = ''] = cols;
    if (!kinds.includes(kind)) return;
    out.push({
      line: i + 1,
      text,
      kind,
      minutes: minutes.trim() === '' ? null : Number(minutes),
      material: material.trim() === '' ? null : material.trim(),
      ...(cols.length >= 6 ? { content: cols[5].trim() || null } : {}),
    });
  });
  return out;
}

describe('shared/samples/messages.tsv check-ins', () => {
  const present = existsSync(samplesPath);

  it('the samples file exists', () => {
    expect(present, `samples file missing: ${samplesPath} (expected ../shared beside the repo)`).toBe(true);
  });

  const samples = present ? loadCheckins() : [];

  it('holds check-in lines', () => {
    expect(samples.length, `no checkin lines read from ${samplesPath}`).toBeGreaterThan(0);
  });

  for (const s of samples) {
    it(`line ${s.line}: ${s.text}`, () => {
      const r = parseCheckinText(s.text.replace(KEYWORD, ''), opts);
      expect({ minutes: r.minutes, material: r.title }).toEqual({
        minutes: s.minutes,
        material: s.material,
      });
    });
  }
});

// The repo's own phrasings, grown with issue #18 (the shared file above lives outside the repo).
describe('test/fixtures/messages-extra.tsv', () => {
  const samples = loadCheckins(extraSamplesPath, ['checkin', 'unclear']);

  it('holds check-in lines and unclear ones', () => {
    expect(samples.filter((s) => s.kind === 'checkin').length).toBeGreaterThan(5);
    expect(samples.filter((s) => s.kind === 'unclear').length).toBeGreaterThan(0);
  });

  for (const s of samples) {
    it(`line ${s.line}: ${s.text}`, () => {
      const r = parseCheckinText(s.text.replace(KEYWORD, ''), opts);
      if (s.kind === 'unclear') {
        expect(r.problem).toMatchObject({ kind: 'unclear' });
        return;
      }
      expect({ minutes: r.minutes, material: r.title, content: r.content, problem: r.problem })
        .toEqual({ minutes: s.minutes, material: s.material, content: s.content ?? null, problem: null });
    });
  }
});

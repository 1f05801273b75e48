// Every check-in line of the shared sample file must parse to the minutes and material it
// lists. The file lives beside the repo (../shared), locally and in CI; if it is missing
// the suite FAILS (a silently skipped contract test would prove nothing).
import { describe, it, expect } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCheckinText } from '../../src/parse/duration.ts';

import { samplesPath } from '../support/samples.ts';
const opts = { bareUnit: { name: '小时' as const, minutes: 60 } };

// The command keyword is the command router's business, not the parser's.
const KEYWORD = /^(?:学习打卡|打卡|签到|\/checkin)\s*/i;

interface Sample {
  line: number;
  text: string;
  minutes: number | null;
  material: string | null;
}

function loadCheckins(): Sample[] {
  const lines = readFileSync(samplesPath, 'utf8').split(/\r?\n/);
  const out: Sample[] = [];
  lines.forEach((raw, i) => {
    if (raw.trim() === '' || raw.startsWith('#')) return;
    const [text, kind, minutes = '', material = ''] = raw.split('\t');
    if (kind !== 'checkin') return;
    out.push({
      line: i + 1,
      text,
      minutes: minutes.trim() === '' ? null : Number(minutes),
      material: material.trim() === '' ? null : material.trim(),
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

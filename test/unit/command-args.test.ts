// A command's argument types come from its declaration alone (no second declaration to drift):
// checked at compile time by tsc (npm run typecheck) through expectTypeOf, and at run time by
// parsing real text with the registry.
import { describe, expect, expectTypeOf, it } from 'vitest';
import { defineCommand, parseArgs } from '../../src/commands/registry.ts';
import type { MemberRow, UnitRow } from '../../src/domain/directory.ts';
import { z } from '../../src/commands/payload.ts';

const cmd = defineCommand({
  name: 'demo', keywords: [['演示']], summary: '', section: '', roles: [], examples: [],
  args: [
    { name: 'unit', label: '单位', type: 'unit' },
    { name: 'minutes', label: '时长', type: 'duration' },
    { name: 'kind', label: '类型', type: 'choice', choices: ['全体', '负责人'] },
    { name: 'due', label: '时限', type: 'date', labelled: true, optional: true },
    { name: 'note', label: '说明', type: 'rest', optional: true },
    { name: 'who', label: '人员', type: 'member', labelled: true, optional: true },
  ],
  payload: z.object({ unitId: z.number() }),
  async run(_ctx, args) {
    return { preview: args.unit.name, payload: { unitId: args.unit.id } };
  },
  async commit(_ctx, p) { return String(p.unitId); },
});

describe('command arguments from one declaration', () => {
  it('infers each argument\'s type, required or optional, from args', () => {
    type Args = Parameters<typeof cmd.run>[1];
    expectTypeOf<Args['unit']>().toEqualTypeOf<UnitRow>();
    expectTypeOf<Args['who']>().toEqualTypeOf<MemberRow | undefined>();
    expectTypeOf<Args['minutes']>().toEqualTypeOf<number>();
    expectTypeOf<Args['kind']>().toEqualTypeOf<'全体' | '负责人'>();
    expectTypeOf<Args['due']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<Parameters<NonNullable<typeof cmd.commit>>[1]>().toEqualTypeOf<{ unitId: number }>();
  });

  it('parses text into exactly those values', async () => {
    const unit = { id: 7, name: '县人民医院' } as UnitRow;
    const ctx = {
      now: new Date('2026-12-07T02:00:00Z'),
      durationOptions: () => ({ bareUnit: { name: '小时' as const, minutes: 60 }, xueshiMinutes: 45 }),
      resolveUnit: async (name: string) => { if (name !== '县人民医院') throw new Error(name); return unit; },
      resolveMember: async () => { throw new Error('not asked'); },
    };
    const args = await parseArgs(ctx, cmd, '县人民医院 1.5小时 负责人 请按时完成 时限：12月20日');
    expect(args).toEqual({ unit, minutes: 90, kind: '负责人', due: '2026-12-20', note: '请按时完成' });
  });
});

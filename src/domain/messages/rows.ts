// Imports (名单, 整改台账, 节假日) refuse a whole file and list every bad row: each row's problems
// are typed like errors, and worded here as 「第 N 行：问题；问题」.

type Renderers = Record<string, (p: never) => string>;

/** One problem of a row: its code and the fields its wording takes. */
export type ProblemOf<R extends Renderers> = {
  [K in keyof R]: { code: K } & (Parameters<R[K]> extends [infer P] ? P : unknown)
}[keyof R];

export interface BadRow<P> { line: number; problems: P[] }

export function rowLines<R extends Renderers>(renderers: R, rows: BadRow<ProblemOf<R>>[]): string {
  const word = (p: ProblemOf<R>) => (renderers[p.code] as unknown as (p: ProblemOf<R>) => string)(p);
  return rows.map((r) => `第 ${r.line} 行：${r.problems.map(word).join('；')}`).join('\n');
}

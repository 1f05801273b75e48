// The circular as a picture: one PNG per circular, drawn server-side — Apache ECharts renders
// SVG without a browser (ssr: true), @resvg/resvg-js turns it into a PNG with a CJK font.
// Laid out for a phone (1080 px wide, the text at 26–44 px, so it still reads at a phone's width):
//   the title and the period's totals;
//   全活动 this period against the last stored circular (参与率, 学时完成度, 任务完成率, 整改销号率);
//   the units ranked by score, one row each with three columns — 综合得分 (with the move in rank,
//   末位 in red), 参与率, 人均学时 against the period's target (a dashed line). Up to
//   ALL_ROWS_MAX units are all shown; more (200 units) show the first and last EDGE_ROWS with a
//   marked gap between, so the image stays about as tall as for 30 units.
// Core, no SQL: CircularData in (src/domain/messages/circular.ts), bytes out. The words are the
// catalogue's (CHART_WORDS). The Word 通报 embeds the same PNG (circularChartSize gives its size).
//
// Why resvg's WebAssembly build (@resvg/resvg-wasm, the same resvg 2.6.2 as @resvg/resvg-js):
// the native binding takes fonts only as files (fontFiles) and reads the file again for every
// glyph it draws (thx/resvg-js#367) — with the 19 MB Noto CJK collection that was 9 s for one
// chart here. The WebAssembly build takes the font as bytes (fontBuffers), read once per process.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as echarts from 'echarts';
import { initWasm, Resvg } from '@resvg/resvg-wasm';
import { CHART_WORDS as W, type CircularData, type CircularUnit } from '../domain/messages/circular.ts';

export const CHART_WIDTH = 1080;
/** Every unit is a row up to this many units; beyond it, the first and last EDGE_ROWS. */
export const ALL_ROWS_MAX = 40;
export const EDGE_ROWS = 15;
/** WeCom's group robot takes an image of at most 2 MB; the chart stays well under it. */
export const CHART_MAX_BYTES = 2 * 1024 * 1024;

const ROW = 48;
const HEADER = 170;
const TREND = 430;
const RANK_HEAD = 160;
const FOOTER = 80;
const NAME_W = 330;
const COLORS = { bar: '#2F6BDB', previous: '#B8C0CC', last: '#D9342B', below: '#F0A030', met: '#2BA471', text: '#1F2329', muted: '#646A73', grid: '#E5E6EB' };

// ------------------------------------------------------------------------------ the font

/**
 * Where a CJK font usually is: Debian/Ubuntu fonts-noto-cjk first (scripts/setup.sh installs it),
 * then other distributions' Noto / Source Han, WenQuanYi, Droid, and macOS.
 */
export const CJK_FONT_PATHS = [
  '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf',
  '/usr/share/fonts/adobe-source-han-sans/SourceHanSansCN-Regular.otf',
  '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc',
  '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc',
  '/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf',
  '/System/Library/Fonts/PingFang.ttc',
  '/System/Library/Fonts/STHeiti Medium.ttc',
];
/** The families those files hold, in the same order of preference (resvg falls back per glyph to any loaded font). */
const CJK_FAMILIES = ['Noto Sans CJK SC', 'Source Han Sans CN', 'Source Han Sans SC', 'WenQuanYi Micro Hei', 'WenQuanYi Zen Hei', 'Droid Sans Fallback', 'PingFang SC', 'Heiti SC'];
const FONT_FAMILY = [...CJK_FAMILIES.map((f) => `'${f}'`), 'sans-serif'].join(', ');

export interface ChartFont { file: string | null; warning: string | null }
let font: ChartFont | null = null;

/**
 * The CJK font file the chart is drawn with, found once: CHART_FONT (src/config.ts checks it is
 * a file) or the first of CJK_FONT_PATHS that exists. Only this file is loaded — loading every
 * system font costs about 2 s a render. None found: `warning` says so (logged once by the
 * caller's logger through chartFontWarning), and the chart is drawn anyway (Chinese as boxes).
 */
export function chartFont(env: NodeJS.ProcessEnv = process.env): ChartFont {
  if (font) return font;
  const set = env.CHART_FONT?.trim();
  if (set && existsSync(set)) return (font = { file: set, warning: null });
  const file = CJK_FONT_PATHS.find((p) => existsSync(p)) ?? null;
  const warning = file ? null
    : `no CJK font found for the circular's chart (${set ? `CHART_FONT=${set} does not exist; ` : ''}looked in ${CJK_FONT_PATHS.slice(0, 3).join(', ')} …): `
      + 'Chinese text in the chart will not show. Install fonts-noto-cjk (apt-get install fonts-noto-cjk, or npm run setup) or set CHART_FONT to a .ttf/.otf/.ttc file.';
  return (font = { file, warning });
}

let warned = false;
/** The missing-font warning, once per process (null afterwards, and when a font is there). */
export function chartFontWarning(): string | null {
  const w = chartFont().warning;
  if (!w || warned) return null;
  warned = true;
  return w;
}

/** Forget the font found (tests that set CHART_FONT). */
export function resetChartFont() {
  font = null;
  warned = false;
}

// ------------------------------------------------------------------------------ the layout

/** The rows of the ranking: units, and a gap standing for those left out. */
type Row = { kind: 'unit'; u: CircularUnit } | { kind: 'gap'; count: number; from: number; to: number };

function rowsOf(d: CircularData): Row[] {
  const units = d.units;
  if (units.length <= ALL_ROWS_MAX) return units.map((u) => ({ kind: 'unit', u }));
  const head = units.slice(0, EDGE_ROWS);
  const tail = units.slice(units.length - EDGE_ROWS);
  const from = head.length + 1;
  const to = units.length - tail.length;
  return [...head.map((u) => ({ kind: 'unit' as const, u })), { kind: 'gap', count: to - from + 1, from, to }, ...tail.map((u) => ({ kind: 'unit' as const, u }))];
}

/** The chart's size in pixels for this circular (the Word 通报 places it at this aspect ratio). */
export function circularChartSize(d: CircularData): { width: number; height: number } {
  return { width: CHART_WIDTH, height: HEADER + TREND + RANK_HEAD + Math.max(1, rowsOf(d).length) * ROW + FOOTER };
}

const pct = (x: number) => `${Math.round(x * 100)}%`;
const hours = (minutes: number) => Math.round((minutes / 60) * 10) / 10;
/** A unit's name cut to fit the name column. */
const short = (s: string, n = 10) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** 全活动's four figures for one circular: each a ratio (0..1) or, for study time without a target, hours. */
function kpis(d: CircularData) {
  const t = d.totals;
  const tasksRequired = d.units.reduce((s, u) => s + u.tasksRequired, 0);
  const tasksDone = d.units.reduce((s, u) => s + u.tasksDone, 0);
  return {
    participation: t.members ? t.participants / t.members : null,
    hours: d.periodTargetMinutes ? t.avgMinutes / d.periodTargetMinutes : null,
    avgHours: hours(t.avgMinutes),
    tasks: tasksRequired ? tasksDone / tasksRequired : null,
    rectification: t.rectTotal ? t.rectClosed / t.rectTotal : null,
  };
}

/** The ECharts option of the chart, and its size. */
export function circularChartOption(d: CircularData, previous: CircularData | null) {
  const { width, height } = circularChartSize(d);
  const rows = rowsOf(d);
  const text = { fontFamily: FONT_FAMILY, color: COLORS.text };

  // ---- 全活动: this period against the last
  const now = kpis(d);
  const before = previous ? kpis(previous) : null;
  type Kpi = { name: string; cur: number | null; prev: number | null; ratio: boolean };
  const all: Kpi[] = [
    { name: W.kpi.participation, cur: now.participation, prev: before?.participation ?? null, ratio: true },
    d.periodTargetMinutes
      ? { name: W.kpi.hours, cur: now.hours, prev: before?.hours ?? null, ratio: true }
      : { name: W.kpi.hoursNoTarget, cur: now.avgHours, prev: before?.avgHours ?? null, ratio: false },
    { name: W.kpi.tasks, cur: now.tasks, prev: before?.tasks ?? null, ratio: true },
    { name: W.kpi.rectification, cur: now.rectification, prev: before?.rectification ?? null, ratio: true },
  ];
  const shownKpis = all.filter((k) => k.cur !== null || k.prev !== null);
  // Ratios on one 0–100 scale (a bar past 100% is drawn at 100 and labelled with its value); hours
  // without a target against the larger of the two periods.
  const height100 = (k: Kpi, v: number | null) => (v === null ? null : k.ratio ? Math.min(100, v * 100) : (v / Math.max(k.cur ?? 0, k.prev ?? 0, 0.1)) * 100);
  const kpiLabel = (k: Kpi, v: number | null) => (v === null ? '' : k.ratio ? pct(v) : `${v}h`);
  const kpiSeries = (which: 'cur' | 'prev', name: string, color: string) => ({
    type: 'bar', name, xAxisIndex: 0, yAxisIndex: 0, barMaxWidth: 70, barGap: '15%',
    itemStyle: { color, borderRadius: [6, 6, 0, 0] },
    label: { show: true, position: 'top', fontSize: 26, ...text, formatter: (p: { dataIndex: number }) => kpiLabel(shownKpis[p.dataIndex], shownKpis[p.dataIndex][which]) },
    data: shownKpis.map((k) => height100(k, k[which])),
  });

  // ---- the ranking: three columns sharing the rows
  const rankTop = HEADER + TREND + RANK_HEAD;
  const target = d.periodTargetMinutes ? hours(d.periodTargetMinutes) : null;
  const gridH = rows.length * ROW;
  const cols = [
    { key: 'score', left: NAME_W + 10, width: 250, title: W.columns.score, note: W.notes.score({ compared: !!previous || d.units.some((u) => u.movement !== null) }) },
    { key: 'participation', left: 720, width: 120, title: W.columns.participation, note: W.notes.participation },
    { key: 'hours', left: 900, width: 100, title: W.columns.hours, note: W.notes.hours({ target }) },
  ] as const;
  const maxHours = Math.max(target ?? 0, ...d.units.map((u) => hours(u.avgMinutes)), 0.1);
  const labels = rows.map((r) => (r.kind === 'gap' ? '' : W.unitLabel({ rank: r.u.rank, name: short(r.u.unitName) })));
  const valueOf = (r: Row, key: (typeof cols)[number]['key']) => {
    if (r.kind === 'gap') return null;
    if (key === 'score') return r.u.score;
    if (key === 'participation') return Math.round(r.u.participationRate * 1000) / 10;
    return hours(r.u.avgMinutes);
  };
  const colorOf = (r: Row, key: (typeof cols)[number]['key']) => {
    if (r.kind === 'gap') return COLORS.bar;
    if (key === 'score') return r.u.last ? COLORS.last : COLORS.bar;
    if (key === 'participation') return r.u.last ? COLORS.last : COLORS.bar;
    return target === null ? COLORS.bar : hours(r.u.avgMinutes) >= target ? COLORS.met : COLORS.below;
  };
  const labelOf = (r: Row, key: (typeof cols)[number]['key']) => {
    if (r.kind === 'gap') return '';
    if (key === 'score') {
      const m = r.u.movement ? W.movement(r.u.movement) : null;
      return `{n|${r.u.score.toFixed(1)}}${m ? ` {${m.startsWith('↑') ? 'up' : m.startsWith('↓') ? 'down' : 'same'}|${m}}` : ''}`;
    }
    if (key === 'participation') return `{n|${pct(r.u.participationRate)}}`;
    return `{n|${hours(r.u.avgMinutes)}}`;
  };

  const gapRow = rows.findIndex((r) => r.kind === 'gap');
  const gap = gapRow >= 0 ? rows[gapRow] as Extract<Row, { kind: 'gap' }> : null;
  const lastRows = rows.map((r, i) => (r.kind === 'unit' && r.u.last ? i : -1)).filter((i) => i >= 0);

  const option = {
    animation: false,
    backgroundColor: '#FFFFFF',
    textStyle: { fontFamily: FONT_FAMILY },
    title: [
      { text: W.title({ campaign: d.campaignName, periodKey: d.period.key }), left: 40, top: 36, textStyle: { ...text, fontSize: 44, fontWeight: 'bold' } },
      {
        text: W.subtitle({ period: d.period, units: d.units.length, participants: d.totals.participants, members: d.totals.members, avgMinutes: d.totals.avgMinutes }),
        left: 40, top: 104, textStyle: { ...text, color: COLORS.muted, fontSize: 26 },
      },
      { text: W.trendTitle({ previousKey: previous ? previous.period.key : null }), left: 40, top: HEADER + 4, textStyle: { ...text, fontSize: 32, fontWeight: 'bold' } },
      { text: W.rankingTitle({ shown: rows.filter((r) => r.kind === 'unit').length, units: d.units.length }), left: 40, top: HEADER + TREND + 10, textStyle: { ...text, fontSize: 32, fontWeight: 'bold' } },
      ...cols.map((c) => ({ text: c.title, left: c.left, top: rankTop - 86, textStyle: { ...text, fontSize: 26 } })),
      ...cols.map((c) => ({ text: c.note, left: c.left, top: rankTop - 48, textStyle: { ...text, color: COLORS.muted, fontSize: 22 } })),
    ],
    legend: previous ? { top: HEADER + 10, right: 40, itemWidth: 28, itemHeight: 18, textStyle: { ...text, fontSize: 24 }, data: [W.series.previous, W.series.current] } : undefined,
    grid: [
      { left: 60, right: 40, top: HEADER + 80, height: TREND - 170 },
      ...cols.map((c) => ({ left: c.left, width: c.width, top: rankTop, height: gridH })),
    ],
    xAxis: [
      { type: 'category', gridIndex: 0, data: shownKpis.map((k) => k.name), axisTick: { show: false }, axisLine: { lineStyle: { color: COLORS.grid } },
        axisLabel: { ...text, fontSize: 26, margin: 16 } },
      ...cols.map((c, i) => ({
        type: 'value', gridIndex: i + 1, min: 0, max: c.key === 'hours' ? maxHours : 100, show: false,
      })),
    ],
    yAxis: [
      { type: 'value', gridIndex: 0, min: 0, max: 100, show: false },
      ...cols.map((c, i) => ({
        type: 'category', gridIndex: i + 1, inverse: true, data: labels,
        axisTick: { show: false }, axisLine: { show: i === 0, lineStyle: { color: COLORS.grid } },
        axisLabel: i === 0 ? {
          ...text, fontSize: 26, margin: 14, width: NAME_W - 50, overflow: 'truncate',
          color: (_v: string, idx: number) => (lastRows.includes(idx) ? COLORS.last : COLORS.text),
        } : { show: false },
        splitLine: { show: false },
      })),
    ],
    series: [
      ...(previous ? [kpiSeries('prev', W.series.previous, COLORS.previous)] : []),
      kpiSeries('cur', W.series.current, COLORS.bar),
      ...cols.map((c, i) => ({
        type: 'bar', xAxisIndex: i + 1, yAxisIndex: i + 1, barWidth: ROW * 0.56,
        showBackground: true, backgroundStyle: { color: '#F2F3F5' },
        label: {
          show: true, position: 'right', fontSize: 24, ...text,
          formatter: (p: { dataIndex: number }) => labelOf(rows[p.dataIndex], c.key),
          rich: {
            n: { fontSize: 24, fontFamily: FONT_FAMILY, color: COLORS.text },
            up: { fontSize: 24, fontFamily: FONT_FAMILY, color: COLORS.met },
            down: { fontSize: 24, fontFamily: FONT_FAMILY, color: COLORS.last },
            same: { fontSize: 22, fontFamily: FONT_FAMILY, color: COLORS.muted },
          },
        },
        data: rows.map((r) => ({ value: valueOf(r, c.key), itemStyle: { color: colorOf(r, c.key) } })),
        ...(c.key === 'hours' && target !== null ? {
          markLine: {
            silent: true, symbol: 'none', lineStyle: { color: COLORS.muted, type: 'dashed', width: 2 },
            label: { show: false }, data: [{ xAxis: target }],
          },
        } : {}),
      })),
    ],
    graphic: [
      ...(gap ? [
        { type: 'rect', shape: { x: 30, y: rankTop + gapRow * ROW + 4, width: width - 60, height: ROW - 8 }, style: { fill: '#FFFFFF' }, z: 10 },
        { type: 'text', x: width / 2, y: rankTop + gapRow * ROW + ROW / 2, z: 11,
          style: { text: W.gap(gap), fill: COLORS.muted, fontSize: 24, fontFamily: FONT_FAMILY, align: 'center', verticalAlign: 'middle' } },
      ] : []),
      ...lastRows.map((i) => ({
        // At the start of the (red) bar: the end of the column holds the score and its movement.
        type: 'text', left: cols[0].left + 6, top: rankTop + i * ROW + 10, z: 11,
        style: { text: W.last, fill: '#FFFFFF', fontSize: 22, fontFamily: FONT_FAMILY, backgroundColor: COLORS.last, padding: [2, 6], borderRadius: 4 },
      })),
      { type: 'text', left: 40, top: height - FOOTER + 24, style: { text: W.footer({ previousKey: previous ? previous.period.key : null }), fill: COLORS.muted, fontSize: 22, fontFamily: FONT_FAMILY, width: width - 80, overflow: 'break' } },
    ],
  };
  return { option, width, height };
}

/** The chart as SVG (ECharts' server-side renderer). */
export function circularChartSvg(d: CircularData, previous: CircularData | null): string {
  const { option, width, height } = circularChartOption(d, previous);
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption(option as echarts.EChartsOption);
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

let ready: Promise<Uint8Array[]> | null = null;
/** resvg's WebAssembly module, started once, and the font's bytes, read once. */
function resvgReady(): Promise<Uint8Array[]> {
  ready ??= (async () => {
    const wasm = readFileSync(createRequire(import.meta.url).resolve('@resvg/resvg-wasm/index_bg.wasm'));
    await initWasm(wasm);
    const f = chartFont();
    return f.file ? [new Uint8Array(readFileSync(f.file))] : [];
  })();
  ready.catch(() => { ready = null; });
  return ready;
}

/** SVG to PNG with the CJK font; `pixels` too for whoever checks what was drawn. */
export async function svgToPng(svg: string): Promise<{ png: Buffer; width: number; height: number; pixels: Uint8Array }> {
  const fontBuffers = await resvgReady();
  const r = new Resvg(svg, {
    fitTo: { mode: 'original' },
    background: '#FFFFFF',
    font: { fontBuffers, defaultFontFamily: CJK_FAMILIES[0], sansSerifFamily: CJK_FAMILIES[0] },
  });
  try {
    const image = r.render();
    try {
      return { png: Buffer.from(image.asPng()), width: image.width, height: image.height, pixels: image.pixels };
    } finally {
      image.free();
    }
  } finally {
    r.free();
  }
}

/** The chart as PNG, with its size. */
export async function renderCircularChart(d: CircularData, previous: CircularData | null): Promise<{ png: Buffer; width: number; height: number }> {
  const { png, width, height } = await svgToPng(circularChartSvg(d, previous));
  return { png, width, height };
}

/** The circular's chart as PNG (`previous`: the last stored circular's data, for the comparison; null when there is none). */
export async function circularChartPng(d: CircularData, previous: CircularData | null): Promise<Buffer> {
  return (await renderCircularChart(d, previous)).png;
}

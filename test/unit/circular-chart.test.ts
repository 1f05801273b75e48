// The circular's chart (src/documents/chart.ts): a PNG of the size it says, not blank, with the
// marks it promises (末位 in red, bars in blue), 200 units kept as tall as 30 and under the
// platforms' 2 MB; the font found once, CHART_FONT first. Pixels are read back by decoding the
// PNG with resvg (an SVG that shows it), not from the renderer's own buffer.
import { afterEach, describe, expect, it } from 'vitest';
import { CHART_MAX_BYTES, CHART_WIDTH, chartFont, circularChartOption, circularChartSize, renderCircularChart, resetChartFont, svgToPng } from '../../src/documents/chart.ts';
import { syntheticCircular } from '../support/circular-data.ts';
import { chartCaption, chartDeliveryText, CHART_WORDS } from '../../src/domain/messages/circular.ts';

/** Width and height from the PNG's IHDR (bytes 16–23, big-endian). */
function pngSize(png: Buffer) {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** The PNG's RGBA pixels, decoded by resvg from an SVG that shows it at its own size. */
async function decode(png: Buffer, width: number, height: number) {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${width}" height="${height}">`
    + `<image width="${width}" height="${height}" xlink:href="data:image/png;base64,${png.toString('base64')}"/></svg>`;
  return (await svgToPng(svg)).pixels;
}

function census(px: Uint8Array) {
  let nonWhite = 0;
  let red = 0;
  let blue = 0;
  const colours = new Set<number>();
  for (let i = 0; i < px.length; i += 4) {
    const [r, g, b] = [px[i], px[i + 1], px[i + 2]];
    if (r < 245 || g < 245 || b < 245) nonWhite++;
    if (r > 200 && g < 80 && b < 70) red++; // #D9342B, 末位
    if (r < 70 && g > 90 && g < 130 && b > 200) blue++; // #2F6BDB, the bars
    colours.add((r << 16) | (g << 8) | b);
  }
  return { nonWhite: nonWhite / (px.length / 4), red, blue, colours: colours.size };
}

afterEach(() => { delete process.env.CHART_FONT; resetChartFont(); });

describe('the circular as a picture', () => {
  it('30 units: a 1080-wide PNG of the promised size, drawn (not blank), 末位 in red', async () => {
    const d = syntheticCircular(30);
    const prev = syntheticCircular(30, { seed: 3, periodKey: '2026-11-H2' });
    const { png, width, height } = await renderCircularChart(d, prev);
    expect(pngSize(png)).toEqual({ width: CHART_WIDTH, height });
    expect({ width, height }).toEqual(circularChartSize(d));
    expect(png.length).toBeLessThan(CHART_MAX_BYTES);
    const c = census(await decode(png, width, height));
    expect(c.nonWhite).toBeGreaterThan(0.08);
    expect(c.colours).toBeGreaterThan(50); // text anti-aliasing, bars, grey
    expect(c.blue).toBeGreaterThan(20_000);
    expect(c.red).toBeGreaterThan(1_000);
    expect(d.units.at(-1)!.last).toBe(true);
  });

  it('200 units: the first and last 15 with a marked gap, about as tall as 30 units, under 2 MB', async () => {
    const d = syntheticCircular(200);
    const { option, height } = circularChartOption(d, null);
    const labels = (option.yAxis[1] as { data: string[] }).data;
    expect(labels).toHaveLength(31);
    expect(labels[0]).toMatch(/^1\. /);
    expect(labels[15]).toBe(''); // the gap row
    expect(labels[30]).toMatch(/^200\. /);
    const gap = option.graphic.find((g) => (g as { style?: { text?: string } }).style?.text?.includes('中间 170 个单位略'));
    expect(gap).toBeTruthy();
    expect(height).toBeLessThan(circularChartSize(syntheticCircular(30)).height + 100);
    const r = await renderCircularChart(d, null);
    expect(pngSize(r.png)).toEqual({ width: CHART_WIDTH, height });
    expect(r.png.length).toBeLessThan(CHART_MAX_BYTES);
    expect(census(await decode(r.png, r.width, r.height)).nonWhite).toBeGreaterThan(0.08);
  });

  it('without a previous circular: this period only, no 上期 series; without a target: hours against the best', () => {
    const { option } = circularChartOption(syntheticCircular(12, { previousKey: null, target: null }), null);
    expect(option.series.filter((s) => (s as { name?: string }).name === '上期')).toHaveLength(0);
    expect(option.title.map((t) => t.text)).toContain('全活动：本期（暂无上期通报可比）');
    expect((option.xAxis[0] as { data: string[] }).data).toEqual(['参与率', '人均学时', '任务完成率', '整改销号率']);
  });

  it('the font: CHART_FONT first, else the usual paths, found once', () => {
    const bold = '/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc';
    process.env.CHART_FONT = bold;
    expect(chartFont().file).toBe(bold);
    delete process.env.CHART_FONT;
    expect(chartFont().file).toBe(bold); // found once
    resetChartFont();
    expect(chartFont().file).toBe('/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc');
    expect(chartFont().warning).toBeNull();
  });
});

describe('the chart\'s words (messages/circular.ts)', () => {
  it('caption, and what a platform that cannot show the picture gets instead', () => {
    const caption = chartCaption({ campaign: '医德医风大讨论', periodKey: '2026-12-H1', preview: false });
    expect(caption).toBe('【医德医风大讨论】2026年12月上半月通报图表');
    expect(chartCaption({ campaign: '医德医风大讨论', periodKey: '2026-12', preview: true })).toBe('【医德医风大讨论】2026年12月通报图表（预览）');
    expect(chartDeliveryText(caption, { kind: 'link', url: 'https://bot.example.gov.cn/images/3?exp=1&sig=x', days: 30 }))
      .toBe('【医德医风大讨论】2026年12月上半月通报图表：https://bot.example.gov.cn/images/3?exp=1&sig=x（30 天内有效）');
    expect(chartDeliveryText(caption, { kind: 'no_link' }))
      .toBe('【医德医风大讨论】2026年12月上半月通报图表：这里只能以链接显示图片，而服务没有设置 PUBLIC_BASE_URL，图表未发送（文字通报照常）。');
    expect(chartDeliveryText(caption, { kind: 'expired' })).toBe('【医德医风大讨论】2026年12月上半月通报图表：图片已过期，未能发送。');
    expect(CHART_WORDS.gap({ count: 170, from: 16, to: 185 })).toBe('⋯ 中间 170 个单位略（第 16–185 名）⋯');
    expect([CHART_WORDS.movement('↑2'), CHART_WORDS.movement('—'), CHART_WORDS.movement('new'), CHART_WORDS.movement('新')]).toEqual(['↑2', '持平', '新', '新']);
    expect(CHART_WORDS.fileName({ periodKey: '2026-11-H2' })).toBe('通报图表_2026年11月下半月.png');
  });
});

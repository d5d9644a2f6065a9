/**
 * Prohibited-wording scanner benchmark: MB/s of zhili's scanner (full normalisation) on
 * seeded, realistic Chinese advert text, against mint-filter and modern-ahocorasick given
 * the same lexicon strings without any normalisation. All three are fed line by line
 * (modern-ahocorasick goes superlinear on strings past ~65k characters on Node 20).
 * MB = 10^6 bytes of UTF-8; one thread. Both wall-clock and per-CPU-second rates are
 * printed: on a shared machine only the latter is a per-core figure.
 */
import { Mint } from 'mint-filter';
import AhoCorasick from 'modern-ahocorasick';
import { lexicon } from '../src/text/lexicon.ts';
import { scan, scanText } from '../src/text/scan.ts';

/** Small seeded PRNG (mulberry32), so every run scans the same text. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CITIES = ['广州', '深圳', '佛山', '东莞', '杭州', '宁波', '成都', '武汉', '长沙', '郑州', '西安', '南京', '苏州', '合肥', '济南'];
const OCCUPATIONS = [
  '育婴员', '保育员', '养老护理员', '家政服务员', '中式烹调师', '西式面点师', '美容师', '美发师', '电工', '焊工',
  '叉车司机', '健康管理师', '心理咨询师', '茶艺师', '企业人力资源管理师', '电子商务师', '网络营销师', '保安员', '消防设施操作员', '评茶员',
];
const INSTITUTIONS = ['职业培训学校', '技能培训中心', '教育科技有限公司', '职业技术学校', '人力资源服务有限公司', '培训学院'];
const FILLER = [
  '本校常年开设{occ}培训班，小班授课，理论与实操相结合，学完可参加技能等级认定考试。',
  '{city}{inst}{occ}周末班火热招生中，学费{price}元，符合条件者可申领职业技能提升补贴。',
  '课程涵盖基础知识、操作规范、安全生产与职业道德，由具有多年经验的讲师授课。',
  '报名请携带身份证复印件及一寸照片两张，咨询电话：020-8xxx xxxx。',
  '学员可在线观看回放视频，每周安排两次线下实操课，地点在{city}市{city}路88号。',
  '培训结束后统一组织考核，合格者由备案的评价机构颁发职业技能等级证书，可在官网查询。',
  '我们致力于为广大求职者提供优质的技能培训服务，帮助学员提升就业竞争力。',
  '企业员工在职培训可开具发票，支持团体报名，{price}元起。',
  '面包过期了不要吃，数据包过大请分批上传，确保过程安全。中国银行网点可缴费，全国包邮。',
  '国家开放大学学历提升同步报名，全国计算机等级考试辅导另行收费。',
  '依据《中华人民共和国职业教育法》和有关规定开展培训，华为技术（中国）有限公司员工享受团购价。',
  '欢迎关注公众号获取最新开班信息🔥🔥，名额有限，先到先得！',
];
const VIOLATIONS = [
  '国家认证{occ}证书 包过',
  '全国通用 职业资格证书，人社部颁发，联网可查。',
  '{occ}国家职业资格证 考试不过全额退款',
  '证书带国徽 钢印，国家承认',
  'baoguo 拿证，加V了解',
  '包 過 一次拿证',
  '包\u200b过！{occ}',
  '職業資格證書 快速下证',
  'ＢＧ拿证 无需到场',
  '职业技能等级证书代办 快速拿证',
  '本证书不是职业资格证书，请勿误解。',
];

/** Generate ~`mb` MB (UTF-8) of advert lines, seeded; about 3 % of lines carry a violation. */
export function generateAdvertText(mb: number, seed = 20231): string[] {
  const r = rng(seed);
  const pick = <T>(a: T[]) => a[Math.floor(r() * a.length)]!;
  const fill = (t: string) =>
    t
      .replaceAll('{occ}', pick(OCCUPATIONS))
      .replaceAll('{city}', pick(CITIES))
      .replaceAll('{inst}', pick(INSTITUTIONS))
      .replaceAll('{price}', String(800 + Math.floor(r() * 40) * 50));
  const target = mb * 1e6;
  const lines: string[] = [];
  let bytes = 0;
  while (bytes < target) {
    const parts: string[] = [];
    const n = 2 + Math.floor(r() * 8);
    for (let i = 0; i < n; i++) parts.push(r() < 0.03 ? fill(pick(VIOLATIONS)) + pick(['。', '！', '，', ' ']) : fill(pick(FILLER)));
    const line = parts.join('');
    lines.push(line);
    bytes += Buffer.byteLength(line, 'utf8') + 1;
  }
  return lines;
}

/**
 * Wall time and CPU time of `fn`. On a shared machine wall time depends on the other load;
 * CPU time (user + system of this process, GC threads included) is the per-core figure.
 */
function time(fn: () => number): { ms: number; cpuMs: number; n: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const n = fn();
  const c = process.cpuUsage(c0);
  return { ms: performance.now() - t0, cpuMs: (c.user + c.system) / 1000, n };
}

/** Run the benchmark on at least `mb` MB (defaults to 50) and print MB/s for each scanner. */
export async function benchText(opts: { mb: number }): Promise<void> {
  const mb = Number.isFinite(opts.mb) && opts.mb > 0 ? opts.mb : 50;
  if (mb < 50) console.log(`(note: ${mb} MB requested; the target is defined on ≥ 50 MB)`);
  const lines = generateAdvertText(mb);
  const bytes = lines.reduce((s, l) => s + Buffer.byteLength(l, 'utf8') + 1, 0);
  const L = lexicon();
  const words = L.strings;
  console.log(
    `text scan: ${(bytes / 1e6).toFixed(1)} MB of advert text (UTF-8), ${lines.length.toLocaleString('en')} lines, ` +
      `lexicon ${words.length} patterns / ${L.ac.stateCount} states; fed line by line, one thread`,
  );
  const report = (name: string, r: { ms: number; cpuMs: number; n: number }, what: string) =>
    console.log(
      `  ${name.padEnd(40)} ${((bytes / 1e6 / r.ms) * 1000).toFixed(1).padStart(7)} MB/s wall, ` +
        `${((bytes / 1e6 / r.cpuMs) * 1000).toFixed(1).padStart(7)} MB/s per CPU-second  ` +
        `(${(r.ms / 1000).toFixed(2)} s, ${r.n.toLocaleString('en')} ${what})`,
    );

  // Each contender warms up on the same slice first, so table fills and JIT are not timed.
  const warm = lines.slice(0, 2000);
  const mbps = (r: { cpuMs: number }) => (bytes / 1e6 / r.cpuMs) * 1000;

  for (const l of warm) scanText(l);
  const z = time(() => {
    let n = 0;
    for (const l of lines) n += scanText(l).length;
    return n;
  });
  report('zhili scanText (full normalisation)', z, 'hits');

  const mint = new Mint(words);
  for (const l of warm) mint.filter(l, { replace: false });
  const m = time(() => {
    let n = 0;
    for (const l of lines) n += mint.filter(l, { replace: false }).words.length;
    return n;
  });
  report('mint-filter (no normalisation)', m, 'words');

  const ac = new AhoCorasick(words);
  for (const l of warm) ac.search(l);
  const a = time(() => {
    let n = 0;
    for (const l of lines) n += ac.search(l).length;
    return n;
  });
  report('modern-ahocorasick (no normalisation)', a, 'matches');

  // Hostile input: one text of dense prohibited wording, uncapped, at 1 MB and 4 MB. Time
  // must grow linearly (a ratio near 4; it was ~35 before the scanner was made linear).
  const UNIT = '国家认证心理咨询师证书包过，人社部颁发，国徽钢印，芳香理疗师国家职业资格证书，职业资格证书代办';
  const denseRun = (mbDense: number) => {
    const text = UNIT.repeat(Math.ceil((mbDense * 1e6) / Buffer.byteLength(UNIT, 'utf8')));
    return time(() => scan(text, { maxHits: Infinity }).hits.length);
  };
  denseRun(0.2);
  const d1 = denseRun(1);
  const d4 = denseRun(4);
  console.log(
    `  dense hostile text (one string, uncapped): 1 MB ${(d1.ms / 1000).toFixed(2)} s (${d1.n.toLocaleString('en')} hits), ` +
      `4 MB ${(d4.ms / 1000).toFixed(2)} s; ratio ${(d4.ms / d1.ms).toFixed(1)} wall, ${(d4.cpuMs / d1.cpuMs).toFixed(1)} CPU (linear ≈ 4)`,
  );

  const ok20 = mbps(z) >= 20;
  const okBase = mbps(z) > mbps(m) && mbps(z) > mbps(a);
  console.log(
    `  target ≥ 20 MB/s per core: ${ok20 ? '达标 met' : '未达标 not met'}; faster than both baselines: ${okBase ? '是 yes' : '否 no'}` +
      ' (judged on CPU time; on a shared machine compare the three within one run)',
  );
}

// Allow `npx tsx bench/text.ts [mb]` on its own; `npm run bench` imports benchText.
if (process.argv[1]?.endsWith("bench/text.ts") && import.meta.url === `file://${process.argv[1]}`) {
  await benchText({ mb: Number(process.argv[2] ?? 50) });
}

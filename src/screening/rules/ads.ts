/**
 * Adverts, certificates' wording and platform listings (RULES.md "宣传与平台"):
 * AD-TERMS, AD-AGENCY, AD-FAKE-QUAL over `ads`, PL-LISTING over `listings`.
 *
 * Detection is the prohibited-wording scanner (src/text): each rule reads the texts page by
 * page, keeps the scanner's hits for its own rule id, and puts them — term, original text,
 * UTF-16 span, how it matched, the context word that made it count, and an excerpt — in
 * the evidence, so an inspector can check the clue without re-running anything.
 * An advert whose source is `certificate` is scanned as a certificate's wording (the weak
 * terms 中国/中华/国家/全国 count there without further context).
 */
import { scan, type Hit, type RuleId, type ScanKind, type ScanResult, type Severity } from '../../text/scan.ts';
import { log } from '../../log.ts';
import type { Row } from '../../store/db.ts';
import type { Finding, Rule, RuleContext } from '../types.ts';
import { clamp01, refs, str } from '../kit/index.ts';

/** Rows read per query: bounds memory on large advert tables. */
const PAGE = 2000;
/** Hits kept in one clue's evidence. */
const MAX_HITS = 20;
/** Characters of original text shown either side of a hit in the evidence excerpt. */
const EXCERPT = 20;

const SEV_RANK: Record<Severity, number> = { low: 0, medium: 1, high: 2 };
const SEV_SCORE: Record<Severity, number> = { low: 0.3, medium: 0.6, high: 0.85 };

/** What one rule's pass over its texts did, for the structured log (counts only, no text). */
export interface ScanStats {
  rule: string;
  subjects: number;
  chars: number;
  hits: number;
  findings: number;
  /** Subjects whose scan threw: logged and skipped, the rule goes on. */
  errors: number;
  /** Subjects whose hits were cut at the scanner's cap. */
  truncated: number;
  started: number;
}

export function newStats(rule: string): ScanStats {
  return { rule, subjects: 0, chars: 0, hits: 0, findings: 0, errors: 0, truncated: 0, started: performance.now() };
}

/**
 * Scan one subject's text, isolating failures: a text that makes the scanner throw is
 * reported as a warning (subject id, length and error — never the text) and skipped, so one
 * bad advert cannot fail the rule for the whole dataset. `scanner` is the scanner to use
 * (tests pass one that fails on purpose).
 */
export function safeScan(
  stats: ScanStats,
  subject: string,
  text: string,
  kind: ScanKind,
  scanner: (text: string, opts: { kind: ScanKind }) => ScanResult = scan,
): Hit[] | null {
  stats.subjects++;
  stats.chars += text.length;
  try {
    const r = scanner(text, { kind });
    stats.hits += r.hits.length;
    if (r.truncated) {
      stats.truncated++;
      log.warn({ rule: stats.rule, subject, chars: text.length, kept_hits: r.hits.length }, 'text scan: hit cap reached, later hits dropped');
    }
    return r.hits;
  } catch (e) {
    stats.errors++;
    log.warn({ rule: stats.rule, subject, chars: text.length, err: (e as Error).message }, 'text scan failed: subject skipped');
    return null;
  }
}

/** Log a rule's pass: counts and milliseconds. */
export function logStats(stats: ScanStats): void {
  const { started, ...counts } = stats;
  log.info({ ...counts, ms: Math.round(performance.now() - started) }, 'text rule scanned');
}

/** Page through a table by its text key, so a large table is never one result set. */
async function* pages(ctx: RuleContext, cols: string, table: string, key: string): AsyncGenerator<Row[]> {
  let last: string | null = null;
  for (;;) {
    const rows: Row[] = await ctx.db.query(
      `SELECT ${cols} FROM ${table} WHERE ${key} IS NOT NULL${last === null ? '' : ` AND ${key} > $1`} ORDER BY ${key} LIMIT ${PAGE}`,
      last === null ? [] : [last],
    );
    if (rows.length === 0) return;
    yield rows;
    if (rows.length < PAGE) return;
    last = String(rows[rows.length - 1]![key]);
  }
}

/** One hit as evidence: the scanner's fields plus an excerpt of the original around it. */
function hitEvidence(text: string, h: Hit, field?: string, fieldStart = 0): Record<string, unknown> {
  const from = Math.max(0, h.start - EXCERPT);
  const to = Math.min(text.length, h.end + EXCERPT);
  return {
    ...(field ? { field } : {}),
    term: h.term,
    category: h.category,
    severity: h.severity,
    text: h.text,
    start: h.start - fieldStart,
    end: h.end - fieldStart,
    via: h.via,
    ...(h.context ? { context: { term: h.context.term, text: h.context.text, start: h.context.start - fieldStart, end: h.context.end - fieldStart } } : {}),
    ...(h.disclaimed ? { disclaimed: true } : {}),
    excerpt: (from > 0 ? '…' : '') + text.slice(from, to) + (to < text.length ? '…' : ''),
  };
}

/**
 * The hits of one rule that make a clue: at least one not downgraded by a disclaimer.
 * Returns null when there is none.
 */
function ruleHits(all: Hit[], rule: RuleId): { hits: Hit[]; severity: Severity; score: number } | null {
  const hits = all.filter((h) => h.rule === rule);
  const firm = hits.filter((h) => !h.disclaimed);
  if (firm.length === 0) return null;
  const severity = firm.reduce<Severity>((s, h) => (SEV_RANK[h.severity] > SEV_RANK[s] ? h.severity : s), 'low');
  const score = clamp01(Number((SEV_SCORE[severity] + 0.03 * (firm.length - 1)).toFixed(4)));
  return { hits, severity, score };
}

/** How a hit reads in a summary: 包过（原文“包 過”，繁体、插入干扰字符）. */
function describeHit(h: Hit): string {
  const VIA: Record<string, string> = { traditional: '繁体', width: '全角/兼容字形', variant: '异体字', noise: '插入干扰字符', pinyin: '拼音', homophone: '谐音' };
  const notes: string[] = [];
  if (h.text !== h.term) notes.push(`原文“${h.text.replace(/[\p{Cf}\p{Cc}]/gu, '')}”`);
  if (h.via.length) notes.push(h.via.map((v) => VIA[v]).join('、'));
  return notes.length ? `${h.term}（${notes.join('，')}）` : h.term;
}

function termList(hits: Hit[], max = 4): string {
  const seen = new Set<string>();
  const parts: string[] = [];
  for (const h of hits) {
    if (h.disclaimed || seen.has(h.term)) continue;
    seen.add(h.term);
    parts.push(describeHit(h));
  }
  return parts.slice(0, max).join('、') + (parts.length > max ? ` 等 ${parts.length} 个` : '');
}

export interface Institution {
  institution_id: string;
  name: string | null;
  uscc: string | null;
  kind: string | null;
  region_code: string | null;
  eval_registration_no: string | null;
  eval_registered_on: string | null;
  eval_terminated_on: string | null;
}

/** Institutions by credit code and by name, for matching an advert's publisher. */
async function loadInstitutions(ctx: RuleContext): Promise<{ byUscc: Map<string, Institution[]>; byName: Map<string, Institution[]> }> {
  const rows = await ctx.db.query<Institution>(
    `SELECT institution_id, name, uscc, kind, region_code, eval_registration_no, eval_registered_on, eval_terminated_on
     FROM institutions ORDER BY institution_id`,
  );
  const byUscc = new Map<string, Institution[]>();
  const byName = new Map<string, Institution[]>();
  const put = (m: Map<string, Institution[]>, k: string | null, r: Institution) => {
    const key = k?.trim().toUpperCase();
    if (!key) return;
    m.set(key, [...(m.get(key) ?? []), r]);
  };
  for (const r of rows) {
    put(byUscc, r.uscc, r);
    put(byName, r.name, r);
  }
  return { byUscc, byName };
}

/**
 * A registered evaluation institution (评价机构备案): kind evaluation/both with a
 * registration number, registered on or before the advert was captured (when both dates
 * are known) and not terminated by then (without a capture date: not terminated at all).
 */
export function isRegisteredEvaluator(i: Institution, capturedOn: string | null): boolean {
  if (i.kind !== 'evaluation' && i.kind !== 'both') return false;
  if (!i.eval_registration_no || !String(i.eval_registration_no).trim()) return false;
  if (capturedOn && i.eval_registered_on && String(i.eval_registered_on) > capturedOn) return false;
  if (i.eval_terminated_on) {
    if (!capturedOn) return false;
    if (String(i.eval_terminated_on) <= capturedOn) return false;
  }
  return true;
}

/** The publisher's institutions: by credit code when the advert has one, else by name. */
function publisherOf(ad: Row, inst: Awaited<ReturnType<typeof loadInstitutions>>): Institution[] {
  const uscc = str(ad.publisher_uscc)?.trim().toUpperCase();
  if (uscc) return inst.byUscc.get(uscc) ?? [];
  const name = str(ad.publisher_name)?.trim().toUpperCase();
  return name ? (inst.byName.get(name) ?? []) : [];
}

const AD_COLS = 'ad_id, source, publisher_name, publisher_uscc, url, captured_on, text';

function adRule(
  meta: Pick<Rule, 'id' | 'title' | 'severity' | 'description'> & { id: RuleId },
  summary: (ad: Row, hits: Hit[], publisher: string) => string,
  onlyUnregistered: boolean,
): Rule {
  return {
    ...meta,
    family: 'ads',
    subject: 'ad',
    // AD-TERMS judges 'not a registered evaluation institution': without institutions every
    // publisher would look unregistered, so it needs them; the others only look up the publisher.
    needs: onlyUnregistered ? ['ads', 'institutions'] : ['ads'],
    ...(onlyUnregistered ? {} : { optional: ['institutions' as const] }),
    params: [],
    kind: 'code',
    async run(ctx) {
      const inst = await loadInstitutions(ctx);
      const out: Finding[] = [];
      const stats = newStats(meta.id);
      for await (const rows of pages(ctx, AD_COLS, 'ads', 'ad_id')) {
        for (const ad of rows) {
          const text = str(ad.text) ?? '';
          if (!text) continue;
          const kind: ScanKind = ad.source === 'certificate' ? 'certificate' : 'ad';
          const all = safeScan(stats, String(ad.ad_id), text, kind);
          if (!all) continue;
          const found = ruleHits(all, meta.id);
          if (!found) continue;
          const matches = publisherOf(ad, inst);
          const capturedOn = str(ad.captured_on);
          const registered = matches.find((i) => isRegisteredEvaluator(i, capturedOn));
          if (onlyUnregistered && registered) continue;
          const pub = registered ?? matches[0];
          const publisher = str(ad.publisher_name) ?? str(ad.publisher_uscc) ?? '未知发布者';
          out.push({
            subject: { type: 'ad', id: String(ad.ad_id) },
            score: found.score,
            severity: found.severity,
            region_code: pub?.region_code ?? null,
            institution_id: pub?.institution_id ?? null,
            summary: summary(ad, found.hits, publisher),
            evidence: {
              source: str(ad.source),
              publisher_name: str(ad.publisher_name),
              publisher_uscc: str(ad.publisher_uscc),
              publisher_institution_id: pub?.institution_id ?? null,
              publisher_registered_evaluator: Boolean(registered),
              url: str(ad.url),
              captured_on: capturedOn,
              scanned_as: kind,
              hit_count: found.hits.length,
              hits: found.hits.slice(0, MAX_HITS).map((h) => hitEvidence(text, h)),
            },
            related: refs(['institution', matches.map((i) => i.institution_id)]),
          });
        }
      }
      stats.findings = out.length;
      logStats(stats);
      return out;
    },
  };
}

const where = (ad: Row) => (ad.source === 'certificate' ? '证书' : '宣传材料');

const AD_TERMS = adRule(
  {
    id: 'AD-TERMS',
    title: '非备案评价机构宣传使用禁用词',
    severity: 'medium',
    description:
      '发布者不是数据集中已备案（未终止）的评价机构，其宣传材料或证书以“中华人民共和国”“中国”“中华”“国家”“全国”“职业资格”“人员资格”“职业技能鉴定”“包过”“保过”等词作为对证书或发证者的声称（合法专有名称除外，含繁体、拼音、谐音、插入符号等变形）。',
  },
  (ad, hits, publisher) => `${where(ad)} ${String(ad.ad_id)}（发布者：${publisher}，非备案评价机构）使用禁用词：${termList(hits)}`,
  true,
);

const AD_AGENCY = adRule(
  {
    id: 'AD-AGENCY',
    title: '冒用政府机关名义或国徽',
    severity: 'high',
    description: '宣传材料或证书以人力资源和社会保障部、人社厅（局）、市场监管总局等政府机关作为颁发、监制、认证、认可、授权、指定、审批、备案、推荐、主管、监督单位，或声称证书、发证者带有或使用国徽（单纯提及国徽不算）。',
  },
  (ad, hits, publisher) => {
    const body = hits.filter((h) => !h.disclaimed).map((h) => (h.context ? `${h.term}${h.context.term}` : describeHit(h)));
    return `${where(ad)} ${String(ad.ad_id)}（发布者：${publisher}）冒用政府机关名义或国徽：${[...new Set(body)].slice(0, 4).join('、')}`;
  },
  false,
);

const AD_FAKE_QUAL = adRule(
  {
    id: 'AD-FAKE-QUAL',
    title: '虚称国家职业资格',
    severity: 'high',
    description: '宣传材料或证书把不在《国家职业资格目录（2021年版）》内的职业（如2017年起的心理咨询师）宣称为国家职业资格。',
  },
  (ad, hits, publisher) => {
    const occ = hits
      .filter((h) => !h.disclaimed)
      .map((h) =>
        h.category === 'unlisted-occupation'
          ? `${h.context?.text ?? ''}“${h.text}”`
          : `${describeHit(h)}${h.context ? `“${h.context.text}”` : ''}`,
      );
    return `${where(ad)} ${String(ad.ad_id)}（发布者：${publisher}）将目录外职业宣称为国家职业资格：${[...new Set(occ)].slice(0, 4).join('、')}`;
  },
  false,
);

const PL_LISTING: Rule = {
  id: 'PL-LISTING',
  title: '平台售卖职业资格或技能等级证书',
  family: 'ads',
  subject: 'listing',
  severity: 'high',
  needs: ['listings'],
  params: [],
  description:
    '平台商品以职业资格、职业资格证书、职业技能鉴定、职业技能等级证书，或以职业名称命名的证书（电工证、焊工证书、保安员证、育婴员证等：《职业分类大典（2022年版）》的职业或《国家职业资格目录》的资格后接“证”“证书”）作为商品或服务出售（代办、代考、包过、保过、挂靠、出证、免考、快速拿证等）。',
  kind: 'code',
  async run(ctx) {
    const out: Finding[] = [];
    const stats = newStats('PL-LISTING');
    for await (const rows of pages(ctx, 'listing_id, platform, shop_name, title, description, price, url, captured_on', 'listings', 'listing_id')) {
      for (const l of rows) {
        const title = str(l.title) ?? '';
        const desc = str(l.description) ?? '';
        // One text so a cue in the description counts for an object in the title; the line
        // break between them is a hard break, so no word spans the two fields.
        const text = desc ? `${title}\n${desc}` : title;
        const all = safeScan(stats, String(l.listing_id), text, 'listing');
        if (!all) continue;
        const found = ruleHits(all, 'PL-LISTING');
        if (!found) continue;
        const fieldOf = (off: number) => (off <= title.length ? { field: 'title', base: 0 } : { field: 'description', base: title.length + 1 });
        const cues = [...new Set(found.hits.filter((h) => !h.disclaimed && h.context).map((h) => `“${h.context!.text}”`))];
        out.push({
          subject: { type: 'listing', id: String(l.listing_id) },
          score: found.score,
          severity: found.severity,
          region_code: null,
          institution_id: null,
          summary:
            `平台 ${str(l.platform) ?? ''}${l.shop_name ? ` 店铺“${String(l.shop_name)}”` : ''}的商品 ${String(l.listing_id)} ` +
            `出售${termList(found.hits, 3)}${cues.length ? `（${cues.slice(0, 3).join('、')}）` : ''}`,
          evidence: {
            platform: str(l.platform),
            shop_name: str(l.shop_name),
            title,
            price: l.price ?? null,
            url: str(l.url),
            captured_on: str(l.captured_on),
            hit_count: found.hits.length,
            // Offsets are into the field named by `field` (title or description).
            hits: found.hits.slice(0, MAX_HITS).map((h) => {
              const f = fieldOf(h.start);
              const ev = hitEvidence(text, h, f.field, f.base);
              if (h.context) {
                const cf = fieldOf(h.context.start);
                (ev.context as Record<string, unknown>).field = cf.field;
                (ev.context as Record<string, unknown>).start = h.context.start - cf.base;
                (ev.context as Record<string, unknown>).end = h.context.end - cf.base;
              }
              return ev;
            }),
          },
          related: [],
        });
      }
    }
    stats.findings = out.length;
    logStats(stats);
    return out;
  },
};

/** Rules of RULES.md's section "Adverts, certificates' wording and platform listings". */
export const AD_RULES: Rule[] = [AD_TERMS, AD_AGENCY, AD_FAKE_QUAL, PL_LISTING];

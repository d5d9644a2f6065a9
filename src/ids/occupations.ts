/**
 * A small table of national occupational classification codes (《中华人民共和国职业分类大典》)
 * for the trades that subsidised vocational training and skill-level evaluation mostly
 * cover.
 *
 * Sources and limits — read before relying on a code:
 * - `edition` is the 大典 edition in which the code was seen with this name: 2022 for the
 *   2022 edition (its public-consultation draft, or a national occupational standard
 *   based on it), 2015 for a national occupational skill standard based on the 2015
 *   edition (the 2022 edition kept most 2015 codes but renumbered some).
 * - `codeUncertain: true` marks codes that were NOT cross-checked against any such
 *   source while building this table (written from memory). Cross-checked, e.g.:
 *   4-03-02-01 中式烹调师 (standard 2025, on the 2022 edition), 4-10-03-01 美容师 (2022),
 *   4-10-01-06 家政服务员 (2019), 6-31-01-03 电工 (2018), 6-18-02-04 焊工 (2018),
 *   6-02-06-11 评茶员 (2019), 6-29-xx construction trades (2022 draft).
 *   Verify uncertain codes against the official 大典 before using one as evidence.
 * - `inCatalog2021` is true only when the occupation's name is itself an entry of the
 *   2021 National Vocational Qualification Catalog (shared/ref/national-vocational-
 *   qualifications-2021.json). `relatedQualification` names a catalog entry that licenses
 *   a related activity without making the occupation a vocational qualification (e.g.
 *   电工: the low-voltage electrician operation certificate belongs to 特种作业人员, but an
 *   电工 skill-level certificate is not a national vocational qualification).
 */

/** One occupation of the table. */
export interface Occupation {
  /** `X-XX-XX-XX`. */
  code: string;
  name: string;
  /** Coarse training category used to group classes and subsidies (Chinese label). */
  trainingCategory: string;
  /** The name is an entry of the 2021 National Vocational Qualification Catalog. */
  inCatalog2021: boolean;
  /** Catalog entry that licenses a related activity (exact catalog name), if any. */
  relatedQualification?: string;
  edition: 2015 | 2022;
  codeUncertain?: true;
}

const T = (
  code: string, name: string, trainingCategory: string,
  opts: { inCatalog2021?: boolean; relatedQualification?: string; edition?: 2015 | 2022; codeUncertain?: true } = {},
): Occupation => {
  const o: Occupation = { code, name, trainingCategory, inCatalog2021: opts.inCatalog2021 ?? false, edition: opts.edition ?? 2022 };
  if (opts.relatedQualification !== undefined) o.relatedQualification = opts.relatedQualification;
  if (opts.codeUncertain) o.codeUncertain = true;
  return Object.freeze(o);
};

/** The occupation table, in classification-code order. */
export const OCCUPATIONS: readonly Occupation[] = Object.freeze([
  T('3-02-03-01', '消防员', '安防消防', { inCatalog2021: true, edition: 2015, codeUncertain: true }),
  T('4-01-02-03', '商品营业员', '商贸服务'),
  T('4-01-06-01', '电子商务师', '电子商务', { codeUncertain: true }),
  T('4-01-06-02', '互联网营销师', '电子商务'),
  T('4-02-06-01', '仓储管理员', '物流'),
  T('4-02-07-08', '快递员', '物流'),
  T('4-03-02-01', '中式烹调师', '餐饮'),
  T('4-03-02-02', '中式面点师', '餐饮', { edition: 2015, codeUncertain: true }),
  T('4-03-02-03', '西式烹调师', '餐饮', { edition: 2015, codeUncertain: true }),
  T('4-03-02-04', '西式面点师', '餐饮', { edition: 2015, codeUncertain: true }),
  T('4-03-02-06', '营养配餐员', '餐饮', { edition: 2015, codeUncertain: true }),
  T('4-03-02-07', '茶艺师', '茶艺茶叶', { edition: 2015, codeUncertain: true }),
  T('4-03-02-08', '咖啡师', '餐饮', { edition: 2015, codeUncertain: true }),
  T('4-04-04-02', '网络与信息安全管理员', '信息技术'),
  T('4-04-05-05', '人工智能训练师', '信息技术'),
  T('4-07-03-02', '企业人力资源管理师', '企业管理', { edition: 2015, codeUncertain: true }),
  T('4-07-05-01', '保安员', '安防消防', { inCatalog2021: true, edition: 2015, codeUncertain: true }),
  T('4-07-05-04', '消防设施操作员', '安防消防', { inCatalog2021: true, edition: 2015, codeUncertain: true }),
  T('4-10-01-02', '育婴员', '家政育婴', { edition: 2015, codeUncertain: true }),
  T('4-10-01-03', '保育师', '家政育婴', { codeUncertain: true }),
  T('4-10-01-05', '养老护理员', '养老护理', { edition: 2015 }),
  T('4-10-01-06', '家政服务员', '家政育婴', { edition: 2015 }),
  T('4-10-03-01', '美容师', '美容美发'),
  T('4-10-03-02', '美发师', '美容美发', { edition: 2015, codeUncertain: true }),
  T('4-10-04-02', '保健按摩师', '健康服务', { edition: 2015, codeUncertain: true }),
  T('4-12-01-01', '汽车维修工', '汽车维修', { edition: 2015, codeUncertain: true }),
  T('4-13-04-01', '社会体育指导员', '体育健身', { inCatalog2021: true, edition: 2015, codeUncertain: true }),
  T('4-13-04-02', '游泳救生员', '体育健身', { inCatalog2021: true, edition: 2015, codeUncertain: true }),
  T('4-14-02-01', '公共营养师', '健康服务', { edition: 2015, codeUncertain: true }),
  T('4-14-02-02', '健康管理师', '健康服务', { edition: 2015, codeUncertain: true }),
  T('4-14-03-03', '眼镜验光员', '健康服务', { edition: 2015, codeUncertain: true }),
  T('5-03-01-01', '家畜繁殖员', '农业', { inCatalog2021: true, edition: 2015, codeUncertain: true }),
  T('5-05-01-02', '农业经理人', '农业', { edition: 2015, codeUncertain: true }),
  T('6-02-06-11', '评茶员', '茶艺茶叶', { edition: 2015 }),
  T('6-18-01-01', '车工', '机械加工', { edition: 2015, codeUncertain: true }),
  T('6-18-02-04', '焊工', '焊接', { relatedQualification: '特种作业人员', edition: 2015 }),
  T('6-29-01-01', '砌筑工', '建筑施工'),
  T('6-29-01-03', '混凝土工', '建筑施工'),
  T('6-29-01-04', '钢筋工', '建筑施工'),
  T('6-29-01-05', '架子工', '建筑施工', { relatedQualification: '建筑施工特种作业人员' }),
  T('6-29-03-01', '机械设备安装工', '机械加工'),
  T('6-29-03-02', '电气设备安装工', '电工电气', { relatedQualification: '特种作业人员' }),
  T('6-29-04-01', '装饰装修工', '建筑施工'),
  T('6-31-01-03', '电工', '电工电气', { relatedQualification: '特种作业人员', edition: 2015 }),
]);

const BY_CODE = new Map(OCCUPATIONS.map((o) => [o.code, o]));
const BY_NAME = new Map(OCCUPATIONS.map((o) => [o.name, o]));
const CODE_RE = /^[1-8]-\d{2}-\d{2}-\d{2}$/;

/** Format check only: `X-XX-XX-XX` with a major group 1–8. Says nothing about existence. */
export function isOccupationCode(s: string): boolean {
  return typeof s === 'string' && CODE_RE.test(s);
}

/** Name of a code in the table, or undefined for codes the table does not list. */
export function occupationName(code: string): string | undefined {
  return BY_CODE.get(code)?.name;
}

/** Table entry for a code, or undefined. */
export function occupationByCode(code: string): Occupation | undefined {
  return BY_CODE.get(code);
}

/** Table entry for an exact occupation name (e.g. '养老护理员'), or undefined. */
export function occupationByName(name: string): Occupation | undefined {
  return BY_NAME.get(name);
}

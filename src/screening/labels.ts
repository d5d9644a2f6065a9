/** Chinese names of the screening vocabulary, for docs and for people-facing exports. */
import type { RuleFamily, Severity, SubjectType } from './types.ts';

export const SUBJECT_ZH: Record<SubjectType, string> = {
  person: '人员',
  institution: '机构',
  class: '培训班',
  claim: '补贴申请',
  exam: '考试',
  certificate: '证书',
  device: '设备',
  ad: '广告',
  listing: '平台商品',
};

export const SEVERITY_ZH: Record<Severity, string> = { high: '高', medium: '中', low: '低' };

export const FAMILY_ZH: Record<RuleFamily, string> = {
  training: '培训',
  online: '线上培训',
  evaluation: '评价与证书',
  ads: '宣传与平台',
};

export const FAMILY_ORDER: RuleFamily[] = ['training', 'online', 'evaluation', 'ads'];

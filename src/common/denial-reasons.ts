/**
 * Why a record was withheld (the access decision's reason codes, src/access/access-decision.ts), in
 * plain Chinese and English: one table for the gateway's own words (the guidance's reasons) and the
 * console's. Kept free of imports so the console can compile it too; guidance.ts checks at compile
 * time that every DenialReason has its words here.
 */
export const DENIAL_REASON_TEXTS = {
  MATTER_UNKNOWN: { zh: '事项不存在', en: 'the matter is not in the catalog' },
  ROLE_NEVER_READS_RECORDS: { zh: '此角色不查看档案', en: 'this role never reads records' },
  AGENCY_HOLDS_NO_RECORDS: { zh: '该机构只办理部门任务，不查看档案', en: 'an agency decides its tasks and reads no records' },
  ROLE_NOT_ALLOWED_FOR_MATTER: { zh: '此角色不办理该事项', en: 'this role does not handle the matter' },
  SUBJECT_NOT_COVERED: { zh: '该事项不涉及此类对象', en: 'the matter does not cover this kind of subject' },
  NOT_OWN_RECORDS: { zh: '只能查看本人数据', en: 'a citizen may read only their own records' },
  OUTSIDE_JURISDICTION: { zh: '不在本大厅管辖范围', en: "outside the hall's jurisdiction" },
  ITEM_NOT_ALLOWED: { zh: '本事项不使用此项数据', en: 'this matter does not use this item' },
  CONSENT_MISSING: { zh: '需要本人授权', en: "the citizen's consent is required" },
  CONSENT_EXPIRED: { zh: '授权已过期', en: 'the consent has expired' },
  CONSENT_REVOKED: { zh: '授权已撤销', en: 'the consent was revoked' },
  CONSENT_NOT_COVERING: { zh: '授权不涵盖本次查询', en: 'the consent does not cover this lookup' },
  SUBJECT_CONDITION_NOT_MET: { zh: '当事人不符合本事项的办理条件', en: 'the person does not meet a condition of this matter' },
  SUBJECT_CONDITION_UNVERIFIED: { zh: '暂时无法核验本事项的办理条件，请稍后重试', en: 'a condition of this matter could not be checked; try again' },
  CASE_NOT_FOUND: { zh: '本大厅无此办件', en: 'no such case in this hall' },
  CASE_CLOSED: { zh: '办件已办结', en: 'the case is closed' },
  NOT_A_PARTY: { zh: '不是本办件的当事人', en: 'not a party of the case' },
  RELATION_NOT_PROVEN: { zh: '登记数据未能证明其与其他当事人的关系', en: 'the records do not show the relation to the other party' },
  RELATION_UNVERIFIED: { zh: '相关部门未应答，暂时无法核验其关系', en: 'the relation could not be checked: a department did not answer' },
} as const satisfies Record<string, { zh: string; en: string }>;

/** The words for a reason code; null for a code not in the table. */
export function denialReasonText(reason: string): { zh: string; en: string } | null {
  return Object.hasOwn(DENIAL_REASON_TEXTS, reason) ? DENIAL_REASON_TEXTS[reason as keyof typeof DENIAL_REASON_TEXTS] : null;
}

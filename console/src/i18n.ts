// Labels of the consoles in Chinese (default) and English.
export type Lang = 'zh' | 'en';

const LABELS = {
  switchTo: { zh: 'English', en: '中文' },
  signOut: { zh: '退出', en: 'Sign out' },
  signInTitle: { zh: '登录', en: 'Sign in' },
  devPersonas: { zh: '演示身份（开发环境）', en: 'Demo personas (development)' },
  pasteToken: { zh: '访问令牌', en: 'Access token' },
  signIn: { zh: '登录', en: 'Sign in' },
  tokenRejected: { zh: '令牌无效或已过期', en: 'The token was not accepted (invalid or expired)' },
  clerkTitle: { zh: '窗口查询', en: 'Window lookup' },
  matter: { zh: '事项', en: 'Matter' },
  caseNumber: { zh: '受理编号', en: 'Case number' },
  idNumber: { zh: '公民身份号码', en: 'ID number' },
  consent: { zh: '授权（授权编号或二维码令牌）', en: 'Consent (grant id or QR token)' },
  lookUp: { zh: '查询', en: 'Look up' },
  idValid: { zh: '号码有效', en: 'Valid ID number' },
  notAvailable: { zh: '本事项不可查看', en: 'Not available for this matter' },
  departmentFailed: { zh: '部门暂时无法应答', en: 'The department did not answer' },
  retry: { zh: '重试', en: 'Retry' },
  fetchedAt: { zh: '获取时间', en: 'Fetched' },
  noRecord: { zh: '无记录', en: 'No record' },
  roleNotYet: { zh: '此角色的控制台页面尚未提供。', en: 'The console has no view for this role yet.' },
  lookupFailed: { zh: '查询失败', en: 'The lookup failed' },
  person: { zh: '身份信息', en: 'Identity' },
  household: { zh: '户籍', en: 'Household registration' },
  marriage: { zh: '婚姻登记', en: 'Marriage registration' },
  properties: { zh: '不动产', en: 'Real property' },
  socialInsurance: { zh: '社会保险', en: 'Social insurance' },
  name: { zh: '姓名', en: 'Name' },
  sex: { zh: '性别', en: 'Sex' },
  birthDate: { zh: '出生日期', en: 'Birth date' },
  idCardStatus: { zh: '证件状态', en: 'ID card status' },
  householdNumber: { zh: '户号', en: 'Household number' },
  address: { zh: '地址', en: 'Address' },
  relationToHead: { zh: '与户主关系', en: 'Relation to head' },
  members: { zh: '成员', en: 'Members' },
  status: { zh: '状态', en: 'Status' },
  spouseIdNumber: { zh: '配偶身份号码', en: 'Spouse ID number' },
  certificateNumber: { zh: '证书编号', en: 'Certificate number' },
  registeredOn: { zh: '登记日期', en: 'Registered on' },
  areaSqm: { zh: '面积（平方米）', en: 'Area (m²)' },
  share: { zh: '共有方式', en: 'Share' },
  accountNumber: { zh: '账号', en: 'Account number' },
  contributionMonths: { zh: '缴费月数', en: 'Contribution months' },
  citizenTitle: { zh: '我的数据', en: 'My data' },
  myAccesses: { zh: '谁查看了我的数据', en: 'Who read my data' },
  myConsents: { zh: '我的授权', en: 'My consents' },
  when: { zh: '时间', en: 'When' },
  who: { zh: '查看方', en: 'Who' },
  why: { zh: '事项与受理编号', en: 'Matter and case' },
  items: { zh: '数据项', en: 'Items' },
  outcome: { zh: '结果', en: 'Outcome' },
  noAccesses: { zh: '暂无记录', en: 'Nobody has read your data yet' },
  hall: { zh: '大厅（可选）', en: 'Hall (optional)' },
  halls: { zh: '授权给哪些大厅', en: 'Halls it covers' },
  hallsHelp: {
    zh: '只有所选大厅的窗口能使用此授权。都不选时，授权在您出示二维码、窗口首次扫码使用时绑定到该大厅。',
    en: 'Only the windows of the halls ticked may use it. None ticked: it is bound to the hall whose window first scans its QR code.',
  },
  boundOnScan: { zh: '待窗口扫码后绑定大厅', en: 'bound to the hall that first scans it' },
  caseOptional: { zh: '受理编号（可选）', en: 'Case number (optional)' },
  expiresAt: { zh: '有效期至', en: 'Valid until' },
  grant: { zh: '授权', en: 'Grant consent' },
  revoke: { zh: '撤销', en: 'Revoke' },
  revoked: { zh: '已撤销', en: 'Revoked' },
  grantId: { zh: '授权编号（交给窗口）', en: 'Grant id (give it to the clerk)' },
  noConsents: { zh: '暂无授权', en: 'No consents' },
  actionFailed: { zh: '操作失败', en: 'That did not work' },
  verifyTitle: { zh: '验证电子证照', en: 'Verify a certificate' },
  credential: {
    zh: '证照或证照标识（粘贴 vc+jwt、SD-JWT，或 1.2.156.3005.2 开头的标识）',
    en: 'Certificate or identifier (paste a vc+jwt, an SD-JWT or an identifier starting 1.2.156.3005.2)',
  },
  identifierMalformed: {
    zh: '证照标识格式不正确：应为 1.2.156.3005.2.证照类型代码.颁发机构代码.流水号.版本号.校验位（GB/T 36904-2018）',
    en: 'This is not a valid certificate identifier: it reads 1.2.156.3005.2.type code.issuer code.serial.version.check (GB/T 36904-2018)',
  },
  identifierCheckCharacter: {
    zh: '证照标识校验位不符：可能输入有误或被改动。请对照证照逐位核对后重试。',
    en: "The identifier's check character does not match: it was mistyped or altered. Compare it with the certificate character by character and try again.",
  },
  identifierUnknown: {
    zh: '未找到该电子证照：本平台未登记此标识。请核对标识，或向发证机关核实。',
    en: 'No certificate with this identifier is registered here. Check the identifier, or ask the issuing office.',
  },
  identifierNoClaims: {
    zh: '按标识核验不显示证照内容；内容仅在持证人出示证照时显示。',
    en: 'Verifying by identifier shows no claims: they are shown only when the holder presents the certificate.',
  },
  holder: { zh: '持证人', en: 'Holder' },
  verify: { zh: '验证', en: 'Verify' },
  genuine: { zh: '有效：证照真实且可用', en: 'Valid: the certificate is genuine and in force' },
  notGenuine: { zh: '无效：请勿采信此证照', en: 'Not valid: do not rely on this certificate' },
  integrity: { zh: '完整性', en: 'Integrity' },
  certStatus: { zh: '状态', en: 'Status' },
  issuer: { zh: '签发机构', en: 'Issuer' },
  claims: { zh: '证照内容', en: 'Claims' },
  auditorTitle: { zh: '审计', en: 'Audit' },
  itemsDenied: { zh: '被拒绝的数据项', en: 'Items denied' },
  consentRef: { zh: '授权', en: 'Consent' },
  departments: { zh: '部门', en: 'Departments' },
  flags: { zh: '异常访问（近24小时）', en: 'Unusual access (last 24 hours)' },
  noFlags: { zh: '无', en: 'None' },
  search: { zh: '查询日志', en: 'Search the ledger' },
  subject: { zh: '对象（身份号码或信用代码）', en: 'Subject (ID number or credit code)' },
  actor: { zh: '操作人', en: 'Actor' },
  any: { zh: '全部', en: 'Any' },
  index: { zh: '序号', en: 'Index' },
  nextPage: { zh: '下一页', en: 'Next page' },
  previousPage: { zh: '上一页', en: 'Previous page' },
  details: { zh: '详情', en: 'Details' },
  entry: { zh: '日志条目', en: 'Ledger entry' },
  inclusionOk: { zh: '已在本浏览器中验证：该条目包含在已签名检查点中', en: 'Checked in this browser: the entry is in the signed checkpoint' },
  inclusionBad: { zh: '包含证明验证失败', en: 'The inclusion proof does not check out' },
  notYetCheckpointed: { zh: '该条目尚未进入已签名检查点，请稍后再试', en: 'The entry is not in a signed checkpoint yet; try again shortly' },
  verifyLedger: { zh: '验证日志', en: 'Verify ledger' },
  checkpoint: { zh: '最新检查点', en: 'Latest checkpoint' },
  treeSize: { zh: '条目数', en: 'Entries' },
  rootHash: { zh: '根哈希', en: 'Root hash' },
  consistentWith: { zh: '与此前所见检查点一致（仅追加），此前条目数', en: 'Consistent (append-only) with the checkpoint seen before, of size' },
  inconsistent: { zh: '与此前所见检查点不一致！', en: 'NOT consistent with the checkpoint seen before!' },
  ledgerShrank: { zh: '账本变短了（疑似回滚），检查点条目数', en: 'The ledger got shorter (a rollback?), checkpoint size' },
  firstSeen: { zh: '首次查看检查点，已记录以便下次比对', en: 'First checkpoint seen here; kept to compare with the next one' },
  signatureOk: { zh: '已在本浏览器中验证检查点签名（日志密钥）', en: 'Checkpoint signature checked in this browser (ledger key)' },
  signatureBad: { zh: '检查点签名验证失败', en: 'The checkpoint signature does not check out' },
  signedFieldsDiffer: { zh: '网关给出的条目数或根哈希与已签名检查点不符', en: 'the size or root the gateway states differs from the signed note' },
  formEd25519: { zh: 'Ed25519 签名注记', en: 'Ed25519 signed note' },
  formCosignature: { zh: '带时间戳的共同签名', en: 'timestamped cosignature' },
  keyChanged: {
    zh: '签名密钥与此前所见不同！请向运维人员核实日志公钥',
    en: 'Signed by another key than the checkpoint seen before! Check the ledger key with the operators',
  },
  matterUnknown: { zh: '事项不在目录中', en: 'Not a matter in the catalog' },
  findGrants: { zh: '查找已登记的授权', en: 'Find recorded consents' },
  noGrantsCovering: { zh: '该市民没有覆盖此事项与受理编号的有效授权', en: 'No active consent of this citizen covers this matter and case here' },
  pickGrant: { zh: '选择一项授权：', en: 'Pick a consent:' },
  anyCase: { zh: '任意受理编号', en: 'any case' },
  scanCamera: { zh: '用摄像头扫码', en: 'Scan with camera' },
  scanPhoto: { zh: '从照片读取二维码', en: 'Read QR from a photo' },
  stopScan: { zh: '停止扫码', en: 'Stop scanning' },
  scanning: { zh: '请将二维码对准摄像头…', en: 'Hold the QR code up to the camera…' },
  cameraView: { zh: '摄像头画面', en: 'Camera view' },
  qrRead: { zh: '已读取二维码', en: 'QR code read' },
  noCamera: { zh: '无法使用摄像头（未授权或无设备）', en: 'The camera is not available (no permission or no device)' },
  noQrFound: { zh: '图片中未找到二维码', en: 'No QR code found in that image' },
  materials: { zh: '材料清单', en: 'Materials checklist' },
  byData: { zh: '已由数据核验', en: 'Covered by data' },
  byCertificate: { zh: '已由电子证照核验', en: 'Covered by a certificate' },
  toBring: { zh: '需申请人提交', en: 'To bring' },
  citizenCertificates: { zh: '市民持有的电子证照（本事项认可）', en: "The citizen's certificates (accepted for this matter)" },
  myCertificates: { zh: '我的电子证照', en: 'My certificates' },
  noCertificates: { zh: '暂无电子证照', en: 'No certificates' },
  identifier: { zh: '证照标识', en: 'Identifier' },
  issuedAt: { zh: '签发日期', en: 'Issued' },
  stateVALID: { zh: '有效', en: 'Valid' },
  stateREVOKED: { zh: '已撤销', en: 'Revoked' },
  stateSUSPENDED: { zh: '已中止', en: 'Suspended' },
  stateEXPIRED: { zh: '已过期', en: 'Expired' },
  expired: { zh: '已过期', en: 'Expired' },
  print: { zh: '打印', en: 'Print' },
  back: { zh: '返回', en: 'Back' },
  qrAlt: { zh: '核验二维码', en: 'QR code to verify this certificate' },
  scanToVerify: { zh: '扫码核验真伪', en: 'Scan to verify' },
  showQr: { zh: '显示二维码', en: 'Show QR code' },
  consentQrAlt: { zh: '授权二维码', en: 'Consent QR code' },
  consentQrHelp: { zh: '请窗口工作人员扫描此码（10分钟内有效）', en: 'Let the clerk scan this code (valid for a few minutes)' },
  chooseClaims: { zh: '下载 SD-JWT（选择披露内容）', en: 'Download SD-JWT (choose what to disclose)' },
  discloseOnly: { zh: '仅披露以下内容', en: 'Disclose only these claims' },
  downloadSdJwt: { zh: '下载', en: 'Download' },
  downloaded: { zh: '已下载', en: 'Downloaded' },
  presentQr: { zh: '生成所选信息的二维码', en: 'QR code of the ticked claims' },
  presentQrAlt: { zh: '出示所选信息的二维码', en: 'QR code showing the ticked claims' },
  presentQrHelp: {
    zh: '请对方扫码核验：只显示您勾选的信息。有效期至',
    en: 'Let the other person scan it: it shows only the claims you ticked. Valid until',
  },
  verifyHelp: {
    zh: '扫描证照上的二维码，或粘贴证照内容或证照标识。无需登录。',
    en: "Scan the certificate's QR code, or paste the certificate or its identifier. No sign-in needed.",
  },
  foreignLink: { zh: '该二维码是网址，但不是电子证照核验链接', en: 'That QR code is a web link, not a certificate verification link' },
} as const satisfies Record<string, Record<Lang, string>>;

export type LabelKey = keyof typeof LABELS;

const DEPARTMENTS: Record<string, Record<Lang, string>> = {
  PUBLIC_SECURITY: { zh: '公安局', en: 'Public Security Bureau' },
  CIVIL_AFFAIRS: { zh: '民政局', en: 'Civil Affairs Bureau' },
  NATURAL_RESOURCES: { zh: '不动产登记中心', en: 'Real Estate Registration Center' },
  HUMAN_RESOURCES: { zh: '人力资源和社会保障局', en: 'Human Resources and Social Security Bureau' },
  HEALTH: { zh: '卫生健康委员会', en: 'Health Commission' },
  MARKET_REGULATION: { zh: '市场监督管理局', en: 'Market Regulation Administration' },
};

/** Why an item is withheld, in plain words (the reason codes of the access decision). */
const REASONS: Record<string, Record<Lang, string>> = {
  MATTER_UNKNOWN: { zh: '事项不存在', en: 'the matter is not in the catalog' },
  ROLE_NEVER_READS_RECORDS: { zh: '此角色不查看档案', en: 'this role never reads records' },
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
};

let lang: Lang = localStorage.getItem('onegate.lang') === 'en' ? 'en' : 'zh';

export function currentLang(): Lang {
  return lang;
}

export function setLang(next: Lang): void {
  lang = next;
  localStorage.setItem('onegate.lang', next);
  document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
}

export function t(key: LabelKey): string {
  return LABELS[key][lang];
}

export function departmentName(code: string): string {
  return DEPARTMENTS[code]?.[lang] ?? code;
}

const OUTCOMES: Record<string, Record<Lang, string>> = {
  GRANTED: { zh: '已提供', en: 'Released' },
  PARTIAL: { zh: '部分提供', en: 'Partly released' },
  DENIED: { zh: '已拒绝，未提供数据', en: 'Refused: nothing was released' },
  FAILED: { zh: '失败，未提供数据', en: 'Failed: nothing was released' },
};

/** A ledger outcome in plain words. */
export function outcomeText(outcome: string): string {
  return OUTCOMES[outcome]?.[lang] ?? outcome;
}

export function reasonText(reason: string | undefined): string {
  if (!reason) return '';
  return REASONS[reason]?.[lang] ?? reason;
}

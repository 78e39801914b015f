// Labels of the consoles in Chinese (default) and English.
import { DECIDING_DEPARTMENT_NAMES } from '../../src/common/departments.js';
import { denialReasonText } from '../../src/common/denial-reasons.js';

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
  notChecked: { zh: '部门未响应，待重新核验', en: 'Not checked: the department did not answer' },
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
  // The clerk's case window (办件窗口) and its two sheets.
  tabCase: { zh: '办件窗口', en: 'Case window' },
  tabLookup: { zh: '单人查询', en: 'Single lookup' },
  clerkScreens: { zh: '窗口功能', en: 'Window screens' },
  caseWindowTitle: { zh: '办件窗口', en: 'Case window' },
  nextCustomer: { zh: '下一位', en: 'Next customer' },
  nextCustomerHelp: { zh: '按 F2 或“下一位”清空屏幕，接待下一位市民', en: 'F2 or “Next customer” clears the screen for the next person' },
  openCaseTitle: { zh: '开办件', en: 'Open a case' },
  caseMatter: { zh: '事项（输入中文或英文名称选择）', en: 'Matter (type its Chinese or English name)' },
  caseMatterExample: { zh: '例如：新生儿出生一件事', en: 'e.g. Newborn' },
  caseMatterUnknown: { zh: '不是本窗口按办件办理的事项', en: 'Not a matter this window handles as a case' },
  caseNumberOptional: { zh: '受理编号（可选，留空自动生成）', en: 'Case number (optional; generated when left empty)' },
  partiesTitle: { zh: '当事人', en: 'Parties' },
  partiesHelp: {
    zh: '按角色填写：个人填公民身份号码，企业填统一社会信用代码；可选角色可稍后添加。',
    en: 'By role: an ID number for a person, a credit code for an enterprise; optional roles can be added later.',
  },
  required: { zh: '必填', en: 'required' },
  optional: { zh: '可选', en: 'optional' },
  creditCode: { zh: '统一社会信用代码', en: 'Unified social credit code' },
  creditCodeValid: { zh: '代码有效', en: 'Valid credit code' },
  openCase: { zh: '开办件', en: 'Open case' },
  pickMatterFirst: { zh: '请先选择事项：输入事项名称，从列表中选择', en: 'Pick the matter first: type its name and choose it from the list' },
  partiesRequired: { zh: '请至少填写一位当事人', en: 'Enter at least one party' },
  fixMarked: { zh: '请先改正标红的号码', en: 'Correct the numbers marked in red first' },
  opening: { zh: '正在开办件，并从记录核验当事人关系…', en: 'Opening the case and checking the relations in the records…' },
  loadingCase: { zh: '正在读取办件…', en: 'Reading the case…' },
  loadingRecords: { zh: '正在向各部门读取记录…', en: 'Reading the records from the departments…' },
  working: { zh: '正在处理…', en: 'Working…' },
  caseNumberLabel: { zh: '受理编号', en: 'Case number' },
  caseHall: { zh: '办理大厅', en: 'Hall' },
  caseOpenedAt: { zh: '开办时间', en: 'Opened' },
  caseState: { zh: '状态', en: 'Status' },
  caseOPEN: { zh: '办理中', en: 'Open' },
  caseCLOSED: { zh: '已办结', en: 'Closed' },
  refresh: { zh: '刷新', en: 'Refresh' },
  missingRoles: { zh: '尚缺当事人：', en: 'Still missing:' },
  partiesComplete: { zh: '必需的当事人已齐全', en: 'Every required party is in the case' },
  suggestedTitle: { zh: '根据记录建议添加（点击即添加）：', en: 'Suggested by the records (click to add):' },
  suggestAdd: { zh: '添加为{role}：{id}', en: 'Add as {role}: {id}' },
  addPartyTitle: { zh: '添加当事人', en: 'Add a party' },
  role: { zh: '角色', en: 'Role' },
  identifierOfParty: { zh: '公民身份号码或统一社会信用代码', en: 'ID number or credit code' },
  add: { zh: '添加', en: 'Add' },
  partyAdded: { zh: '已添加{role}', en: '{role} added' },
  attachTitle: { zh: '市民出示的授权', en: 'Consent shown at the window' },
  attachHelp: { zh: '扫描市民手机上的授权二维码，或粘贴授权编号', en: "Scan the consent QR code on the person's phone, or paste the grant id" },
  attachConsent: { zh: '附加授权', en: 'Attach consent' },
  showConsentHere: { zh: '附加授权…', en: 'Attach a consent…' },
  roleOr: { zh: '或', en: ' or ' },
  consentAttached: { zh: '授权已附加到本办件', en: 'The consent is attached to the case' },
  noRecordedConsent: {
    zh: '未找到覆盖本办件的已登记授权：请市民出示授权二维码',
    en: 'No recorded consent covers this case: ask the person to show their consent QR code',
  },
  recordedConsentFound: { zh: '已找到覆盖本办件的授权', en: 'Recorded consents cover the case' },
  idNumberOf: { zh: '公民身份号码', en: 'ID number' },
  nameNotRead: { zh: '（姓名未读取）', en: '(name not read)' },
  nameLoading: { zh: '（正在读取…）', en: '(reading…)' },
  enterpriseName: { zh: '企业名称', en: 'Name' },
  relationLabel: { zh: '关系', en: 'Relation' },
  consentLabel: { zh: '授权', en: 'Consent' },
  relationPROVEN: { zh: '{to}的{relation}，已由记录证实', en: '{relation} of the {to}, proven from the records' },
  relationNOT_PROVEN: { zh: '记录不能证明是{to}的{relation}', en: 'the records do not show the {relation} of the {to}' },
  relationUNVERIFIED: { zh: '暂时无法核实与{to}的关系（部门未应答）', en: 'the relation to the {to} could not be checked (a department did not answer)' },
  relationAWAITING_PARTY: { zh: '待{to}加入办件后核验', en: 'checked once the {to} joins the case' },
  consentGIVEN: { zh: '本人已授权', en: 'given by the person' },
  consentGIVEN_BY: { zh: '已由{role}代为授权', en: 'given on their behalf by the {role}' },
  consentMISSING: { zh: '未授权', en: 'missing' },
  consentEXPIRED: { zh: '授权已过期', en: 'expired' },
  consentREVOKED: { zh: '授权已撤销', en: 'revoked' },
  consentNOT_REQUIRED: { zh: '无需授权', en: 'not needed' },
  consentNeededSelf: {
    zh: '需要本人授权：请市民出示授权二维码，或查找已登记的授权',
    en: "The person's own consent is needed: ask them to show their consent QR code, or find their recorded consents",
  },
  consentNeededBy: {
    zh: '需要{roles}代为授权：请其出示为该当事人授权的二维码，或查找已登记的授权',
    en: 'The {roles} must consent on their behalf: ask for the QR code of that consent, or find the recorded consents',
  },
  notReadRelation: { zh: '关系未证实，未读取记录', en: 'Relation not proven: nothing was read' },
  deceasedBanner: { zh: '当事人已死亡', en: 'This person has died' },
  deceasedDetail: { zh: '死亡医学证明 {number}，死亡日期 {date}，{place}', en: 'death certificate {number}, died {date}, {place}' },
  caseMaterials: { zh: '材料清单（按当事人）', en: 'Materials checklist (by party)' },
  materialColumn: { zh: '材料', en: 'Material' },
  partyColumn: { zh: '当事人', en: 'Party' },
  notInCaseYet: { zh: '{role}（尚未加入办件）', en: '{role} (not in the case yet)' },
  birth: { zh: '出生医学证明', en: 'Medical birth certificate' },
  death: { zh: '死亡医学证明', en: 'Medical death certificate' },
  registration: { zh: '企业登记', en: 'Enterprise registration' },
  licences: { zh: '许可证', en: 'Licences' },
  medicalCertificateNumber: { zh: '证明编号', en: 'Certificate number' },
  hospital: { zh: '助产机构', en: 'Hospital' },
  motherIdNumber: { zh: '母亲身份号码', en: "Mother's ID number" },
  fatherIdNumber: { zh: '父亲身份号码', en: "Father's ID number" },
  date: { zh: '死亡日期', en: 'Date of death' },
  place: { zh: '死亡地点', en: 'Place of death' },
  office: { zh: '登记机关', en: 'Registry' },
  householdType: { zh: '户别', en: 'Household type' },
  use: { zh: '用途', en: 'Use' },
  coOwnerIdNumbers: { zh: '共有人身份号码', en: 'Co-owners' },
  employer: { zh: '参保单位', en: 'Employer' },
  legalRepresentativeIdNumber: { zh: '法定代表人身份号码', en: 'Legal representative' },
  type: { zh: '类别', en: 'Type' },
  number: { zh: '编号', en: 'Number' },
  validUntil: { zh: '有效期至', en: 'Valid until' },
  format: { zh: '经营形式', en: 'Format' },
  sourceDepartment: { zh: '来源', en: 'Source' },
  gatewayDown: {
    zh: '无法连接数据共享平台（网络或服务中断）：请检查网络，稍后点“重试”',
    en: 'The exchange cannot be reached (network or service down): check the network, then press Retry',
  },
  departmentDown: { zh: '{department}暂时无法应答（{why}）：请稍后点“重试”', en: '{department} did not answer ({why}): press Retry shortly' },
  someDepartment: { zh: '相关部门', en: 'A department' },
  whyDEPARTMENT_TIMEOUT: { zh: '超时', en: 'timed out' },
  whyDEPARTMENT_UNAVAILABLE: { zh: '服务不可用', en: 'unavailable' },
  whyDEPARTMENT_INVALID_RESPONSE: { zh: '返回的数据无效', en: 'invalid answer' },
  tooManyRequests: { zh: '查询过于频繁：请 {seconds} 秒后再试', en: 'Too many requests: try again in {seconds} s' },
  sessionExpired: { zh: '登录已过期：请退出后重新登录', en: 'The sign-in has expired: sign out and sign in again' },
  otherFailure: { zh: '操作未完成：{message}', en: 'That did not work: {message}' },
  verificationSheet: { zh: '数据核验单', en: 'Data verification sheet' },
  noticeSheet: { zh: '一次性告知单', en: 'One-time notice' },
  sheetsNotReady: { zh: '记录读取完成后才能生成单据', en: 'The sheets are ready once the records are read' },
  sheetDate: { zh: '日期', en: 'Date' },
  sheetClerk: { zh: '窗口人员', en: 'Clerk' },
  sheetItem: { zh: '核验项目', en: 'Item' },
  sheetContent: { zh: '核验内容', en: 'As recorded' },
  sheetSource: { zh: '来源部门', en: 'Source' },
  sheetLedger: { zh: '审计日志条目', en: 'Ledger entry' },
  sheetLedgerRef: { zh: '第 {index} 条，叶哈希 {hash}', en: 'no. {index}, leaf hash {hash}' },
  sheetNotVerified: { zh: '未核验：{why}', en: 'Not verified: {why}' },
  sheetNothingReleased: { zh: '无记录可核验', en: 'no record to verify' },
  sheetVerificationNote: {
    zh: '以上内容由窗口经数据共享平台从各部门记录读取核验，申请人无需另交相应证明。每次读取均记入审计日志，可凭条目序号和叶哈希核查。',
    en: 'The items above were read from the departments’ records through the data exchange; the applicant need not bring them on paper. Every read is in the audit ledger: check it by entry number and leaf hash.',
  },
  noticeIntro: {
    zh: '您办理的“{matter}”（受理编号 {case}），还需提交以下材料。本单一次性告知，所列之外无需提交其他材料：',
    en: 'For “{matter}” (case {case}) please still bring the materials below. This notice is complete: nothing beyond it is needed.',
  },
  noticeNone: { zh: '无需提交其他材料', en: 'Nothing else to bring' },
  noticeIncomplete: {
    zh: '{departments}未应答，本单暂不完整，请勿打印：请回到窗口点“重试”，各部门应答后再打开本单',
    en: '{departments} did not answer, so this notice is not complete yet: do not print it. Go back, press Retry, and open it again once every department has answered',
  },
  noticeIntroNone: {
    zh: '您办理的“{matter}”（受理编号 {case}），所需材料均已通过数据共享核验：',
    en: 'For “{matter}” (case {case}) every material is covered through the data exchange:',
  },
  noticeCoveredTitle: { zh: '以下材料已通过数据共享核验，无需提交：', en: 'Covered through the data exchange, not to bring:' },
  noticeFor: { zh: '（{who}）', en: ' ({who})' },
  signatureClerk: { zh: '窗口人员签字', en: 'Clerk’s signature' },
  signatureApplicant: { zh: '申请人签字', en: 'Applicant’s signature' },
  // 一件事 at the case window, the department inbox and the citizen's progress (issue 24).
  oneThingTitle: { zh: '一件事', en: 'One thing' },
  oneThingHelp: {
    zh: '同一办件中的多个事项一次申请、一表填报：选择一件事，与申请人逐一回答问题，核对预填表单，打印一次性告知单后提交。',
    en: 'Several matters of the case applied for at once, on one form: pick the one thing, answer its questions with the applicant, check the prefilled form, print the one-time notice, submit.',
  },
  oneThingPick: { zh: '一件事（输入中文或英文名称选择）', en: 'One thing (type its Chinese or English name)' },
  oneThingCandidates: { zh: '本办件可办理：', en: 'For this case:' },
  oneThingNone: { zh: '本办件的事项没有可办理的一件事', en: 'No one thing is handled under this case’s matter' },
  oneThingUnknown: { zh: '不是本办件可办理的一件事：请从列表中选择', en: 'Not a one thing of this case: pick one from the list' },
  oneThingChange: { zh: '换一件事', en: 'Pick another' },
  loadingOneThings: { zh: '正在读取一件事目录…', en: 'Reading the one things…' },
  guiding: { zh: '正在按记录和回答生成办事指引…', en: 'Working out the matters, materials and form from the records and answers…' },
  funnelTitle: { zh: '问答引导', en: 'Questions' },
  funnelDone: { zh: '无需再回答问题：事项、材料和表单已确定', en: 'No more questions: the matters, materials and form are settled' },
  answeredByRecords: { zh: '已由记录回答：{answer}', en: 'Answered by the records: {answer}' },
  answeredByYou: { zh: '申请人已回答', en: 'Answered by the applicant' },
  mattersTitle: { zh: '办理事项', en: 'Matters' },
  matterColumn: { zh: '事项', en: 'Matter' },
  decidingDepartment: { zh: '决定部门', en: 'Deciding department' },
  promisedDays: { zh: '承诺时限', en: 'Promised' },
  daysCount: { zh: '{days} 天', en: '{days} days' },
  afterMatters: { zh: '{matters}批准后开始', en: 'starts once {matters} is approved' },
  reasonColumn: { zh: '依据', en: 'Why' },
  requirementsTitle: { zh: '材料', en: 'Materials' },
  forWhom: { zh: '涉及', en: 'About' },
  reqBY_DATA: { zh: '由数据核验', en: 'Verified from the records' },
  reqBY_CERTIFICATE: { zh: '已有电子证照', en: 'An e-certificate covers it' },
  reqTO_BRING: { zh: '需携带', en: 'To bring' },
  formTitle: { zh: '一张表单（已预填）', en: 'The one form (prefilled)' },
  formHelp: {
    zh: '请与申请人逐项核对；来自记录的内容如有错误可直接更正，更正会与记录值一并保存。',
    en: 'Check each field with the applicant; a value from the records can be corrected here, and the correction is kept beside the record value.',
  },
  srcRECORD: { zh: '来自记录', en: 'From the records' },
  srcANSWER: { zh: '来自回答', en: 'From an answer' },
  srcTYPED: { zh: '需填写', en: 'To fill in' },
  srcRecordMissing: { zh: '需填写（记录中没有）', en: 'To fill in (not in the records)' },
  corrected: { zh: '已更正，记录值：{value}', en: 'Corrected; the records say: {value}' },
  emptyValue: { zh: '（空）', en: '(empty)' },
  choose: { zh: '请选择', en: 'Choose' },
  yes: { zh: '是', en: 'Yes' },
  no: { zh: '否', en: 'No' },
  fieldRequired: { zh: '{label}为必填项', en: '{label} is required' },
  fixFields: { zh: '请先改正标红的字段', en: 'Correct the fields marked in red first' },
  printNotice: { zh: '打印一次性告知单', en: 'Print the one-time notice' },
  submitApplication: { zh: '提交申请', en: 'Submit the application' },
  submitting: { zh: '正在提交申请，并向各部门派发任务…', en: 'Submitting, and sending a task to each department…' },
  submitted: { zh: '申请已提交，各部门任务已派发', en: 'Submitted: each department has its task' },
  oneThingNoticeIntro: {
    zh: '您申请的“{thing}”（受理编号 {case}）包括以下 {count} 个事项，还需提交以下材料。本单一次性告知，所列之外无需提交其他材料：',
    en: 'Your application for “{thing}” (case {case}) covers the {count} matters below. Please still bring the materials listed. This notice is complete: nothing beyond it is needed.',
  },
  oneThingNoticeIntroNone: {
    zh: '您申请的“{thing}”（受理编号 {case}）包括以下 {count} 个事项，所需材料均已通过数据共享核验，无需提交其他材料。',
    en: 'Your application for “{thing}” (case {case}) covers the {count} matters below; every material is covered through the data exchange, nothing else to bring.',
  },
  noticeMattersTitle: { zh: '办理事项与承诺时限', en: 'Matters and promised times' },
  noticeToBringTitle: { zh: '还需提交的材料', en: 'Still to bring' },
  applicationTitle: { zh: '申请与部门任务', en: 'Application and department tasks' },
  applicationStatus: { zh: '申请状态', en: 'Status' },
  submittedAt: { zh: '提交时间', en: 'Submitted' },
  dueColumn: { zh: '应办结日期', en: 'Due' },
  noteColumn: { zh: '部门意见', en: 'Department’s note' },
  appDRAFT: { zh: '未提交', en: 'Not submitted' },
  appSUBMITTED: { zh: '已提交', en: 'Submitted' },
  appIN_PROGRESS: { zh: '办理中', en: 'In progress' },
  appNEEDS_MATERIAL: { zh: '需补正材料', en: 'A material is needed' },
  appCOMPLETED: { zh: '已办结', en: 'Completed' },
  appREJECTED: { zh: '不予批准', en: 'Rejected' },
  taskWAITING: { zh: '等待前置事项', en: 'Waiting' },
  taskOPEN: { zh: '办理中', en: 'Open' },
  taskAPPROVED: { zh: '已批准', en: 'Approved' },
  taskREJECTED: { zh: '不予批准', en: 'Rejected' },
  taskNEEDS_MATERIAL: { zh: '需补正材料', en: 'Material needed' },
  overdue: { zh: '已逾期', en: 'Overdue' },
  dueBy: { zh: '承诺 {date} 前办结', en: 'Promised by {date}' },
  dueAfter: { zh: '{matters}批准后 {days} 天内办结', en: 'Within {days} days once {matters} is approved' },
  dueAfterOpen: { zh: '前置事项批准后 {days} 天内办结', en: 'Within {days} days once the matters before it are approved' },
  decidedOn: { zh: '{date}已办结', en: 'Decided {date}' },
  correctedByApplicant: { zh: '申请人已更正', en: 'corrected by the applicant' },
  srcApplicant: { zh: '申请人填写', en: 'typed by the applicant' },
  // The department inbox.
  inboxTitle: { zh: '部门待办', en: 'Department inbox' },
  inboxEmpty: { zh: '暂无任务', en: 'No tasks' },
  loadingTasks: { zh: '正在读取任务…', en: 'Reading the tasks…' },
  subjectColumn: { zh: '办理对象', en: 'About' },
  openTask: { zh: '办理', en: 'Open' },
  taskDetail: { zh: '任务详情', en: 'Task' },
  applicationForm: { zh: '申请表', en: 'The application form' },
  correctedFields: { zh: '申请人更正的内容', en: 'Corrected by the applicant' },
  correctionLine: { zh: '{key}：记录值 {record}，申请人填写 {value}', en: '{key}: the records say {record}, the applicant wrote {value}' },
  decisionNote: { zh: '意见（不予批准或需补正材料时必填，申请人可见）', en: 'Note (required to reject or ask for a material; the applicant sees it)' },
  approve: { zh: '批准', en: 'Approve' },
  reject: { zh: '不予批准', en: 'Reject' },
  needMaterial: { zh: '需补正材料', en: 'Ask for a material' },
  noteRequired: {
    zh: '不予批准或需补正材料时，请填写意见，告诉申请人原因或缺少的材料',
    en: 'Write a note: tell the applicant why, or which material is missing',
  },
  deciding: { zh: '正在提交决定…', en: 'Recording the decision…' },
  decidedAPPROVED: { zh: '已批准', en: 'Approved' },
  decidedREJECTED: { zh: '已决定不予批准', en: 'Rejected' },
  decidedNEEDS_MATERIAL: { zh: '已通知申请人补正材料', en: 'The applicant is asked for the material' },
  notDecidable: { zh: '该任务当前不能办理（等待前置事项或已办结）', en: 'This task cannot be decided now (waiting, or decided)' },
  afterLabel: { zh: '前置事项', en: 'After' },
  refreshList: { zh: '刷新', en: 'Refresh' },
  // The citizen's progress.
  myApplications: { zh: '我的办件进度', en: 'My applications' },
  noApplications: { zh: '暂无申请', en: 'No applications' },
  loadingApplications: { zh: '正在读取办件进度…', en: 'Reading your applications…' },
  departmentNote: { zh: '部门意见：{note}', en: 'The department says: {note}' },
  caseNumberShort: { zh: '受理编号 {case}', en: 'Case {case}' },
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
  return DEPARTMENTS[code]?.[lang] ?? (DECIDING_DEPARTMENT_NAMES as Record<string, Record<Lang, string>>)[code]?.[lang] ?? code;
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
  return denialReasonText(reason)?.[lang] ?? reason;
}

/** A label with its {placeholders} filled in. */
export function tf(key: LabelKey, params: Record<string, string | number>): string {
  return t(key).replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** Coded values of the records in plain words (field.value); a value not listed is shown as it is. */
const VALUES: Record<string, Record<Lang, string>> = {
  'sex.M': { zh: '男', en: 'Male' },
  'sex.F': { zh: '女', en: 'Female' },
  'idCardStatus.ACTIVE': { zh: '有效', en: 'Active' },
  'idCardStatus.CANCELLED_DECEASED': { zh: '已注销（死亡）', en: 'Cancelled (deceased)' },
  'idCardStatus.CANCELLED_EMIGRATED': { zh: '已注销（出境定居）', en: 'Cancelled (emigrated)' },
  'idCardStatus.SUSPENDED': { zh: '暂停使用', en: 'Suspended' },
  'idCardStatus.LOST': { zh: '已挂失', en: 'Reported lost' },
  'relationToHead.HEAD': { zh: '户主', en: 'Head' },
  'relationToHead.SPOUSE': { zh: '配偶', en: 'Spouse' },
  'relationToHead.SON': { zh: '子', en: 'Son' },
  'relationToHead.DAUGHTER': { zh: '女', en: 'Daughter' },
  'relationToHead.FATHER': { zh: '父亲', en: 'Father' },
  'relationToHead.MOTHER': { zh: '母亲', en: 'Mother' },
  'relationToHead.GRANDSON': { zh: '孙子', en: 'Grandson' },
  'relationToHead.GRANDDAUGHTER': { zh: '孙女', en: 'Granddaughter' },
  'relationToHead.COLLECTIVE_MEMBER': { zh: '集体户成员', en: 'Collective member' },
  'householdType.FAMILY': { zh: '家庭户', en: 'Family' },
  'householdType.COLLECTIVE': { zh: '集体户', en: 'Collective' },
  'householdStatus.ACTIVE': { zh: '正常', en: 'Registered' },
  'householdStatus.MOVED_OUT': { zh: '已迁出', en: 'Moved out' },
  'householdStatus.CANCELLED_DECEASED': { zh: '已注销（死亡）', en: 'Cancelled (deceased)' },
  'marriageStatus.MARRIED': { zh: '已婚', en: 'Married' },
  'marriageStatus.DIVORCED': { zh: '离婚', en: 'Divorced' },
  'marriageStatus.WIDOWED': { zh: '丧偶', en: 'Widowed' },
  'marriageStatus.UNMARRIED': { zh: '未婚', en: 'Unmarried' },
  'share.SOLE': { zh: '单独所有', en: 'Sole' },
  'share.JOINT': { zh: '共同共有', en: 'Joint' },
  'share.IN_COMMON': { zh: '按份共有', en: 'In common' },
  'use.RESIDENTIAL': { zh: '住宅', en: 'Residential' },
  'use.COMMERCIAL': { zh: '商业', en: 'Commercial' },
  'use.OFFICE': { zh: '办公', en: 'Office' },
  'use.INDUSTRIAL': { zh: '工业', en: 'Industrial' },
  'use.RURAL_HOMESTEAD': { zh: '农村宅基地', en: 'Rural homestead' },
  'insuranceStatus.CONTRIBUTING': { zh: '正常缴费', en: 'Contributing' },
  'insuranceStatus.RETIRED': { zh: '已退休', en: 'Retired' },
  'insuranceStatus.RETIREMENT_PENDING': { zh: '待退休', en: 'Retirement pending' },
  'insuranceStatus.RESIDENT_MEDICAL': { zh: '城乡居民医保', en: 'Resident medical insurance' },
  'insuranceStatus.SEALED_DECEASED': { zh: '已封存（死亡）', en: 'Sealed (deceased)' },
  'enterpriseStatus.OPERATING': { zh: '存续（在营）', en: 'Operating' },
  'enterpriseStatus.DEREGISTERED': { zh: '已注销', en: 'Deregistered' },
  'enterpriseStatus.REVOKED': { zh: '已吊销', en: 'Revoked' },
  'enterpriseStatus.SUSPENDED': { zh: '停业', en: 'Suspended' },
  'licenceType.FOOD_DISTRIBUTION': { zh: '食品经营许可证', en: 'Food distribution' },
  'licenceType.FOOD_SERVICE': { zh: '餐饮服务许可证', en: 'Food service' },
  'licenceType.MEDICAL_DEVICE_RETAIL': { zh: '医疗器械经营许可证', en: 'Medical device retail' },
  'licenceType.PHARMACEUTICAL_RETAIL': { zh: '药品经营许可证', en: 'Pharmaceutical retail' },
  'licenceFormat.STANDARD_SUPERMARKET': { zh: '标准超市', en: 'Standard supermarket' },
};

/** A coded record value in plain words (`kind` names the code list, e.g. marriageStatus). */
export function valueText(kind: string, value: string): string {
  return VALUES[`${kind}.${value}`]?.[lang] ?? value;
}

/** How a relation between parties is said: the word for the party ("mother") and which records would show it. */
const RELATIONS: Record<string, { party: Record<Lang, string>; records: Record<Lang, string> }> = {
  PARENT_OF: { party: { zh: '父母', en: 'parent' }, records: { zh: '户籍/出生记录', en: 'resident and birth records' } },
  PARENT_OF_MOTHER: { party: { zh: '母亲', en: 'mother' }, records: { zh: '户籍/出生记录', en: 'resident and birth records' } },
  PARENT_OF_FATHER: { party: { zh: '父亲', en: 'father' }, records: { zh: '户籍/出生记录', en: 'resident and birth records' } },
  SPOUSE_OF: { party: { zh: '配偶', en: 'spouse' }, records: { zh: '婚姻登记记录', en: 'marriage records' } },
  CO_OWNER_OF: { party: { zh: '共有人', en: 'co-owner' }, records: { zh: '不动产登记记录', en: 'property records' } },
  NEXT_OF_KIN_OF: { party: { zh: '近亲属', en: 'next of kin' }, records: { zh: '户籍/出生/婚姻记录', en: 'resident, birth and marriage records' } },
  LEGAL_REPRESENTATIVE_OF: { party: { zh: '法定代表人', en: 'legal representative' }, records: { zh: '企业登记记录', en: 'enterprise registration' } },
};

/** A relation type (with its PARENT_OF side) as the word for the party and the records that show it. */
export function relationWords(type: string, side: string | null | undefined): { party: string; records: string } {
  const found = RELATIONS[side ? `${type}_${side}` : type] ?? RELATIONS[type];
  return found ? { party: found.party[lang], records: found.records[lang] } : { party: type, records: type };
}

/** What a clerk is told when a case action or read is refused: what went wrong and what to do next. */
const CASE_ERRORS: Record<string, Record<Lang, string>> = {
  RELATION_NOT_PROVEN: {
    zh: '{records}不能证明该人是{to}的{relation}，请核对身份证号',
    en: 'The {records} do not show this person as the {relation} of the {to}: check the ID number',
  },
  RELATION_UNVERIFIED: {
    zh: '暂时无法核实该人与{to}的关系（相关部门未应答）：请稍后重试',
    en: 'The relation to the {to} could not be checked (a department did not answer): try again shortly',
  },
  CASE_NOT_FOUND: {
    zh: '本大厅没有这个办件（编号有误，或属于其他大厅）：请按“下一位”重新开办件',
    en: 'This hall has no such case (wrong number, or another hall’s): press “Next customer” and open the case again',
  },
  CASE_CLOSED: {
    zh: '该办件已办结，不能再查询或修改：请按“下一位”开新办件',
    en: 'The case is closed: nothing more is read or changed under it. Press “Next customer” to open a new one',
  },
  PARTY_ALREADY_IN_CASE: {
    zh: '该当事人已在本办件中，无需重复添加',
    en: 'That person or enterprise is already a party of this case: no need to add them again',
  },
  ROLE_TAKEN: {
    zh: '“{role}”已有当事人，不能再添加：如填错了人，请按“下一位”重新开办件',
    en: 'The {role} role is taken: if the wrong person was entered, press “Next customer” and open the case again',
  },
  PARTY_KIND_MISMATCH: { zh: '“{role}”应填写{kind}', en: 'The {role} is given by {kind}' },
  ROLE_UNKNOWN: { zh: '本事项没有“{role}”这一角色', en: 'The matter has no {role} role' },
  PARTIES_REQUIRED: { zh: '请至少填写一位当事人', en: 'Enter at least one party' },
  CASE_NUMBER_TAKEN: {
    zh: '该受理编号已被本大厅使用：请换一个编号，或留空自动生成',
    en: 'The hall already has a case with that number: use another, or leave it empty for a generated one',
  },
  MATTER_UNKNOWN: { zh: '事项不在目录中：请从列表中选择事项', en: 'The matter is not in the catalog: pick one from the list' },
  MATTER_HAS_NO_PARTIES: { zh: '该事项不按办件办理：请用“单人查询”', en: 'The matter is not handled as a case: use the single lookup' },
  ROLE_NOT_ALLOWED_FOR_MATTER: { zh: '本窗口岗位不办理该事项', en: 'Clerks do not handle this matter' },
  OUTSIDE_JURISDICTION: {
    zh: '“{role}”不在本大厅的管辖范围内：请核对身份证号，或引导其到有管辖权的大厅办理',
    en: "The {role} is outside this hall's jurisdiction: check the ID number, or send them to a hall that covers it",
  },
  SUBJECT_CONDITION_NOT_MET: {
    zh: '“{role}”不符合本事项的办理条件，未读取其记录：请核对身份证号',
    en: 'The {role} does not meet a condition of this matter, so nothing was read: check the ID number',
  },
  SUBJECT_CONDITION_UNVERIFIED: {
    zh: '暂时无法核验“{role}”的办理条件（相关部门未应答）：请稍后重试',
    en: "The {role}'s conditions could not be checked (a department did not answer): try again shortly",
  },
  NOT_A_PARTY: { zh: '该人不是本办件的当事人：请先添加为当事人', en: 'That person is not a party of the case: add them first' },
  CONSENT_MISSING: {
    zh: '需要本人授权：请市民出示授权二维码，或查找已登记的授权',
    en: 'Their consent is needed: ask them to show their consent QR code, or find their recorded consents',
  },
  CONSENT_EXPIRED: { zh: '授权已过期：请市民重新授权并出示二维码', en: 'The consent has expired: ask for a new one and its QR code' },
  CONSENT_REVOKED: { zh: '授权已被撤销：请市民重新授权并出示二维码', en: 'The consent was revoked: ask for a new one and its QR code' },
  CONSENT_NOT_COVERING: {
    zh: '该授权不涵盖本次查询：请市民出示本事项的授权二维码',
    en: 'That consent does not cover this read: ask for the QR code of a consent for this matter',
  },
  CONSENT_NOT_FOR_CASE: {
    zh: '该授权不适用于本办件（事项或受理编号不符，或不是当事人本人或为其所作的授权）：请市民重新出示授权二维码',
    en: 'That consent is not for this case (another matter or case, or not given by or for a party): ask them to show the right QR code',
  },
  ITEM_NOT_ALLOWED: { zh: '本事项不读取此项数据', en: 'This matter does not read that item' },
};

/** The refusal's words for a case, with {role}, {to}, {relation}, {records} and {kind} filled in. */
export function caseErrorText(reason: string, params: Record<string, string>): string | null {
  const text = CASE_ERRORS[reason]?.[lang];
  return text ? text.replace(/\{(\w+)\}/g, (whole, name: string) => params[name] ?? whole) : null;
}

/** Why a typed ID number or credit code is wrong, in words (the parsers' reasons). */
const IDENTIFIER_PROBLEMS: Record<string, Record<Lang, string>> = {
  LENGTH: { zh: '位数不对：应为 18 位', en: 'Wrong length: 18 characters' },
  LEGACY_15_DIGIT: { zh: '这是旧的 15 位号码：请填写 18 位号码', en: 'An old 15-digit number: enter the 18-character one' },
  CHARACTER: { zh: '含有不允许的字符', en: 'Contains a character that is not allowed' },
  DATE_INVALID: { zh: '出生日期不存在：请核对', en: 'The birth date in it does not exist' },
  DATE_FUTURE: { zh: '出生日期在未来：请核对', en: 'The birth date in it is in the future' },
  CHECK_CHARACTER: { zh: '校验位不符：可能输错了一位，请逐位核对', en: 'The check character does not match: a character was probably mistyped' },
  TYPE: { zh: '格式不对', en: 'Not a valid number' },
};

export function identifierProblem(reason: string): string {
  return IDENTIFIER_PROBLEMS[reason]?.[lang] ?? reason;
}

/** A time as people in the hall read it (zh-CN or British English, whatever the browser's locale). */
export function dateTimeText(iso: string): string {
  return new Date(iso).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short' });
}

/** "label: value" with the language's colon. */
export function labelled(label: string, value: string): string {
  return lang === 'zh' ? `${label}：${value}` : `${label}: ${value}`;
}

/** Text in brackets after what it qualifies, with the language's brackets. */
export function inParens(text: string): string {
  return lang === 'zh' ? `（${text}）` : ` (${text})`;
}

/** A role's name inside a sentence ("the mother", not "the Mother"); Chinese is unchanged. */
export function inSentence(name: string): string {
  return lang === 'en' ? name.charAt(0).toLowerCase() + name.slice(1) : name;
}

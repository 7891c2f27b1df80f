// Chinese names of the API's codes, in one place.

export const ROLE: Record<string, string> = {
  platform_admin: '平台管理员', auditor: '审计员', dept_admin: '部门管理员', dept_operator: '部门数据专员', system: '应用系统', citizen: '公众',
};

export const APPLICATION_STATUS: Record<string, string> = {
  pending_review: '待平台审核', returned: '已退回补正', rejected: '未通过审核', provisioning: '开通中',
  pending_provider: '待提供方审批', granted: '已授权', denied: '提供方不同意', in_coordination: '平台协调中', withdrawn: '已撤回',
};

export const STEP: Record<string, string> = {
  review: '平台审核', correction: '申请方补正', provision: '开通', provider_decision: '提供方审批', coordination: '平台协调',
};

export const TIMELINE_ACTION: Record<string, string> = {
  submit: '提交申请', accept: '审核通过', reject: '审核不通过', return: '退回补正', resubmit: '重新提交', provision: '开通',
  approve: '提供方同意', deny: '提供方不同意', request_coordination: '申请协调', coordination_grant: '协调后授权',
  coordination_deny: '协调后不予授权', withdraw: '撤回', warn: '黄牌预警', supervise: '红牌督办', delivered: '已送达',
  grant_revoked: '授权撤销', deadline_recomputed: '期限重算（节假日调整）',
};

export const SLA: Record<string, string> = { on_time: '正常', warning: '临近期限（黄）', overdue: '已超期（红）' };

export const RESOURCE_STATUS: Record<string, string> = {
  draft: '草稿', pending_review: '待审核', published: '已发布', deprecated: '已停用', superseded: '已被替代', rejected: '未通过',
};

export const SHARE_TYPE: Record<number, string> = { 1: '无条件共享', 2: '有条件共享', 3: '不予共享' };
export const SHARE_METHOD: Record<string, string> = { table: '库表交换', file: '文件', interface: '接口' };
export const FORMAT: Record<string, string> = {
  electronic_file: '电子文件', spreadsheet: '电子表格', database: '数据库', image: '图形图像', streaming_media: '流媒体', self_describing: '自描述格式',
};
export const UPDATE_CYCLE: Record<string, string> = {
  realtime: '实时', daily: '每日', weekly: '每周', monthly: '每月', quarterly: '每季度', half_yearly: '每半年', yearly: '每年', irregular: '不定期',
};
export const SUBJECT_TYPE: Record<string, string> = { person: '自然人（公民身份号码）', legal_entity: '法人（统一社会信用代码）', none: '无' };
export const ITEM_TYPE: Record<string, string> = {
  C: 'C 字符', N: 'N 数值', Y: 'Y 货币', D: 'D 日期', T: 'T 日期时间', L: 'L 逻辑', M: 'M 备注', G: 'G 通用', B: 'B 双精度', I: 'I 整型', F: 'F 浮点',
};
export const SENSITIVITY: Record<string, string> = { public: '公开', internal: '内部', sensitive: '敏感', highly_sensitive: '高度敏感' };
export const GRANT_STATUS: Record<string, string> = { active: '有效', expired: '已过期', revoked: '已撤销' };
export const LEVEL: Record<string, string> = { province: '省级', city: '市级', district: '区县级' };

const DATE_TIME = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false,
});

/** A time of the API as 北京时间 (the hub counts deadlines in Asia/Shanghai). */
export const formatTime = (iso: string | null | undefined) => (iso ? DATE_TIME.format(new Date(iso)) : '—');

export const label = (table: Record<string, string>, value: string | number | null | undefined) =>
  value === null || value === undefined ? '—' : table[value] ?? String(value);

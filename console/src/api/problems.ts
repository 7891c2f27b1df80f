import type { components } from './schema';

type Problem = components['schemas']['Problem'];

// The hub's problem codes (src/lib/errors.ts) in plain Chinese, for people rather than programs.
const MESSAGES: Record<string, string> = {
  VALIDATION_FAILED: '提交的内容不符合要求',
  CLIENT_ERROR: '请求无法处理',
  MALFORMED_JSON: '提交的内容格式有误',
  INVALID_IDENTIFIER: '代码或证件号码的校验位不正确',
  UNAUTHENTICATED: '请先登录',
  INVALID_CREDENTIALS: '用户名或密码不正确，或登录已失效',
  FORBIDDEN: '您的角色无权进行此操作',
  OTHER_DEPARTMENT: '该事项属于其他部门，您无权操作',
  SHARE_TYPE_NOT_SHARED: '该资源为不予共享类，不能申请',
  NOT_FOUND: '未找到该对象：它不存在，或不在您的查看范围内',
  ROUTE_NOT_FOUND: '未找到该页面或接口',
  CONFLICT: '与已有数据冲突',
  ALREADY_EXISTS: '已存在同样的记录',
  ILLEGAL_STATE: '当前状态下不能进行此操作',
  RESOURCE_DEPRECATED: '该资源已停用，不再受理申请',
  RESOURCE_NOT_PUBLISHED: '该资源尚未发布或已不再发布',
  APPLICATION_ALREADY_OPEN: '该系统对此资源已有办理中的申请',
  FIELDS_NOT_PUBLISHED: '所申请的信息项已不在当前发布版本中',
  NOT_HOSTED: '该资源不由平台托管数据',
  VALIDITY_EXPIRED: '申请的有效期已经结束',
  PAYLOAD_TOO_LARGE: '文件过大',
  UNSUPPORTED_MEDIA_TYPE: '不支持的文件类型',
  RATE_LIMITED: '操作过于频繁，请稍后再试',
  INTERNAL: '平台内部错误，请稍后再试或联系运维人员',
  UNAVAILABLE: '平台依赖的服务暂不可用，请稍后再试',
  INVALID_SUBJECT_ID: '证件号码或统一社会信用代码格式或校验位不正确',
  GRANT_REQUIRED: '没有授权，不能读取该资源',
  GRANT_EXPIRED: '授权已过期',
  GRANT_REVOKED: '授权已被撤销',
  FIELD_NOT_GRANTED: '所请求的信息项未获授权',
  SERVICE_ITEM_MISMATCH: '事项编码与授权不符',
  SUBJECT_NOT_FOUND: '没有该对象的记录',
  QUOTA_EXCEEDED: '今日调用次数已用完',
  VERIFY_LIMIT_EXCEEDED: '今日对该对象的核验次数过多',
};

const BY_STATUS: Record<number, string> = {
  400: '提交的内容不符合要求', 401: '请先登录', 403: '您无权进行此操作', 404: '未找到该对象',
  409: '当前状态下不能进行此操作', 413: '文件过大', 429: '操作过于频繁，请稍后再试',
};

/** A problem in plain Chinese: what went wrong, then which fields (validation) if any. */
export function problemMessage(problem: Problem): string {
  const base = MESSAGES[problem.code] ?? BY_STATUS[problem.status] ?? `操作失败（${problem.status}）`;
  const fields = (problem.errors ?? []).map((e) => e.pointer.replace(/^\/(body|querystring|params)\//, '')).filter(Boolean);
  return fields.length ? `${base}：${[...new Set(fields)].join('、')}` : base;
}

// Chinese names for the audit trail and the supervision figures (labels.ts holds the rest).

export const AUDIT_ACTION: Record<string, string> = {
  'auth.login': '登录',
  'user.created': '创建用户', 'user.updated': '修改用户', 'user.password_changed': '修改密码',
  'department.created': '新增部门', 'department.updated': '修改部门',
  'system.created': '登记应用系统', 'system.key_issued': '签发密钥', 'system.key_revoked': '吊销密钥',
  'resource.created': '编制资源', 'resource.submitted': '提交资源审核', 'resource.published': '发布资源', 'resource.rejected': '资源审核不通过', 'resource.deprecated': '停用资源',
  'application.submit': '提交申请', 'application.accepted': '审核通过', 'application.rejected': '审核不通过', 'application.returned': '退回补正',
  'application.pending_provider': '转提供方审批', 'application.granted': '已授权', 'application.denied': '提供方不同意',
  'application.coordination_requested': '申请协调', 'application.coordination_decided': '协调决定', 'application.withdrawn': '撤回申请',
  'application.delivered': '送达', 'application.deadline_recompute': '期限重算',
  'grant.issue': '授权生效', 'grant.revoke': '撤销授权', 'grant.expire': '授权到期', 'grant.expiry_notice': '到期提醒', 'grant.renewal_scheduled': '续期安排',
  'record.read': '查询记录', 'record.batch_read': '批量查询', 'record.verify': '核验', 'record.corrected': '纠错更正',
  'records.upsert': '写入记录', 'records.delete': '删除记录', 'records.bulk_load': '批量装载',
  'objection.raised': '提出异议', 'objection.decided': '异议处理', 'objection.warn': '异议黄牌预警', 'objection.supervise': '异议红牌督办',
  'discrepancy.closed': '差异处理完毕',
  'calendar.create': '录入节假日', 'calendar.update': '修改节假日', 'calendar.missing': '节假日未录入提醒',
  'message.dead_letter': '消息进入死信', 'message.redrive': '死信重投',
  'supervision.case_open': '督办立案', 'supervision.case_action': '督办措施', 'supervision.case_close': '督办结案',
  'audit.events_read': '查询审计日志', 'audit.verified': '校验审计日志', 'audit.proof_read': '读取包含证明', 'audit.retention_dropped': '按保存期限删除', 'audit.access_log_read': '查阅本人被访问记录',
};

export const ACTOR_KIND: Record<string, string> = {
  user: '用户', system: '应用系统', cli: '命令行', scheduler: '定时任务', job: '后台任务', citizen: '公众', anonymous: '未登录', subject: '数据主体',
};

export const OUTCOME: Record<string, string> = { success: '成功', failure: '失败' };

export const ENTITY_TYPE: Record<string, string> = {
  application: '申请', grant: '授权', resource: '资源', user: '用户', department: '部门', system: '应用系统', audit: '审计日志',
  record: '数据记录', calendar: '节假日日历', message: '消息', objection: '异议', discrepancy: '差异', supervision: '督办',
};

/** What the verifier found first, by its kind. */
export const DIFFERENCE_KIND: Record<string, string> = {
  changed: '事件内容与封存时不一致（被改动）',
  missing: '已封存的事件缺失（被删除）',
  inserted: '出现了未封存的插入事件',
  leaf_missing: '事件的叶子节点缺失',
  head: '树头签名或前后树头的一致性不符',
  retention: '按保存期限删除的记录与删除凭据不符',
};

export const FIGURE_STEP: Record<string, string> = {
  all: '合计', review: '规范性审查', provision: '开通', provider_decision: '提供方审批', coordination: '平台协调', correction: '申请方补正',
};

export const CASE_ACTION: Record<string, string> = { reminder: '催办', interview: '约谈', report: '通报' };

export const PROBLEM_CODE: Record<string, string> = {
  SUBJECT_NOT_FOUND: '无该对象记录', QUOTA_EXCEEDED: '超出调用限额', GRANT_REQUIRED: '无授权', GRANT_EXPIRED: '授权过期', GRANT_REVOKED: '授权撤销',
  FIELD_NOT_GRANTED: '信息项未授权', SERVICE_ITEM_MISMATCH: '事项编码不符', INVALID_SUBJECT_ID: '证件号码有误', INTERNAL: '平台内部错误', UNAVAILABLE: '服务不可用',
};

/** A rate 0..1 as a percentage, or a dash when nothing was decided. */
export const percent = (rate: number | null | undefined) => (rate === null || rate === undefined ? '—' : `${(rate * 100).toFixed(1)}%`);

/**
 * Chinese messages of 三员分立 needed on every page (roles, navigation, the sign-in code step); spread into
 * zh.ts. The pages' own messages are in accounts.zh.ts, loaded with those pages.
 */
export const securityZh = {
	'role.security': '安全管理员',
	'role.auditor': '审计管理员',

	'nav.account': '账户',
	'nav.accountTitle': '账户与安全：修改密码、动态验证码',
	'nav.security': '安全管理',
	'nav.audit': '审计日志',
	'nav.fenced': '三员分立：{role}不能访问业务功能，此页面不在您的职责范围内。',

	'login.code': '动态验证码',
	'login.codeHint': '打开手机上的验证器应用，输入“督办系统”当前显示的 6 位数字。',
	'login.codeRequired': '请输入 6 位数字验证码',
	'login.codeStep': '密码已验证，请完成第二步',
	'login.back': '换一个账户',

	'common.copy': '复制',
	'common.copied': '已复制',
	'common.reset': '重置',
	'common.actions': '操作',
	'common.self': '本人'
} as const;

import type { securityZh } from './security.zh.ts';

/** English messages of 三员分立 needed on every page (roles, navigation, the sign-in code step). */
export const securityEn: Record<keyof typeof securityZh, string> = {
	'role.security': 'Security administrator',
	'role.auditor': 'Audit administrator',

	'nav.account': 'Account',
	'nav.accountTitle': 'Account and security: password, authenticator codes',
	'nav.security': 'Security',
	'nav.audit': 'Audit log',
	'nav.fenced':
		'Separation of duties: the {role} has no access to business functions; this page is outside your duties.',

	'login.code': 'Authenticator code',
	'login.codeHint': 'Open the authenticator app on your phone and enter the 6 digits it shows for Duban.',
	'login.codeRequired': 'Enter the 6-digit code',
	'login.codeStep': 'Password accepted: one more step',
	'login.back': 'Use another account',

	'common.copy': 'Copy',
	'common.copied': 'Copied',
	'common.reset': 'Reset',
	'common.actions': 'Actions',
	'common.self': 'you'
};

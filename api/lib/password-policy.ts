import { readFileSync } from 'node:fs';

export type PasswordPolicy = { minLength: number; minClasses: number };

const COMMON = new Set(
	readFileSync(new URL('./common-passwords.txt', import.meta.url), 'utf8')
		.split('\n')
		.map((line) => line.trim().toLowerCase())
		.filter((line) => line && !line.startsWith('#'))
);

const CLASSES = [/[A-Z]/, /[a-z]/, /[0-9]/, /[^A-Za-z0-9]/];

/** What is wrong with a new password under the policy (Chinese, one line each); empty when it is acceptable. */
export function passwordProblems(password: string, username: string, policy: PasswordPolicy): string[] {
	const problems: string[] = [];
	if ([...password].length < policy.minLength) problems.push(`密码至少 ${policy.minLength} 位`);
	const classes = CLASSES.filter((re) => re.test(password)).length;
	if (classes < policy.minClasses)
		problems.push(`密码须包含大写字母、小写字母、数字、符号中的至少 ${policy.minClasses} 类`);
	const lower = password.toLowerCase();
	if (username.length >= 3 && lower.includes(username.toLowerCase())) problems.push('密码不能包含用户名');
	if (COMMON.has(lower)) problems.push('密码过于常见，容易被猜中，请换一个');
	return problems;
}

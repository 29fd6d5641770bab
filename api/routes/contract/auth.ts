import { z } from 'zod';
import { ROLES } from '../../../web/src/lib/rules/enums.ts';
import { id, obj, okReply, timestamp, unitRef } from './shapes.ts';
import type { Contract } from './types.ts';

export const actor = obj({
	id,
	username: z.string(),
	name: z.string(),
	role: z.enum(ROLES),
	unit: unitRef.nullable()
});
const pending = z.enum(['password', 'totp']).nullable();
export const loginReply = obj({ user: actor, pending });
export const meReply = obj({
	user: actor,
	pending,
	totpEnabled: z.boolean(),
	passwordChangedAt: timestamp.nullable(),
	passwordPolicy: obj({
		minLength: z.number().int(),
		minClasses: z.number().int(),
		maxAgeDays: z.number().int()
	})
});
const totpState = obj({ enabled: z.boolean() });

export const authContract: Contract = {
	'POST /auth/login': {
		id: 'signIn',
		description:
			'用户名和密码（及启用时的动态验证码）登录；成功时设置会话 Cookie。失败一律为 401 auth.login_failed，过多失败为 429。',
		ok: loginReply,
		public: true,
		errors: [415, 429],
		example: {
			user: {
				id: 7,
				username: 'dsj',
				name: '省大数据局填报员',
				role: 'unit',
				unit: { id: 3, name: '省大数据局' }
			},
			pending: null
		}
	},
	'GET /auth/me': {
		id: 'getCurrentUser',
		description: '当前登录的用户、待完成的安全步骤（改密码、绑定动态验证码）和密码策略。',
		ok: meReply
	},
	'POST /auth/logout': { id: 'signOut', description: '结束当前会话并清除 Cookie。', ok: okReply },
	'POST /auth/password': {
		id: 'changeMyPassword',
		description: '修改本人密码：结束本人其他会话，当前会话换新令牌。',
		ok: okReply,
		errors: [415, 429]
	},
	'POST /auth/totp/setup': {
		id: 'setUpTotp',
		description: '生成动态验证码（TOTP）密钥和二维码地址；以验证码确认前不启用。',
		ok: obj({ secret: z.string(), uri: z.string().describe('otpauth:// address for the QR code') })
	},
	'POST /auth/totp/enable': {
		id: 'enableTotp',
		description: '以验证器上的 6 位验证码确认并启用动态验证码。',
		ok: totpState,
		errors: [415]
	},
	'POST /auth/totp/disable': {
		id: 'disableTotp',
		description: '以当前验证码停用动态验证码（策略要求时管理员不能停用）。',
		ok: totpState,
		errors: [415]
	}
};

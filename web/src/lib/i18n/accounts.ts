import { accountsEn } from './accounts.en.ts';
import { accountsZh } from './accounts.zh.ts';
import { addMessages } from './index.svelte.ts';

// The account, users, security and audit pages import this module for their messages: the dashboard
// and the other pages (and their JavaScript budget) do not carry them.
addMessages({ zh: accountsZh, en: accountsEn });

import { api, call } from '#lib/api.ts';
import type { PageLoad } from './$types';
import { summaryFromUrl, SUMMARY } from './filters.ts';

/**
 * Starts fetching the dashboard's figures as soon as the route is known — in parallel with the
 * session check and the page's own code — and hands the pending answer to the page. It reruns only
 * when the scope in the URL (date, plan, section, unit kind, unit) or the matrix's page changes, or when the page asks again
 * (`invalidate(SUMMARY)`, its retry).
 */
export const load: PageLoad = ({ url, depends }) => {
	depends(SUMMARY);
	const query = summaryFromUrl(url.searchParams);
	const summary = call(api.dashboard.summary.$get({ query }));
	// The page reports failures; this keeps an early one (before the page is shown) from going unhandled.
	summary.catch(() => {});
	return { summary };
};

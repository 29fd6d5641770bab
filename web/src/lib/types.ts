import type { InferResponseType } from 'hono/client';
import type { api } from './api.ts';

/** Response shapes, inferred from the typed client so they follow the API. */
export type User = InferResponseType<typeof api.auth.me.$get, 200>['user'];
export type Role = User['role'];
export type PlanSummary = InferResponseType<typeof api.plans.$get, 200>['items'][number];
export type Plan = InferResponseType<(typeof api.plans)[':id']['$get'], 200>;
export type PlanSection = Plan['sections'][number];
export type IndicatorPage = InferResponseType<typeof api.indicators.$get, 200>;
export type Indicator = IndicatorPage['items'][number];
export type IndicatorUnit = Indicator['leadUnits'][number];
export type Target = Indicator['targets'][number];
export type Unit = InferResponseType<typeof api.units.$get, 200>['items'][number];
export type UnitKind = Unit['kind'];
export type ImportReport = InferResponseType<typeof api.imports.$post, 200>;
export type ImportIssue = ImportReport['errors'][number];
export type UserRow = InferResponseType<typeof api.users.$get, 200>['items'][number];

import type { InferResponseType } from 'hono/client';
import type { api } from '#lib/api.ts';

/** Response shapes of the dashboard and bulletin endpoints, inferred from the typed client. */
export type Summary = InferResponseType<typeof api.dashboard.summary.$get, 200>;
export type Tiles = Summary['tiles'];
export type SectionRow = Summary['sections'][number];
export type TrendPoint = Summary['trend'][number];
export type Matrix = Summary['matrix'];
export type { ReportCell } from '#lib/rules/enums.ts';
export type DashList = InferResponseType<typeof api.dashboard.list.$get, 200>;
export type DashListItem = DashList['items'][number];
export type Ranking = InferResponseType<typeof api.dashboard.ranking.$get, 200>;
export type RankingRow = Ranking['items'][number];
export type UnitBoard = InferResponseType<typeof api.dashboard.unit.$get, 200>;
export type UnitNotice = UnitBoard['notices'][number];
export type BulletinRow = InferResponseType<typeof api.bulletins.$get, 200>['items'][number];
export type Bulletin = InferResponseType<(typeof api.bulletins)[':id']['$get'], 200>;
export type BulletinContent = Bulletin['content'];
export type BulletinTexts = BulletinContent['texts'];
export type BulletinTables = BulletinContent['tables'];
export type BulletinDocument = InferResponseType<(typeof api.bulletins)[':id']['document']['$get'], 200>;
export type DocTableSpec = Extract<BulletinDocument['body'][number], { kind: 'table' }>['table'];

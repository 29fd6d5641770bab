/** The light filter of the unit dashboard's list, kept in the URL (`?light=red` lands on the red items). */
export type LightFilter = '' | 'red' | 'yellow' | 'green' | 'completed';

export const LIGHT_FILTERS: LightFilter[] = ['red', 'yellow', 'green', 'completed'];

export function readLight(value: string | null): LightFilter {
	return (LIGHT_FILTERS as string[]).includes(value ?? '') ? (value as LightFilter) : '';
}

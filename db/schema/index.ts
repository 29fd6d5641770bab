export * from './constants.ts';
export * from './unit.ts';
export * from './plan.ts';
export * from './auth.ts';
export * from './audit.ts';
export * from './report.ts';
export * from './request.ts';
export * from './attachment.ts';

/**
 * The enumerations the tables' columns hold. They are the domain's vocabulary, which the routes' contracts
 * and the web app use as well, so they live in the dependency-free rules module; the schema takes them
 * from there (routes import no db/ code: eslint.config.js).
 */
export * from '../../web/src/lib/rules/enums.ts';
